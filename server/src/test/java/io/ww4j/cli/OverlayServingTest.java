package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.archive.CpioEntry;
import io.ww4j.archive.CpioReader;
import io.ww4j.daemon.Warewulfd;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * warewulfd serves per-node overlay images built on demand over real HTTP; a change made with
 * wwctl through the daemon (node, profile) or to an overlay file shows in the very next request,
 * and a template error fails only that node's overlay.
 */
class OverlayServingTest {
    @TempDir
    Path root;

    private static final Set<String> NOT_HERE = Set.of("dhcp", "tftp");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private int port;

    @Test
    void servesFreshOverlaysOnEveryRequest() throws Exception {
        try (Harness h = new Harness(root)) {
            port = freePort();
            Files.writeString(h.confFile, Files.readString(h.confFile).replace("port: 0", "port: " + port + "\n  secure: false"));
            copyTree(repoOverlays(), root.resolve("share/warewulf/overlays"));
            Path probe = root.resolve("var/lib/warewulf/overlays/probe/rootfs/etc/probe.ww");
            Files.createDirectories(probe.getParent());
            Files.writeString(probe, "cluster={{ .ClusterName }} x={{ .Tags.x }} v1\n");
            try (Warewulfd d = Warewulfd.start(h.conf(), Warewulfd.SERVICES.stream()
                    .filter(s -> !NOT_HERE.contains(s.name())).toList())) {
                ok(h.viaDaemon("profile", "add", "default", "--cluster", "first", "-O", "hostname,probe", "-R", "hosts"));
                ok(h.viaDaemon("node", "add", "n1", "--hwaddr", "52:54:00:00:00:01", "--ipaddr", "10.0.0.1",
                        "--netmask", "255.255.255.0", "--tagadd", "x=1"));
                ok(h.viaDaemon("node", "add", "n2", "--hwaddr", "52:54:00:00:00:02", "--ipaddr", "10.0.0.2",
                        "--netmask", "255.255.255.0"));

                // All four ways of asking for the system overlay, plain and gzip'd.
                assertEquals("n1\n", file(get("/system/52-54-00-00-00-01"), "etc/hostname"));
                assertEquals("n1\n", file(get("/overlay-system/52:54:00:00:00:01?compress=gz"), "etc/hostname"));
                assertEquals("n1\n", file(get("/provision/52-54-00-00-00-01?stage=system"), "etc/hostname"));
                assertEquals("cluster=first x=1 v1\n", file(get("/system/52-54-00-00-00-01?compress=gz"), "etc/probe"));
                String hosts = file(get("/runtime/52-54-00-00-00-01?compress=gz"), "etc/hosts");
                assertTrue(hosts.contains("10.0.0.2 n2 n2-default"), hosts);
                assertEquals(file(get("/overlay-runtime/52-54-00-00-00-01"), "etc/hosts"),
                        file(get("/provision/52-54-00-00-00-01?stage=runtime&compress=gz"), "etc/hosts"));

                // A node change through the daemon: the next request has it.
                ok(h.viaDaemon("node", "set", "n1", "--tagadd", "x=2", "-y"));
                assertEquals("cluster=first x=2 v1\n", file(get("/system/52-54-00-00-00-01?compress=gz"), "etc/probe"));
                // A profile change.
                ok(h.viaDaemon("profile", "set", "default", "--cluster", "second", "-y"));
                assertEquals("cluster=second x=2 v1\n", file(get("/system/52-54-00-00-00-01"), "etc/probe"));
                // A new node shows in every node's runtime hosts file at once.
                ok(h.viaDaemon("node", "add", "n3", "--hwaddr", "52:54:00:00:00:03", "--ipaddr", "10.0.0.3",
                        "--netmask", "255.255.255.0"));
                assertTrue(file(get("/runtime/52-54-00-00-00-01?compress=gz"), "etc/hosts").contains("10.0.0.3 n3 n3-default"));
                // An overlay file edited on disk (same size, so only mtime/ctime tell).
                Files.writeString(probe, "cluster={{ .ClusterName }} x={{ .Tags.x }} v2\n");
                assertEquals("cluster=second x=2 v2\n", file(get("/system/52-54-00-00-00-01?compress=gz"), "etc/probe"));
                // A file added to the overlay.
                Files.writeString(probe.resolveSibling("added"), "static\n");
                assertEquals("static\n", file(get("/system/52-54-00-00-00-01"), "etc/added"));

                // A template error fails that node's overlay only (500), the others keep being served.
                Path bad = root.resolve("var/lib/warewulf/overlays/broken/rootfs/etc/bad.ww");
                Files.createDirectories(bad.getParent());
                Files.writeString(bad, "line one\n{{ .Nope.Deeper | printf \"%d\" 1 2 }}\n");
                ok(h.viaDaemon("node", "set", "n2", "-O", "hostname,broken", "-y"));
                HttpResponse<byte[]> failed = http.send(req("/system/52-54-00-00-00-02"), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(500, failed.statusCode());
                assertEquals("n1\n", file(get("/system/52-54-00-00-00-01"), "etc/hostname"));
                assertTrue(file(get("/runtime/52-54-00-00-00-02?compress=gz"), "etc/hosts").contains("10.0.0.1 n1"));
                // Unknown node: 400 as upstream.
                assertEquals(400, http.send(req("/system/52-54-00-00-00-99"), HttpResponse.BodyHandlers.discarding()).statusCode());

                // Images are not world-readable (upstream #1388).
                Path img = root.resolve("var/lib/warewulf/provision/overlays/n1/__SYSTEM__.img.gz");
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(img)));
            }
        }
    }

    private static void ok(Harness.Result r) {
        assertEquals(0, r.code(), r.all());
    }

    private HttpRequest req(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60)).build();
    }

    private byte[] get(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(req(path), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), path);
        return r.body();
    }

    /** One file's text out of a newc image (gzip'd or not); null when absent. */
    static String file(byte[] image, String name) throws IOException {
        InputStream in = new ByteArrayInputStream(image);
        if (image.length > 2 && (image[0] & 0xff) == 0x1f && (image[1] & 0xff) == 0x8b) {
            in = new GZIPInputStream(in);
        }
        try (CpioReader cpio = new CpioReader(in)) {
            CpioEntry e;
            while ((e = cpio.next()) != null) {
                if (e.name().equals(name)) {
                    return new String(cpio.readData(), StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Path repoOverlays() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("overlays/README.md"))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "overlays/ not found");
        return dir.resolve("overlays");
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createDirectories(t.getParent());
                    Files.createSymbolicLink(t, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
