package io.ww4j.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.ww4j.status.StatusTracker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A TFTP root with files of the sizes the tests need, a fake iPXE source and host shim/GRUB, and
 * a server on 127.0.0.1 at an ephemeral (high) port. Also a raw UDP client for hand-made packets.
 */
final class TftpFixture implements AutoCloseable {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    final Path base;
    final Path root;
    final Path ipxe;
    final Path host;
    final StatusTracker status = new StatusTracker();
    final TftpServer server;

    TftpFixture(Path base, boolean big, int maxTransfers) throws IOException {
        this.base = base;
        root = Files.createDirectories(base.resolve("tftpboot"));
        ipxe = Files.createDirectories(base.resolve("ipxe"));
        host = Files.createDirectories(base.resolve("host"));
        for (int n : new int[] {0, 511, 512, 513, 1 << 20}) {
            write(root.resolve("f" + n), n, n);
        }
        if (big) {
            write(root.resolve("f64m"), 64 << 20, 64);
        }
        Files.writeString(root.resolve("text.txt"), "line one\nline two\r\nbare\rcr\n\nend");
        Files.writeString(base.resolve("secret"), "outside the root\n");
        Files.createSymbolicLink(root.resolve("escape"), base.resolve("secret"));
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/inside"), "inside\n");
        Files.createSymbolicLink(root.resolve("link-inside"), root.resolve("sub/inside"));
        write(ipxe.resolve("undionly.kpxe"), 70_000, 1);
        write(Files.createDirectories(ipxe.resolve("arm64-efi")).resolve("snponly.efi"), 3000, 2);
        write(Files.createDirectories(host.resolve("usr/lib64/efi")).resolve("shimx64.efi"), 5000, 3);
        write(Files.createDirectories(host.resolve("usr/share/grub2/x86_64-efi")).resolve("grubx64.efi"), 6000, 4);

        TftpServer.Settings s = new TftpServer.Settings();
        s.bindAddress = LOOPBACK;
        s.port = 0;
        s.root = root;
        s.ipxeSource = ipxe;
        s.ipxe = Map.of("00:00", "undionly.kpxe", "00:0B", "arm64-efi/snponly.efi");
        s.hostRoot = host;
        s.grubCfg = TftpRoot.grubCfg("10.0.0.1", 9873);
        s.maxTransfers = maxTransfers;
        server = new TftpServer(s, status, ip -> ip.isLoopbackAddress() ? "n0001" : null);
        server.start();
    }

    int port() {
        return server.port();
    }

    static void write(Path p, long size, long seed) throws IOException {
        Random r = new Random(seed);
        byte[] chunk = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(p)) {
            for (long left = size; left > 0; left -= chunk.length) {
                r.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(left, chunk.length));
            }
        }
    }

    static void assertSameFile(Path expected, Path actual) throws IOException {
        assertEquals(Files.size(expected), Files.size(actual), "size of " + actual);
        assertEquals(-1L, Files.mismatch(expected, actual), "content of " + actual + " differs from " + expected);
    }

    /** Runs a command; fails the test on a non-zero exit or after two minutes. */
    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + String.join(" ", cmd));
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + text);
        return text;
    }

    /** Waits until no transfer runs (transfers end on their own event loop, just after the last ACK). */
    void awaitIdle() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.activeTransfers() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(0, server.activeTransfers(), "transfers still running");
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- raw packets ----

    static byte[] rrq(String file, String mode, String... options) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0);
        b.write(1);
        for (String s : concat(file, mode, options)) {
            b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            b.write(0);
        }
        return b.toByteArray();
    }

    private static List<String> concat(String a, String b, String[] rest) {
        List<String> l = new ArrayList<>(List.of(a, b));
        l.addAll(List.of(rest));
        return l;
    }

    static byte[] ack(long block) {
        return new byte[] {0, 4, (byte) (block >> 8), (byte) block};
    }

    /** A UDP socket on loopback that sends hand-made packets and reads replies. */
    static final class Raw implements AutoCloseable {
        final DatagramSocket socket;
        InetSocketAddress peer;

        Raw() throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            socket.setReceiveBufferSize(4 << 20);
        }

        void send(byte[] data, int port) throws IOException {
            socket.send(new DatagramPacket(data, data.length, LOOPBACK, port));
        }

        void sendToPeer(byte[] data) throws IOException {
            socket.send(new DatagramPacket(data, data.length, peer));
        }

        /** The next packet, or null after {@code millis} of silence. Remembers the sender as the peer. */
        ByteBuffer receive(int millis) throws IOException {
            socket.setSoTimeout(millis);
            DatagramPacket p = new DatagramPacket(new byte[70_000], 70_000);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            peer = (InetSocketAddress) p.getSocketAddress();
            return ByteBuffer.wrap(p.getData(), 0, p.getLength()).slice();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    static int opcode(ByteBuffer b) {
        return b.getShort(0) & 0xFFFF;
    }

    static int block(ByteBuffer b) {
        return b.getShort(2) & 0xFFFF;
    }

    /** Parses an OACK into name → value. */
    static Map<String, String> oackOptions(ByteBuffer b) {
        String[] parts = new String(b.array(), b.arrayOffset() + 2, b.remaining() - 2, StandardCharsets.US_ASCII).split("\0");
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < parts.length; i += 2) {
            m.put(parts[i], parts[i + 1]);
        }
        return m;
    }
}
