package io.ww4j.http;

import io.ww4j.config.WarewulfConf;
import io.ww4j.status.StatusTracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** A real warewulfd HTTP server on loopback over a temp tree: images, chroot, overlays, templates, files. */
final class HttpFixture implements AutoCloseable {
    static final String MAC1 = "aa:bb:cc:dd:ee:01";
    static final String MAC2 = "aa:bb:cc:dd:ee:02";
    static final String MAC_NOIMG = "aa:bb:cc:dd:ee:03";
    static final String MAC_KEY = "aa:bb:cc:dd:ee:04";

    final Path root;
    final WarewulfConf conf = new WarewulfConf();
    final MemNodes nodes = new MemNodes();
    final StatusTracker status = new StatusTracker();
    final Path arpFile;
    final ProvisionServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    byte[] image;
    byte[] imageGz;
    byte[] kernel;

    HttpFixture(Path root, Consumer<WarewulfConf> tweak) throws IOException {
        this(root, tweak, null, null);
    }

    /** With another node view (e.g. a real registry) and a /files/ renderer; null: the in-memory nodes. */
    HttpFixture(Path root, Consumer<WarewulfConf> tweak, NodeView view,
                java.util.function.Function<WarewulfConf, FileRenderer> renderer) throws IOException {
        this.root = root;
        conf.ipaddr = "127.0.0.1";
        conf.warewulf.port = 0;
        conf.warewulf.secure = false;
        conf.paths.sysconfdir = root.resolve("etc").toString();
        conf.paths.datadir = root.resolve("share").toString();
        conf.paths.wwchrootdir = root.resolve("chroots").toString();
        conf.paths.wwprovisiondir = root.resolve("provision").toString();
        conf.paths.wwfilesdir = root.resolve("files").toString();
        tweak.accept(conf);
        arpFile = root.resolve("arp");
        arp(null);
        populate();
        if (conf.warewulf.tls) {
            makeCert(root.resolve("etc/warewulf/tls"));
        }
        server = new ProvisionServer(new ProvisionServer.Deps(conf, view == null ? nodes : view,
                new ChrootImages(conf, Duration.ZERO), new ProvisionedOverlays(conf.overlayImageDir()),
                new GoTemplates(io.ww4j.template.Sprig.functions(), Duration.ZERO), status,
                new ArpTable(arpFile), renderer == null ? FileRenderer.NONE : renderer.apply(conf)), "127.0.0.1");
        server.start();
    }

    /** A self-signed RSA cert for 127.0.0.1 and its key in PKCS#1 form, as wwctl configure tls writes them. */
    static void makeCert(Path dir) throws IOException {
        Path openssl = io.ww4j.testing.ExternalTool.require("openssl", "openssl");
        Files.createDirectories(dir);
        run(openssl.toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                "/O=Warewulf/CN=Warewulf Server", "-addext", "subjectAltName=IP:127.0.0.1,DNS:warewulf",
                "-keyout", dir.resolve("pkcs8.key").toString(), "-out", dir.resolve("warewulf.crt").toString());
        run(openssl.toString(), "rsa", "-in", dir.resolve("pkcs8.key").toString(), "-traditional", "-out",
                dir.resolve("warewulf.key").toString());
    }

    static void run(String... cmd) throws IOException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + ": " + out);
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    /** Makes the fake neighbour table say that 127.0.0.1 has this MAC (null: no entry). */
    void arp(String mac) throws IOException {
        String text = "IP address       HW type     Flags       HW address            Mask     Device\n";
        if (mac != null) {
            text += "127.0.0.1        0x1         0x2         " + mac + "     *        lo\n";
        }
        Files.writeString(arpFile, text);
    }

    private void populate() throws IOException {
        Random r = new Random(42);
        // our templates, as the distribution installs them
        Path share = root.resolve("share/warewulf/ipxe");
        Files.createDirectories(share);
        try (Stream<Path> s = Files.list(Path.of("..", "ipxe-templates"))) {
            for (Path p : s.toList()) {
                Files.copy(p, share.resolve(p.getFileName()));
            }
        }
        Files.createDirectories(root.resolve("etc/warewulf/ipxe"));
        // image chroot with two kernels, a debug kernel and an initramfs
        Path boot = Files.createDirectories(root.resolve("chroots/rocky/rootfs/boot"));
        kernel = bytes(r, 300_000);
        Files.write(boot.resolve("vmlinuz-6.1.0-13-amd64"), kernel);
        Files.write(boot.resolve("vmlinuz-6.1.0-9-amd64"), bytes(r, 1000));
        Files.write(boot.resolve("vmlinuz-6.2.0-1-amd64+debug"), bytes(r, 1000));
        Files.write(boot.resolve("initramfs-6.1.0-13-amd64.img"), bytes(r, 5000));
        Files.write(boot.resolve("initramfs-6.1.0-9-amd64.img"), bytes(r, 5000));
        Path efi = Files.createDirectories(root.resolve("chroots/rocky/rootfs/boot/efi/EFI/debian"));
        Files.writeString(efi.resolve("shimx64.efi"), "SHIM");
        Files.writeString(efi.resolve("grubx64.efi"), "GRUB");
        // built image and its .gz sibling
        Path images = Files.createDirectories(root.resolve("provision/images"));
        image = bytes(r, 2_000_000);
        imageGz = bytes(r, 700_000);
        Files.write(images.resolve("rocky.img"), image);
        Files.write(images.resolve("rocky.img.gz"), imageGz);
        Files.setLastModifiedTime(images.resolve("rocky.img"), FileTime.fromMillis(1_700_000_000_000L));
        // overlays of n1 and keyed
        for (String id : List.of("n1", "keyed")) {
            Path o = Files.createDirectories(root.resolve("provision/overlays").resolve(id));
            Files.writeString(o.resolve("__SYSTEM__.img"), "system-" + id);
            Files.writeString(o.resolve("__SYSTEM__.img.gz"), "system-gz-" + id);
            Files.writeString(o.resolve("__RUNTIME__.img"), "runtime-" + id);
            Files.writeString(o.resolve("__RUNTIME__.img.gz"), "runtime-gz-" + id);
        }
        Path files = Files.createDirectories(root.resolve("files/sub"));
        Files.writeString(files.resolve("hello.txt"), "hello from files\n");
        Files.writeString(root.resolve("secret"), "SECRET");
        Files.createSymbolicLink(files.resolve("escape"), root.resolve("secret"));

        nodes.add(BootNode.simple("n1", "rocky", MAC1).withKernel("", List.of("quiet", "crashkernel=no")));
        nodes.add(BootNode.simple("n2", "rocky", MAC2).withKernel("6.1.0-9", List.of()));
        nodes.add(BootNode.simple("noimg", "", MAC_NOIMG));
        nodes.add(BootNode.simple("keyed", "rocky", MAC_KEY).withAssetKey("Asset Tag 7"));
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    HttpResponse<byte[]> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).GET());
    }

    HttpResponse<byte[]> send(HttpRequest.Builder b) {
        try {
            return client.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Every file under the tree with its size and mtime: proves that bad requests write nothing. */
    Map<String, String> snapshot() throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (!p.equals(arpFile)) {
                    m.put(root.relativize(p).toString(), Files.isRegularFile(p)
                            ? Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis() : "dir");
                }
            }
        }
        return m;
    }

    @Override
    public void close() {
        server.close();
    }

    /** In-memory node view with upstream's discovery rule (first discoverable node, atomically). */
    static final class MemNodes implements NodeView {
        final Map<String, BootNode> byMac = new LinkedHashMap<>();
        final List<String> ids = new ArrayList<>();
        final List<String> discoverable = new ArrayList<>();
        final Map<String, BootNode> pending = new LinkedHashMap<>();
        /** Simulates a broken store: lookups of this MAC fail. */
        volatile String failingMac = "";

        synchronized void add(BootNode n) {
            ids.add(n.id());
            n.netDevs().values().forEach(d -> byMac.put(d.hwaddr(), n));
        }

        synchronized void addDiscoverable(BootNode n) {
            ids.add(n.id());
            discoverable.add(n.id());
            pending.put(n.id(), n);
        }

        @Override
        public synchronized Optional<BootNode> byHwaddr(String hwaddr) {
            if (hwaddr.equals(failingMac)) {
                throw new DiscoveryException("store unavailable", new java.io.IOException("disk gone"));
            }
            return Optional.ofNullable(byMac.get(hwaddr));
        }

        @Override
        public synchronized Optional<BootNode> discover(String hwaddr) {
            if (discoverable.isEmpty()) {
                return Optional.empty();
            }
            String id = discoverable.remove(0);
            BootNode n = BootNode.simple(id, pending.get(id).imageName(), hwaddr);
            byMac.put(hwaddr, n);
            return Optional.of(n);
        }

        @Override
        public synchronized List<String> nodeIds() {
            return List.copyOf(ids);
        }
    }
}
