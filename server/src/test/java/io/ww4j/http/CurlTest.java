package io.ww4j.http;

import static io.ww4j.http.HttpFixture.MAC1;
import static io.ww4j.http.HttpFixture.MAC_KEY;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ww4j.testing.ExternalTool;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server driven by {@code curl}, the client dracut and the benchmarks use: secure mode with
 * privileged source ports, TLS-only runtime, every error status, resumed downloads, raw paths, and
 * the request sequences of Warewulf 4.5, 4.6 and 4.7 clients.
 */
class CurlTest {
    @TempDir
    static Path tmp;
    static HttpFixture f;
    static HttpFixture secure;
    static HttpFixture tls;
    static Path curl;

    @BeforeAll
    static void start() throws Exception {
        curl = ExternalTool.require("curl", "curl");
        f = new HttpFixture(Files.createDirectories(tmp.resolve("plain")), c -> {});
        secure = new HttpFixture(Files.createDirectories(tmp.resolve("secure")), c -> c.warewulf.secure = true);
        tls = new HttpFixture(Files.createDirectories(tmp.resolve("tls")), c -> {
            c.warewulf.tls = true;
            c.warewulf.tlsPort = 0;
        });
    }

    @AfterAll
    static void stop() {
        for (HttpFixture x : new HttpFixture[] {f, secure, tls}) {
            if (x != null) {
                x.close();
            }
        }
    }

    record Result(int code, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Runs curl; the status code is written after the body on a line of its own. */
    static Result curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(curl.toString(), "-sS", "--max-time", "60", "-o", "-",
                "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS));
        int nl = out.length - 1;
        while (nl >= 0 && out[nl] != '\n') {
            nl--;
        }
        int code = Integer.parseInt(new String(out, nl + 1, out.length - nl - 1, StandardCharsets.US_ASCII));
        byte[] body = java.util.Arrays.copyOf(out, nl);
        return new Result(code, body);
    }

    static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void everyErrorStatus() throws Exception {
        String b = f.base();
        assertEquals(400, curl(b + "/kernel/").code()); // no MAC, no wwid, no ARP entry
        assertEquals(400, curl(b + "/provision/" + MAC1 + "?stage=kmods").code());
        assertEquals(401, curl(b + "/image/" + MAC_KEY + "?assetkey=wrong").code());
        assertEquals(401, curl(b + "/files/x").code());
        assertEquals(403, curl(b + "/files/sub/hello.txt?wwid=" + MAC_KEY + "&assetkey=wrong").code());
        assertEquals(404, curl(b + "/image/" + MAC1 + "?compress=bz2").code());
        assertEquals(301, curl(b + "/kernel").code());
        f.nodes.failingMac = "aa:bb:cc:dd:ee:77";
        assertEquals(503, curl(b + "/kernel/aa:bb:cc:dd:ee:77").code());
        Files.writeString(f.root.resolve("etc/warewulf/ipxe/default.ipxe"), "{{if .Id}}unclosed");
        try {
            assertEquals(500, curl(b + "/ipxe/" + MAC1).code());
        } finally {
            Files.delete(f.root.resolve("etc/warewulf/ipxe/default.ipxe"));
        }
        assertEquals(200, curl(b + "/ipxe/" + MAC1).code());
    }

    @Test
    void secureModeRuntimeOnlyFromPrivilegedPorts() throws Exception {
        String url = secure.base() + "/runtime/" + MAC1 + "?compress=gz";
        assertEquals(401, curl(url).code());
        assertEquals(200, curl(secure.base() + "/system/" + MAC1).code()); // only runtime is checked
        assumeTrue(ExternalTool.isRoot(), "binding source ports < 1024 needs root");
        Result r = curl("--local-port", "900-1000", url);
        assertEquals(200, r.code());
        assertEquals("runtime-gz-n1", r.text());
        // 4.5/4.6 wwclient form, same bytes
        assertEquals("runtime-gz-n1", curl("--local-port", "900-1000",
                secure.base() + "/provision/" + MAC1 + "?assetkey=&stage=runtime&compress=gz&uuid=u").text());
    }

    @Test
    void tlsOnRuntimeOverPlainHttpIs403() throws Exception {
        assertEquals(403, curl(tls.base() + "/runtime/" + MAC1).code());
        assertEquals(403, curl(tls.base() + "/overlay-runtime/" + MAC1).code());
        assertEquals(200, curl(tls.base() + "/system/" + MAC1).code());
        assertFalse(curl(tls.base() + "/ipxe/" + MAC1).text().contains("initrd --name runtime"));
    }

    @Test
    void tlsListenerServesTheSameRoutesWithTls13() throws Exception {
        String https = "https://127.0.0.1:" + tls.server.tlsPort();
        String ca = tls.root.resolve("etc/warewulf/tls/warewulf.crt").toString();
        Result r = curl("--tlsv1.3", "--cacert", ca, https + "/runtime/" + MAC1 + "?compress=gz");
        assertEquals(200, r.code());
        assertEquals("runtime-gz-n1", r.text());
        assertArrayEquals(tls.kernel, curl("--cacert", ca, https + "/kernel/" + MAC1).body());
        // plain HTTP still serves everything but the runtime overlay
        assertEquals(200, curl(tls.base() + "/kernel/" + MAC1).code());
    }

    @Test
    void tlsOnWithoutKeyOrCertRefusesToStart() throws Exception {
        io.ww4j.config.WarewulfConf c = new io.ww4j.config.WarewulfConf();
        c.warewulf.port = 0;
        c.warewulf.tlsPort = 0;
        c.warewulf.tls = true;
        c.paths.sysconfdir = Files.createDirectories(tmp.resolve("notls/etc")).toString();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ProvisionServer(
                new ProvisionServer.Deps(c, HttpWiring.NO_NODES, new ChrootImages(c),
                        new ProvisionedOverlays(c.overlayImageDir()), new GoTemplates(),
                        new io.ww4j.status.StatusTracker(), ArpTable.system()), "127.0.0.1"));
        assertTrue(e.getMessage().contains("warewulf.key"), e.getMessage());
    }

    @Test
    void resumedDownloadAndRawTraversalPaths() throws Exception {
        Path out = tmp.resolve("partial.img");
        Files.write(out, java.util.Arrays.copyOf(f.image, 123_457));
        Process p = new ProcessBuilder(curl.toString(), "-sS", "-C", "-", "-o", out.toString(),
                f.base() + "/image/" + MAC1).start();
        assertEquals(0, p.waitFor());
        assertArrayEquals(f.image, Files.readAllBytes(out));
        for (String path : new String[] {"/files/../../etc/shadow", "/files/../secret", "/files/%2e%2e/secret",
                "/files/sub/..%2f..%2fsecret", "/files/sub/escape"}) {
            Result r = curl("--path-as-is", f.base() + path + "?wwid=" + MAC1);
            assertTrue(r.code() == 404 || r.code() == 400, path + " -> " + r.code());
            assertFalse(r.text().contains("SECRET"));
        }
    }

    @Test
    void idleKeepAliveConnectionIsServedAgain() throws Exception {
        try (Socket s = new Socket("127.0.0.1", f.server.port())) {
            s.setSoTimeout(30_000);
            String req = "GET /system/" + MAC1 + " HTTP/1.1\r\nHost: x\r\n\r\n";
            for (int i = 0; i < 2; i++) {
                s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
                String head = readHead(s);
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                assertEquals("system-n1", new String(s.getInputStream().readNBytes(9), StandardCharsets.US_ASCII));
                Thread.sleep(1500); // idle between polls, like wwclient
            }
        }
    }

    private static String readHead(Socket s) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = s.getInputStream().read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }

    /**
     * The URLs each generation of Warewulf clients asks for (iPXE script, dracut, wwclient), by
     * spec §1.13/§2/§3; the same asset must come back byte for byte whichever way it is asked.
     */
    @Test
    void clientGenerationsGetTheSameBytes() throws Exception {
        String b = f.base();
        String mac = MAC1.replace(':', '-');
        Map<String, Map<String, String>> gens = new LinkedHashMap<>();
        gens.put("4.5", Map.of(
                "ipxe", "/provision/" + mac + "?assetkey=&uuid=u1",
                "kernel", "/provision/" + mac + "?assetkey=&uuid=u1&stage=kernel",
                "image.gz", "/provision/" + mac + "?assetkey=&uuid=u1&stage=container&compress=gz",
                "system.gz", "/provision/" + mac + "?assetkey=&uuid=u1&stage=system&compress=gz"));
        gens.put("4.6", Map.of(
                "ipxe", "/ipxe/" + mac + "?assetkey=&uuid=u1",
                "kernel", "/provision/" + MAC1 + "?assetkey=&uuid=u1&stage=kernel",
                "image.gz", "/provision/" + MAC1 + "?assetkey=&uuid=u1&stage=image&compress=gz",
                "system.gz", "/provision/" + MAC1 + "?assetkey=&uuid=u1&stage=system&compress=gz",
                "runtime.gz", "/provision/" + MAC1 + "?assetkey=&uuid=u1&stage=runtime&compress=gz",
                "initramfs", "/provision/" + MAC1 + "?assetkey=&uuid=u1&stage=initramfs"));
        gens.put("4.7", Map.of(
                "ipxe", "/ipxe/" + mac + "?assetkey=&uuid=u1",
                "kernel", "/kernel/" + MAC1 + "?assetkey=&uuid=u1",
                "image.gz", "/image/" + MAC1 + "?assetkey=&uuid=u1&compress=gz",
                "system.gz", "/system/" + MAC1 + "?assetkey=&uuid=u1&compress=gz",
                "runtime.gz", "/runtime/" + MAC1 + "?assetkey=&compress=gz&uuid=u1",
                "initramfs", "/initramfs/" + MAC1 + "?assetkey=&uuid=u1",
                "image", "/container/" + MAC1 + "?assetkey=&uuid=u1"));
        Map<String, String> seen = new LinkedHashMap<>();
        for (var gen : gens.entrySet()) {
            for (var asset : gen.getValue().entrySet()) {
                Result r = curl(b + asset.getValue());
                assertEquals(200, r.code(), gen.getKey() + " " + asset.getValue());
                String prev = seen.putIfAbsent(asset.getKey(), sha(r.body()));
                if (prev != null) {
                    assertEquals(prev, sha(r.body()), gen.getKey() + " " + asset.getKey() + " differs");
                }
            }
        }
        assertEquals(sha(f.kernel), seen.get("kernel"));
        assertEquals(sha(f.imageGz), seen.get("image.gz"));
        assertEquals(sha(f.image), seen.get("image"));
        assertEquals(sha("runtime-gz-n1".getBytes()), seen.get("runtime.gz"));
        // 4.6/4.7 dracut: curl --get with url-encoded parameters
        Result dracut46 = curl("--location", "--get", "--data-urlencode", "assetkey=", "--data-urlencode", "uuid=u1",
                "--data-urlencode", "compress=gz", "--data-urlencode", "stage=image", b + "/provision/" + MAC1);
        assertEquals(sha(f.imageGz), sha(dracut46.body()));
        Result dracut47 = curl("--location", "--get", "--data-urlencode", "assetkey=Asset Tag 7",
                "--data-urlencode", "uuid=u1", "--data-urlencode", "compress=gz", b + "/system/" + MAC_KEY);
        assertEquals("system-gz-keyed", dracut47.text());
    }
}
