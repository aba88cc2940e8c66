package io.ww4j.http;

import static io.ww4j.http.HttpFixture.MAC1;
import static io.ww4j.http.HttpFixture.MAC2;
import static io.ww4j.http.HttpFixture.MAC_KEY;
import static io.ww4j.http.HttpFixture.MAC_NOIMG;
import static io.ww4j.http.HttpFixture.text;
import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spec §9 rows against a real server with the JDK HttpClient (curl-driven rows: {@link CurlTest}). */
class ProvisionServerTest {
    @TempDir
    static Path tmp;
    static HttpFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new HttpFixture(tmp, c -> {});
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static String dash(String mac) {
        return mac.replace(':', '-').toUpperCase();
    }

    @Test
    void row3_doubleSlashesFoldAndBarePrefixRedirectsKeepingQuery() {
        HttpResponse<byte[]> r = f.get("//kernel//" + dash(MAC1));
        assertEquals(200, r.statusCode());
        assertArrayEquals(f.kernel, r.body());
        HttpResponse<byte[]> redirect = f.get("/ipxe?wwid=" + MAC1);
        assertEquals(301, redirect.statusCode());
        assertEquals("/ipxe/?wwid=" + MAC1, redirect.headers().firstValue("Location").orElseThrow());
        assertEquals(404, f.get("/nonsense/x").statusCode());
        assertEquals("404 page not found\n", text(f.get("/nonsense/x")));
        assertEquals(404, f.get("/status/").statusCode());
    }

    @Test
    void row4_aliasesServeTheSameBytes() {
        assertArrayEquals(f.get("/image/" + MAC1).body(), f.get("/container/" + MAC1).body());
        assertArrayEquals(f.image, f.get("/container/" + MAC1).body());
        assertEquals("system-n1", text(f.get("/overlay-system/" + MAC1)));
        assertEquals("runtime-n1", text(f.get("/overlay-runtime/" + MAC1)));
        assertEquals("system-gz-n1", text(f.get("/system/" + MAC1 + "?compress=gz")));
    }

    @Test
    void row5_provisionDispatch() {
        assertArrayEquals(f.imageGz, f.get("/provision/" + MAC1 + "?stage=container&compress=gz").body());
        assertArrayEquals(f.image, f.get("/provision/" + MAC1 + "?stage=image").body());
        assertArrayEquals(f.kernel, f.get("/provision/" + MAC1 + "?stage=kernel").body());
        HttpResponse<byte[]> noStage = f.get("/provision/" + MAC1);
        assertEquals(200, noStage.statusCode());
        assertTrue(text(noStage).startsWith("#!ipxe"));
        for (String bad : new String[] {"kmods", "efiboot", "shim", "files", "../../etc", "", "status"}) {
            assertEquals(400, f.get("/provision/" + MAC1 + "?stage=" + bad).statusCode(), bad);
        }
        // ?stage counts only on /provision/
        assertArrayEquals(f.kernel, f.get("/kernel/" + MAC1 + "?stage=image").body());
    }

    @Test
    void row6_identificationOrderPathThenWwidThenArp() throws Exception {
        // path beats wwid
        assertArrayEquals(f.kernel, f.get("/kernel/" + MAC1 + "?wwid=" + MAC2).body());
        // wwid when the path has none; n2 pins kernel 6.1.0-9 (a different file)
        byte[] k2 = f.get("/kernel/?wwid=" + dash(MAC2)).body();
        assertEquals(1000, k2.length);
        // neither: ARP of the peer address
        f.arp(null);
        assertEquals(400, f.get("/kernel/").statusCode());
        f.arp(MAC1);
        try {
            assertArrayEquals(f.kernel, f.get("/kernel/").body());
        } finally {
            f.arp(null);
        }
    }

    @Test
    void row7_compressOnlyGz() {
        assertArrayEquals(f.imageGz, f.get("/image/" + MAC1 + "?compress=gz&uuid=whatever").body());
        assertEquals(404, f.get("/image/" + MAC1 + "?compress=xz").statusCode());
        assertEquals(0, f.get("/image/" + MAC1 + "?compress=xz").body().length);
        assertEquals(404, f.get("/kernel/" + MAC1 + "?compress=gz").statusCode()); // no vmlinuz-*.gz
        assertEquals(404, f.get("/ipxe/" + MAC1 + "?compress=gz").statusCode());
        assertEquals(404, f.get("/grub/" + MAC1 + "?compress=gz").statusCode());
        HttpResponse<byte[]> r = f.get("/image/" + MAC1 + "?compress=gz");
        assertTrue(r.headers().firstValue("Content-Encoding").isEmpty());
    }

    @Test
    void row8_assetKeyExactMatch() {
        assertEquals(401, f.get("/kernel/" + MAC_KEY).statusCode());
        assertEquals("BAD_ASSET", f.status.status("keyed").orElseThrow().sent());
        assertEquals(401, f.get("/kernel/" + MAC_KEY + "?assetkey=Asset_Tag_7").statusCode());
        assertEquals(401, f.get("/kernel/" + MAC_KEY + "?assetkey=asset%20tag%207").statusCode());
        assertEquals(200, f.get("/kernel/" + MAC_KEY + "?assetkey=Asset%20Tag%207").statusCode());
        assertEquals(200, f.get("/system/" + MAC_KEY + "?assetkey=Asset+Tag+7").statusCode());
        assertEquals(401, f.get("/ipxe/" + MAC_KEY + "?assetkey=nope").statusCode());
    }

    @Test
    void row11_discoveryAssignsUnknownMacToDiscoverableNode() {
        f.nodes.addDiscoverable(BootNode.simple("disc1", "rocky", ""));
        String mac = "aa:bb:cc:00:00:99";
        HttpResponse<byte[]> r = f.get("/ipxe/" + mac);
        assertEquals(200, r.statusCode());
        assertTrue(text(r).contains("disc1"), text(r));
        assertEquals("disc1", f.nodes.byHwaddr(mac).orElseThrow().id());
        assertArrayEquals(f.kernel, f.get("/kernel/" + mac).body());
        // no discoverable node left: the next unknown MAC stays unknown
        assertTrue(text(f.get("/ipxe/aa:bb:cc:00:00:98")).contains("not a configured node"));
    }

    @Test
    void row12_13_ipxeScripts() throws Exception {
        HttpResponse<byte[]> r = f.get("/ipxe/" + dash(MAC1) + "?assetkey=&uuid=x");
        assertEquals(200, r.statusCode());
        assertEquals("text", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(r.body().length, Integer.parseInt(r.headers().firstValue("Content-Length").orElseThrow()));
        String s = text(r);
        assertTrue(s.startsWith("#!ipxe\n"), s);
        assertTrue(s.contains("set base http://127.0.0.1:" + f.server.port()), s);
        assertTrue(s.contains("set hwaddr " + MAC1), s);
        assertTrue(s.contains("wwid=" + MAC1 + " quiet crashkernel=no"), s);
        assertTrue(s.contains("loading kernel 6.1.0-13 "), s);
        assertTrue(s.contains("root=wwinit:tmpfs"), s);
        assertTrue(s.contains("initrd --name runtime"), s);
        assertFalse(s.contains("{{") || s.contains("<no value>"), s);
        assertEquals("default.ipxe", f.status.status("n1").orElseThrow().sent());
        assertEquals("ipxe", f.status.status("n1").orElseThrow().stage());

        String unknown = text(f.get("/ipxe/de-ad-be-ef-00-01"));
        assertTrue(unknown.contains("HW address de:ad:be:ef:00:01"), unknown);
        assertTrue(f.status.table().keySet().stream().noneMatch(String::isEmpty));
        // malformed MAC: still just an unknown node
        assertEquals(200, f.get("/ipxe/zz-not-a-mac").statusCode());

        assertTrue(text(f.get("/ipxe/" + MAC_NOIMG)).contains("has no image"));
    }

    @Test
    void row12_siteTemplatesWinAndPerNodeTemplate() throws Exception {
        Path site = f.root.resolve("etc/warewulf/ipxe");
        Files.writeString(site.resolve("custom.ipxe"), "#!ipxe\necho site {{.Id}} {{.Hwaddr}} {{.Tags.Nope}}\n");
        Files.writeString(site.resolve("broken.ipxe"), "#!ipxe\n{{.Id}\n");
        f.nodes.add(BootNode.simple("c1", "rocky", "aa:bb:cc:dd:ee:c1").withIpxeTemplate("custom"));
        f.nodes.add(BootNode.simple("c2", "rocky", "aa:bb:cc:dd:ee:c2").withIpxeTemplate("missing"));
        f.nodes.add(BootNode.simple("c3", "rocky", "aa:bb:cc:dd:ee:c3").withIpxeTemplate("broken"));
        f.nodes.add(BootNode.simple("c4", "rocky", "aa:bb:cc:dd:ee:c4").withIpxeTemplate("localdisk"));
        f.nodes.add(BootNode.simple("c5", "rocky", "aa:bb:cc:dd:ee:c5").withIpxeTemplate("../../secret"));
        assertEquals("#!ipxe\necho site c1 aa:bb:cc:dd:ee:c1 <no value>\n", text(f.get("/ipxe/aa:bb:cc:dd:ee:c1")));
        assertEquals(404, f.get("/ipxe/aa:bb:cc:dd:ee:c2").statusCode());
        assertEquals("NOT_FOUND", f.status.status("c2").orElseThrow().sent());
        assertEquals(500, f.get("/ipxe/aa:bb:cc:dd:ee:c3").statusCode());
        assertTrue(text(f.get("/ipxe/aa:bb:cc:dd:ee:c4")).contains("sanboot --no-describe --drive 0x80"));
        assertEquals(404, f.get("/ipxe/aa:bb:cc:dd:ee:c5").statusCode());
    }

    @Test
    void row14_16_kernelImageInitramfs() {
        assertArrayEquals(f.kernel, f.get("/kernel/" + MAC1).body()); // highest non-debug
        assertEquals("vmlinuz-6.1.0-13-amd64", f.status.status("n1").orElseThrow().sent());
        assertEquals(1000, f.get("/kernel/" + MAC2).body().length); // pinned 6.1.0-9
        assertEquals(400, f.get("/kernel/" + MAC_NOIMG).statusCode());
        assertEquals("BAD_REQUEST", f.status.status("noimg").orElseThrow().sent());
        assertEquals(400, f.get("/kernel/aa:aa:aa:aa:aa:aa").statusCode()); // unknown node
        assertEquals(400, f.get("/image/" + MAC_NOIMG).statusCode());
        HttpResponse<byte[]> init = f.get("/initramfs/" + MAC1);
        assertEquals(200, init.statusCode());
        assertEquals(5000, init.body().length);
        assertEquals("initramfs-6.1.0-13-amd64.img", f.status.status("n1").orElseThrow().sent());
        assertEquals(400, f.get("/initramfs/" + MAC_NOIMG).statusCode());
    }

    @Test
    void row15_17_missingFilesAre404NotFound() {
        f.nodes.add(BootNode.simple("ghost", "noimage", "aa:bb:cc:dd:ee:90"));
        assertEquals(404, f.get("/image/aa:bb:cc:dd:ee:90").statusCode());
        assertEquals("NOT_FOUND", f.status.status("ghost").orElseThrow().sent());
        assertEquals(404, f.get("/system/aa:bb:cc:dd:ee:90").statusCode());
        assertEquals(404, f.get("/runtime/aa:bb:cc:dd:ee:90?compress=gz").statusCode());
        assertEquals(400, f.get("/system/aa:aa:aa:aa:aa:aa").statusCode());
    }

    @Test
    void row20_fileServingHeadersRangesConditionals() {
        HttpResponse<byte[]> full = f.get("/image/" + MAC1);
        assertEquals(String.valueOf(f.image.length), full.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("Tue, 14 Nov 2023 22:13:20 GMT", full.headers().firstValue("Last-Modified").orElseThrow());
        assertEquals("bytes", full.headers().firstValue("Accept-Ranges").orElseThrow());
        String etag = full.headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> part = f.send(HttpRequest.newBuilder(URI.create(f.base() + "/image/" + MAC1))
                .header("Range", "bytes=1000-1999"));
        assertEquals(206, part.statusCode());
        assertArrayEquals(Arrays.copyOfRange(f.image, 1000, 2000), part.body());
        assertEquals("bytes 1000-1999/" + f.image.length, part.headers().firstValue("Content-Range").orElseThrow());
        HttpResponse<byte[]> tail = f.send(HttpRequest.newBuilder(URI.create(f.base() + "/image/" + MAC1))
                .header("Range", "bytes=-10"));
        assertArrayEquals(Arrays.copyOfRange(f.image, f.image.length - 10, f.image.length), tail.body());
        HttpResponse<byte[]> resume = f.send(HttpRequest.newBuilder(URI.create(f.base() + "/image/" + MAC1))
                .header("Range", "bytes=1999000-"));
        assertArrayEquals(Arrays.copyOfRange(f.image, 1_999_000, f.image.length), resume.body());
        assertEquals(416, f.send(HttpRequest.newBuilder(URI.create(f.base() + "/image/" + MAC1))
                .header("Range", "bytes=9999999-")).statusCode());
        assertEquals(304, f.send(HttpRequest.newBuilder(URI.create(f.base() + "/image/" + MAC1))
                .header("If-None-Match", etag)).statusCode());
        assertEquals(304, f.send(HttpRequest.newBuilder(URI.create(f.base() + "/image/" + MAC1))
                .header("If-Modified-Since", "Tue, 14 Nov 2023 22:13:20 GMT")).statusCode());
        assertEquals(200, f.send(HttpRequest.newBuilder(URI.create(f.base() + "/image/" + MAC1))
                .header("If-Modified-Since", "Tue, 14 Nov 2023 22:13:19 GMT")).statusCode());
        HttpResponse<byte[]> head = f.send(HttpRequest.newBuilder(URI.create(f.base() + "/image/" + MAC1))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(f.image.length), head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(0, head.body().length);
    }

    @Test
    void row21_22_efibootAndGrub() {
        assertEquals("SHIM", text(f.get("/efiboot/shim.efi?wwid=" + MAC1)));
        assertEquals("shim.efi", f.status.status("n1").orElseThrow().sent());
        assertEquals("GRUB", text(f.get("/efiboot//grubx64.efi?wwid=" + MAC1)));
        assertEquals("GRUB", text(f.get("/efiboot/grubaa64.efi?wwid=" + MAC1)));
        String cfg = text(f.get("/efiboot/grub.cfg?wwid=" + MAC1));
        assertTrue(cfg.contains("set base=\"(http,127.0.0.1:" + f.server.port() + ")\""), cfg);
        assertEquals(404, f.get("/efiboot/grub.cfg-01-aa-bb?wwid=" + MAC1).statusCode());
        assertEquals(404, f.get("/efiboot/../../secret?wwid=" + MAC1).statusCode());
        assertEquals(400, f.get("/efiboot/shim.efi?wwid=aa:aa:aa:aa:aa:aa").statusCode());
        f.status.update("noimg", "", "", "", 0);
        assertEquals(400, f.get("/efiboot/shim.efi?wwid=" + MAC_NOIMG).statusCode());

        String grub = text(f.get("/grub/" + MAC1));
        assertTrue(grub.contains("--id single-stage"), grub);
        assertTrue(grub.contains("/runtime/${net_default_mac}?${params}&compress=gz"), grub);
        assertEquals("grub", f.status.status("n1").orElseThrow().stage());
        assertEquals(404, f.get("/grub/aa:aa:aa:aa:aa:aa").statusCode());
    }

    @Test
    void row25_statusJson() {
        f.get("/kernel/" + MAC2);
        HttpResponse<byte[]> r = f.send(HttpRequest.newBuilder(URI.create(f.base() + "/status"))
                .method("POST", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, r.statusCode());
        String json = text(r);
        assertTrue(json.startsWith("{\n  \"nodes\": {\n    \""), json);
        assertTrue(json.contains("\"n2\": {\n      \"node name\": \"n2\",\n      \"stage\": \"kernel\",\n"
                + "      \"sent\": \"vmlinuz-6.1.0-9-amd64\",\n      \"ipaddr\": \"127.0.0.1\",\n      \"last seen\": "),
                json);
        assertFalse(json.endsWith("\n"));
        assertFalse(json.contains("\"\": {"));
    }

    @Test
    void row27_filesRoute() throws Exception {
        f.arp(null);
        assertEquals(401, f.get("/files/sub/hello.txt").statusCode());
        assertEquals(401, f.get("/files/sub/hello.txt?wwid=aa:aa:aa:aa:aa:aa").statusCode());
        assertEquals("hello from files\n", text(f.get("/files/sub/hello.txt?wwid=" + MAC1)));
        f.arp(MAC1);
        try {
            assertEquals("hello from files\n", text(f.get("/files/sub/hello.txt")));
        } finally {
            f.arp(null);
        }
        assertEquals(404, f.get("/files/sub?wwid=" + MAC1).statusCode());
        assertEquals(404, f.get("/files/sub/?wwid=" + MAC1).statusCode());
        assertEquals(401, f.get("/files/sub/hello.txt?wwid=" + MAC_KEY).statusCode());
        assertEquals(403, f.get("/files/sub/hello.txt?assetkey=x&wwid=" + MAC_KEY).statusCode());
        assertEquals(200, f.get("/files/sub/hello.txt?assetkey=Asset%20Tag%207&wwid=" + MAC_KEY).statusCode());
        HttpResponse<byte[]> range = f.send(HttpRequest.newBuilder(URI.create(f.base()
                + "/files/sub/hello.txt?wwid=" + MAC1)).header("Range", "bytes=0-4"));
        assertEquals("hello", text(range));
    }

    @Test
    void badInputReadsNothingOutsideAndWritesNothing() throws Exception {
        var before = f.snapshot();
        String w = "?wwid=" + MAC1;
        for (String p : new String[] {"/files/../../etc/shadow", "/files/../secret", "/files/%2e%2e/secret",
                "/files/%2e%2e%2fsecret", "/files/sub%2f..%2f..%2fsecret", "/files/sub/escape",
                "/files//etc/passwd", "/files/%00", "/files/.%2e/secret", "/files/sub/%2E%2E/%2E%2E/secret"}) {
            HttpResponse<byte[]> r = f.get(p + w);
            assertTrue(r.statusCode() == 404 || r.statusCode() == 400, p + " -> " + r.statusCode());
            assertFalse(text(r).contains("SECRET"), p);
            assertFalse(text(r).contains("root:"), p);
        }
        for (String p : new String[] {"/system/..%2f..%2fsecret", "/runtime/../../secret", "/image/%2e%2e",
                "/kernel/..", "/provision/" + MAC1 + "?stage=..%2fsystem", "/provision/" + MAC1 + "?stage=system%2f.."}) {
            HttpResponse<byte[]> r = f.get(p);
            assertTrue(r.statusCode() >= 400, p + " -> " + r.statusCode());
            assertFalse(text(r).contains("SECRET"), p);
        }
        // a 100 KB header is refused, and the server keeps serving
        HttpResponse<byte[]> big = f.send(HttpRequest.newBuilder(URI.create(f.base() + "/ipxe/" + MAC1))
                .header("X-Big", "a".repeat(100 * 1024)));
        assertTrue(big.statusCode() == 400 || big.statusCode() == 431, "big header -> " + big.statusCode());
        assertEquals(200, f.get("/ipxe/" + MAC1).statusCode());
        assertEquals(before, f.snapshot());
    }

    @Test
    void metricsCountRequestsBytesAndStages() {
        f.get("/image/" + MAC1);
        f.get("/image/aa:aa:aa:aa:aa:aa");
        String m = text(f.get("/metrics"));
        assertTrue(m.contains("ww4j_http_requests_total{code=\"200\",route=\"image\"}"), m);
        assertTrue(m.contains("ww4j_http_requests_total{code=\"400\",route=\"image\"}"), m);
        assertTrue(m.contains("ww4j_http_sent_bytes_total"), m);
        assertTrue(m.contains("ww4j_http_transfers_in_flight"), m);
        assertTrue(m.contains("ww4j_nodes{stage=\"image\"}"), m);
    }
}
