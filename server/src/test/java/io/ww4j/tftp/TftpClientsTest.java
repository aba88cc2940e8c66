package io.ww4j.tftp;

import static io.ww4j.tftp.TftpFixture.assertSameFile;
import static io.ww4j.tftp.TftpFixture.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.status.BootEvent;
import io.ww4j.testing.ExternalTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TFTP clients against the server: every file compared byte for byte with the original. */
class TftpClientsTest {
    static final List<String> SMALL = List.of("f0", "f511", "f512", "f513", "f1048576");

    @TempDir
    static Path tmp;
    static TftpFixture fx;
    static Path out;

    @BeforeAll
    static void start() throws IOException {
        fx = new TftpFixture(tmp.resolve("srv"), true, 1000);
        out = Files.createDirectories(tmp.resolve("out"));
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private static void check(String name, Path got) throws IOException {
        assertSameFile(fx.root.resolve(name), got);
        Files.delete(got);
    }

    @Test
    void commonsNetClient() throws Exception {
        TFTPClient c = new TFTPClient();
        c.open();
        try {
            c.setSoTimeout(java.time.Duration.ofSeconds(5));
            // one client socket for every transfer, each file twice in a row: a new RRQ from the
            // port of a just-finished transfer must start a new transfer, not count as a repeat
            for (String name : List.of("f0", "f0", "f511", "f511", "f512", "f513", "f513", "f1048576")) {
                Path got = out.resolve("cn-" + name);
                try (OutputStream o = Files.newOutputStream(got)) {
                    c.receiveFile(name, TFTP.BINARY_MODE, o, TftpFixture.LOOPBACK, fx.port());
                }
                check(name, got);
            }
            // netascii: commons-net turns CR LF back into LF (and leaves CR NUL alone)
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            c.receiveFile("text.txt", TFTP.ASCII_MODE, text, TftpFixture.LOOPBACK, fx.port());
            assertEquals("line one\nline two\r\0\nbare\r\0cr\n\nend", text.toString(StandardCharsets.US_ASCII));
        } finally {
            c.close();
        }
        fx.awaitIdle();
        // Events of back-to-back transfers may be recorded out of order on a loaded machine:
        // look for the text.txt transfer in the node's trace rather than at its end.
        BootEvent text = fx.status.trace("n0001").stream()
                .filter(e -> e.file().equals("text.txt")).reduce((a, b) -> b).orElseThrow();
        assertEquals(BootEvent.Protocol.TFTP, text.protocol());
        assertTrue(text.ok());
    }

    @Test
    void tftpHpa() throws Exception {
        ExternalTool.require("tftp", "tftp-hpa");
        for (String name : SMALL) {
            Path got = out.resolve("hpa-" + name);
            run(out, "tftp", "-4", "-m", "binary", "127.0.0.1", Integer.toString(fx.port()), "-c", "get", name, got.toString());
            check(name, got);
        }
        // tftp-hpa's client sends no options: 512-byte lock-step, so 64 MiB rolls the block number over.
        Path got = out.resolve("hpa-f64m");
        run(out, "tftp", "-4", "-m", "binary", "127.0.0.1", Integer.toString(fx.port()), "-c", "get", "f64m", got.toString());
        check("f64m", got);
    }

    @Test
    void atftpWithOptions() throws Exception {
        ExternalTool.require("atftp", "atftp");
        String[][] variants = {
            {"blksize 1468", "tsize 0", "windowsize 4"},
            {"blksize 8", "tsize 0"},
            {"blksize 65464", "windowsize 2"},
        };
        int i = 0;
        for (String[] opts : variants) {
            i++;
            for (String name : SMALL) {
                Path got = out.resolve("atftp" + i + "-" + name);
                atftp(name, got, opts);
                check(name, got);
            }
        }
        Path got = out.resolve("atftp-f64m");
        atftp("f64m", got, "blksize 1468", "tsize 0", "windowsize 16");
        check("f64m", got);
    }

    private static void atftp(String name, Path got, String... options) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("atftp"));
        for (String o : options) {
            cmd.add("--option");
            cmd.add(o);
        }
        cmd.addAll(List.of("-g", "-r", name, "-l", got.toString(), "127.0.0.1", Integer.toString(fx.port())));
        run(out, cmd.toArray(String[]::new));
    }

    @Test
    void curl() throws Exception {
        ExternalTool.require("curl", "curl");
        for (String name : SMALL) {
            if (name.equals("f0")) {
                continue; // curl 7.88 fails any empty TFTP download (errno 107 from getpeername), tftpd-hpa's too
            }
            Path got = out.resolve("curl-" + name);
            run(out, "curl", "-sS", "--max-time", "60", "-o", got.toString(), "tftp://127.0.0.1:" + fx.port() + "/" + name);
            check(name, got);
            got = out.resolve("curl-b-" + name);
            run(out, "curl", "-sS", "--max-time", "60", "--tftp-blksize", "1024", "-o", got.toString(),
                    "tftp://127.0.0.1:" + fx.port() + "/" + name);
            check(name, got);
        }
        Path got = out.resolve("curl-f64m");
        run(out, "curl", "-sS", "--max-time", "100", "--tftp-blksize", "8192", "-o", got.toString(),
                "tftp://127.0.0.1:" + fx.port() + "/f64m");
        check("f64m", got);
    }

    @Test
    void virtualWarewulfDirectory() throws Exception {
        ExternalTool.require("curl", "curl");
        String base = "tftp://127.0.0.1:" + fx.port() + "/";
        Object[][] cases = {
            {"warewulf/undionly.kpxe", fx.ipxe.resolve("undionly.kpxe")},
            {"warewulf/snponly.efi", fx.ipxe.resolve("arm64-efi/snponly.efi")},
            {"warewulf/shim.efi", fx.host.resolve("usr/lib64/efi/shimx64.efi")},
            {"warewulf/grubx64.efi", fx.host.resolve("usr/share/grub2/x86_64-efi/grubx64.efi")},
            {"warewulf/grub.efi", fx.host.resolve("usr/share/grub2/x86_64-efi/grubx64.efi")},
        };
        for (Object[] c : cases) {
            Path got = out.resolve("virt");
            run(out, "curl", "-sS", "--max-time", "60", "-o", got.toString(), base + c[0]);
            assertSameFile((Path) c[1], got);
            Files.delete(got);
        }
        // DHCP hands out "/warewulf/..." (leading slash): same file.
        try (TftpFixture.Raw raw = new TftpFixture.Raw()) {
            byte[] cfg = fetchLockstep(raw, "/warewulf/grub.cfg");
            String text = new String(cfg, StandardCharsets.UTF_8);
            assertTrue(text.contains("configfile (http,10.0.0.1:9873)/grub/${net_default_mac}"), text);
            assertArrayEquals(TftpRoot.grubCfg("10.0.0.1", 9873), cfg);
        }
    }

    /** A client that throws away every 10th DATA packet it receives still gets the whole file. */
    @Test
    void lossyClientFinishes() throws Exception {
        // lock-step: only the server's retransmission timer recovers (tftpd-hpa's utimeout keeps it short)
        assertArrayEquals(Files.readAllBytes(fx.root.resolve("f1048576")),
                LossyClient.fetch(fx.port(), "f1048576", 10, "blksize", "4096", "utimeout", "20000"));
        // windowed (RFC 7440): the client reports the gap at once by ACKing the last block it has in order
        assertArrayEquals(Files.readAllBytes(fx.root.resolve("f1048576")),
                LossyClient.fetch(fx.port(), "f1048576", 10, "blksize", "1024", "windowsize", "8", "utimeout", "20000"));
        // plain RFC 2349 timeout, small file: a few one-second recoveries
        assertArrayEquals(Files.readAllBytes(fx.root.resolve("f513")),
                LossyClient.fetch(fx.port(), "f513", 2, "timeout", "1"));
    }

    @Test
    void netasciiOnTheWire() throws Exception {
        try (TftpFixture.Raw raw = new TftpFixture.Raw()) {
            byte[] wire = fetchLockstep(raw, "text.txt", "netascii");
            assertEquals("line one\r\nline two\r\0\r\nbare\r\0cr\r\n\r\nend", new String(wire, StandardCharsets.US_ASCII));
        }
    }

    static byte[] fetchLockstep(TftpFixture.Raw raw, String name) throws IOException {
        return fetchLockstep(raw, name, "octet");
    }

    /** Minimal RFC 1350 read over a raw socket (no options). */
    static byte[] fetchLockstep(TftpFixture.Raw raw, String name, String mode) throws IOException {
        raw.send(TftpFixture.rrq(name, mode), fx.port());
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int expect = 1;
        while (true) {
            ByteBuffer p = raw.receive(5000);
            assertTrue(p != null, "no reply for " + name);
            assertEquals(3, TftpFixture.opcode(p), "DATA expected");
            if (TftpFixture.block(p) == (expect & 0xFFFF)) {
                data.write(p.array(), p.arrayOffset() + 4, p.remaining() - 4);
                expect++;
            }
            raw.sendToPeer(TftpFixture.ack(TftpFixture.block(p)));
            if (p.remaining() - 4 < 512) {
                return data.toByteArray();
            }
        }
    }
}
