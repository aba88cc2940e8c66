package io.ww4j.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.ww4j.testing.ExternalTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent {@code overlays/wwclient/rootfs/warewulf/wwclient} (a POSIX sh script) run for
 * real against a real HTTP server on loopback that serves a gzip'd newc cpio, applying into a
 * temp root: first sync, change + next poll, SIGHUP, never deletes, unchanged files untouched,
 * privileged source port in secure mode, server down then back.
 */
class WwclientAgentTest {
    static final Path AGENT = OverlayTestSupport.distributionOverlays().resolve("wwclient/rootfs/warewulf/wwclient");

    @TempDir
    Path tmp;

    HttpServer server;
    int port;
    /** path -> content; "dir/" keys are directories; "@target" values are symlinks. */
    final Map<String, String> served = new TreeMap<>();
    volatile int status = 200;
    final List<String> requests = new CopyOnWriteArrayList<>();
    Process agent;

    @BeforeEach
    void setUp() throws IOException {
        ExternalTool.require("curl", "curl");
        ExternalTool.require("cpio", "cpio");
        ExternalTool.require("gzip", "gzip");
        startServer(0);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.destroy();
            agent.waitFor();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    void startServer(int fixedPort) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", fixedPort), 0);
        server.createContext("/runtime/", ex -> {
            requests.add(ex.getRequestURI() + " from-port=" + ex.getRemoteAddress().getPort());
            byte[] body = status == 200 ? image() : "no".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        port = server.getAddress().getPort();
    }

    synchronized byte[] image() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes);
                CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(gz, CpioConstants.FORMAT_NEW)) {
            for (Map.Entry<String, String> e : served.entrySet()) {
                String name = e.getKey();
                byte[] data;
                CpioArchiveEntry entry;
                if (name.endsWith("/")) {
                    entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name.substring(0, name.length() - 1));
                    entry.setMode(CpioConstants.C_ISDIR | Integer.parseInt(e.getValue(), 8));
                    data = new byte[0];
                } else if (e.getValue().startsWith("@")) {
                    entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name);
                    entry.setMode(CpioConstants.C_ISLNK | 0777);
                    data = e.getValue().substring(1).getBytes(StandardCharsets.UTF_8);
                } else {
                    entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name);
                    entry.setMode(CpioConstants.C_ISREG | (name.endsWith(".secret") ? 0600 : 0644));
                    data = e.getValue().getBytes(StandardCharsets.UTF_8);
                }
                entry.setSize(data.length);
                entry.setTime(1_700_000_000L);
                cpio.putArchiveEntry(entry);
                cpio.write(data);
                cpio.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    Process startAgent(boolean secure, int interval, String... extra) throws IOException {
        return startAgent("BOOT_IMAGE=/vmlinuz quiet wwid=00:11:22:33:44:55 console=ttyS0", Map.of(), secure,
                interval, extra);
    }

    Process startAgent(String kernelCmdline, Map<String, String> envChanges, boolean secure, int interval,
                       String... extra) throws IOException {
        Path cmdline = tmp.resolve("cmdline");
        Files.writeString(cmdline, kernelCmdline + "\n");
        Path root = tmp.resolve("root");
        Files.createDirectories(root);
        List<String> cmd = new java.util.ArrayList<>(List.of("sh", AGENT.toString(), "--root", root.toString(),
                "-p", tmp.resolve("wwclient.pid").toString(), "-d"));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("WW_CONFIG", tmp.resolve("none.conf").toString());
        env.put("WW_CMDLINE", cmdline.toString());
        env.put("WW_IPADDR", "127.0.0.1");
        env.put("WW_PORT", String.valueOf(port));
        env.put("WW_SECURE", String.valueOf(secure));
        env.put("WW_INTERVAL", String.valueOf(interval));
        env.put("WW_UUID", "4c4c4544-0042-3510-8044-b4c04f4b4d32");
        env.put("WW_ASSETTAG", "rack 12 slot 3");
        env.put("TMPDIR", tmp.toString());
        envChanges.forEach((k, v) -> {
            if (v.isEmpty()) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        pb.redirectErrorStream(true).redirectOutput(tmp.resolve("agent.log").toFile());
        agent = pb.start();
        return agent;
    }

    Path root(String rel) {
        return tmp.resolve("root").resolve(rel);
    }

    void await(String what, BooleanSupplier cond) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; agent log:\n"
                        + Files.readString(tmp.resolve("agent.log")) + "\nrequests: " + requests);
            }
            Thread.sleep(100);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void firstSyncThenChangeOnNextPollNeverDeletesAndLeavesUnchangedFilesAlone() throws Exception {
        served.put("etc/", "755");
        served.put("etc/motd", "hello v1\n");
        served.put("etc/keep", "same\n");
        served.put("etc/node.secret", "s3cret\n");
        served.put("etc/link", "@motd");
        served.put("etc/ssh/", "700");
        served.put("etc/ssh/old", "going away\n");
        startAgent(false, 1);

        // The agent places files one at a time: wait for the last of them, not just the first.
        await("first sync", () -> "hello v1\n".equals(read(root("etc/motd")))
                && "s3cret\n".equals(read(root("etc/node.secret"))) && Files.isSymbolicLink(root("etc/link"))
                && "going away\n".equals(read(root("etc/ssh/old"))));
        assertEquals("s3cret\n", read(root("etc/node.secret")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root("etc/node.secret"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root("etc/ssh"))));
        assertEquals(Path.of("motd"), Files.readSymbolicLink(root("etc/link")));
        String first = requests.get(0);
        assertTrue(first.startsWith("/runtime/00:11:22:33:44:55?"), first);
        assertTrue(first.contains("assetkey=rack_12_slot_3") && first.contains("compress=gz")
                && first.contains("uuid=4c4c4544-0042-3510-8044-b4c04f4b4d32"), first);
        Object keepInode = Files.getAttribute(root("etc/keep"), "unix:ino");

        synchronized (this) {
            served.put("etc/motd", "hello v2\n");
            served.remove("etc/ssh/old");
            served.put("etc/link", "@keep");
        }
        await("change applied on a later poll", () -> "hello v2\n".equals(read(root("etc/motd"))));
        await("link retargeted", () -> Path.of("keep").equals(readLink(root("etc/link"))));
        int seen = requests.size();
        await("another poll", () -> requests.size() > seen + 1);
        assertEquals("going away\n", read(root("etc/ssh/old")), "the agent never deletes");
        assertEquals(keepInode, Files.getAttribute(root("etc/keep"), "unix:ino"), "unchanged file was rewritten");
        try (var s = Files.list(root("etc"))) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".wwclient.")), "temp files left behind");
        }
    }

    static Path readLink(Path p) {
        try {
            return Files.readSymbolicLink(p);
        } catch (IOException e) {
            return null;
        }
    }

    /** warewulf.conf without ipaddr: WW_SERVER is empty, the agent polls the URL iPXE booted it from. */
    @Test
    void withoutServerAddressPollsTheBootServerFromTheKernelCommandLine() throws Exception {
        served.put("etc/", "755");
        served.put("etc/motd", "from the boot server\n");
        Path conf = tmp.resolve("wwclient.conf");
        Files.writeString(conf, "WW_SERVER=''\nWW_SERVER6=''\nWW_PORT='1'\nWW_SECURE='false'\n");
        startAgent("initrd=image wwinit.server=http://127.0.0.1:" + port + " wwid=00:11:22:33:44:55 quiet",
                Map.of("WW_IPADDR", "", "WW_PORT", "", "WW_CONFIG", conf.toString()), false, 3600, "--once");
        assertTrue(agent.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, agent.exitValue(), () -> read(tmp.resolve("agent.log")));
        assertEquals("from the boot server\n", read(root("etc/motd")));
        assertTrue(requests.get(0).startsWith("/runtime/00:11:22:33:44:55?"), requests.toString());
        assertTrue(read(tmp.resolve("agent.log")).contains("polling http://127.0.0.1:" + port + "/runtime/"),
                () -> read(tmp.resolve("agent.log")));
    }

    @Test
    void withoutAnyServerAddressItSaysSo() throws Exception {
        Path conf = tmp.resolve("wwclient.conf");
        Files.writeString(conf, "WW_SERVER=''\n");
        startAgent("wwid=00:11:22:33:44:55", Map.of("WW_IPADDR", "", "WW_CONFIG", conf.toString()), false, 3600,
                "--once");
        assertTrue(agent.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(1, agent.exitValue());
        assertTrue(read(tmp.resolve("agent.log")).contains("no server address"), () -> read(tmp.resolve("agent.log")));
        assertTrue(requests.isEmpty());
    }

    @Test
    void sighupPollsAtOnce() throws Exception {
        served.put("etc/", "755");
        served.put("etc/motd", "one\n");
        Process p = startAgent(false, 3600);
        await("first sync", () -> "one\n".equals(read(root("etc/motd"))));
        synchronized (this) {
            served.put("etc/motd", "two\n");
        }
        await("agent sleeping", () -> requests.size() == 1);
        Thread.sleep(500);
        new ProcessBuilder("kill", "-HUP", String.valueOf(p.pid())).start().waitFor();
        await("SIGHUP poll", () -> "two\n".equals(read(root("etc/motd"))));
    }

    @Test
    void secureModeUsesPrivilegedSourcePort() throws Exception {
        assumeTrue(ExternalTool.isRoot(), "binding source port 987 needs root");
        served.put("etc/", "755");
        served.put("etc/motd", "secure\n");
        startAgent(true, 3600, "--once");
        assertTrue(agent.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, agent.exitValue(), () -> read(tmp.resolve("agent.log")));
        assertEquals("secure\n", read(root("etc/motd")));
        int from = Integer.parseInt(requests.get(0).replaceAll(".*from-port=", ""));
        assertTrue(from >= 987 && from < 1024, "source port " + from);
    }

    @Test
    void serverDownThenBackAndErrorsDoNotTouchTheRoot() throws Exception {
        served.put("etc/", "755");
        served.put("etc/motd", "before\n");
        startAgent(false, 2);
        await("first sync", () -> "before\n".equals(read(root("etc/motd"))));
        server.stop(0);
        synchronized (this) {
            served.put("etc/motd", "after\n");
        }
        Thread.sleep(3000);
        assertEquals("before\n", read(root("etc/motd")));
        status = 503;
        int before = requests.size();
        startServer(port);
        await("polls the failing server", () -> requests.size() > before);
        assertEquals("before\n", read(root("etc/motd")), "an error answer must not change anything");
        status = 200;
        await("recovers", () -> "after\n".equals(read(root("etc/motd"))));
        assertTrue(agent.isAlive());
    }
}
