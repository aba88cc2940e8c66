package io.ww4j.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.config.WarewulfConf;
import io.ww4j.node.InMemoryRegistry;
import io.ww4j.node.Node;
import io.ww4j.node.NodeRegistry;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfReader;
import io.ww4j.testing.ExternalTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution overlays rendered for the example clusters in {@code nodes/} (expectations
 * written by us), checked with the consuming tools where Debian has them; images on demand,
 * caching that is never stale, and per-node template errors.
 */
class OverlayBuilderTest {
    @TempDir
    Path tmp;

    WarewulfConf conf;
    OverlayStore store;

    static final List<String> NODE_OVERLAYS = List.of("wwinit", "wwclient", "hostname", "hosts", "fstab", "ssh.host_keys",
            "ssh.authorized_keys", "issue", "resolv", "udev.netname", "systemd.netname", "ifcfg", "NetworkManager",
            "ifupdown", "netplan", "wicked", "chrony", "syncuser", "localtime", "ignition", "sfdisk", "mkfs", "mkswap",
            "systemd.mount", "debug");

    /** A registry whose content a test can replace, as a committed write would. */
    static final class MutableRegistry implements NodeRegistry {
        volatile InMemoryRegistry inner;
        volatile long gen;

        MutableRegistry(NodesConf c) {
            inner = InMemoryRegistry.of(c);
        }

        void replace(NodesConf c) {
            inner = InMemoryRegistry.of(c);
            gen++;
        }

        public Optional<Node> byHwaddr(String mac) {
            return inner.byHwaddr(mac);
        }

        public Optional<Node> byIpaddr(String ip) {
            return inner.byIpaddr(ip);
        }

        public Optional<Node> byId(String id) {
            return inner.byId(id);
        }

        public List<Node> all() {
            return inner.all();
        }

        public NodesConf raw() {
            return inner.raw();
        }

        public long generation() {
            return gen;
        }

        public Optional<Node> getOrDiscover(String mac) {
            return inner.getOrDiscover(mac);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        conf = new WarewulfConf();
        conf.ipaddr = "10.10.0.1";
        conf.netmask = "255.255.0.0";
        conf.network = "10.10.0.0";
        conf.paths.sysconfdir = tmp.resolve("etc").toString();
        conf.paths.wwprovisiondir = tmp.resolve("provision").toString();
        conf.paths.wwchrootdir = tmp.resolve("chroots").toString();
        Path keys = tmp.resolve("etc/warewulf/keys");
        Files.createDirectories(keys);
        Files.writeString(keys.resolve("ssh_host_ed25519_key"), "PRIVATE-ED25519\n");
        Files.writeString(keys.resolve("ssh_host_ed25519_key.pub"), "ssh-ed25519 AAAAC3Nza cluster\n");
        Files.writeString(tmp.resolve("etc/warewulf/warewulf.conf"), "ipaddr: 10.10.0.1\n");
        Path img = tmp.resolve("chroots/rocky-9.4-compute/rootfs/etc");
        Files.createDirectories(img);
        Files.writeString(img.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        store = new OverlayStore(tmp.resolve("site"), OverlayTestSupport.distributionOverlays());
    }

    static NodesConf cluster(String name) {
        return NodesConfReader.read(OverlayTestSupport.repoRoot().resolve("nodes/" + name + "/nodes.conf"));
    }

    static String text(OverlayBuilder.Tree t, String path) {
        byte[] b = t.content(path);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void hpcSiteNodeRendersEveryOverlay() {
        OverlayBuilder b = new OverlayBuilder(conf, store, new MutableRegistry(cluster("hpc-site")));
        OverlayBuilder.Tree t = b.renderTree("c001", NODE_OVERLAYS);

        assertEquals("c001\n", text(t, "etc/hostname"));
        String hosts = text(t, "etc/hosts");
        assertTrue(hosts.contains("\n10.10.0.1 "), hosts);
        assertTrue(hosts.contains("\n10.10.1.1 c001 c001-default c001-eno1\n"), hosts);
        assertTrue(hosts.contains("\n10.30.1.1 c001-ib c001-ib0\n"), "non-primary netdev has no bare name: " + hosts);
        assertTrue(hosts.contains("\n10.20.1.1 c001-ipmi\n"), hosts);

        String cfg = text(t, "warewulf/config");
        assertTrue(cfg.contains("WWHOSTNAME='c001'\n") && cfg.contains("WWIMAGE='rocky-9.4-compute'\n"), cfg);
        assertTrue(cfg.contains("WWIPMI_IPADDR='10.20.1.1'\n") && cfg.contains("WWIPMI_WRITE='true'\n"), cfg);
        assertEquals(0600, t.items.get("warewulf/config").mode());
        assertEquals(0755, t.items.get("init").mode());
        assertEquals("ipaddr: 10.10.0.1", text(t, "etc/warewulf/warewulf.conf").strip());

        String fstab = text(t, "etc/fstab");
        assertTrue(fstab.contains("\n/dev/disk/by-partlabel/scratch /scratch xfs defaults,noatime 0 0\n"), fstab);
        assertTrue(fstab.contains("\nwarewulf:/home /home nfs defaults,nofail 0 0\n"), fstab);

        String ifcfg = text(t, "etc/sysconfig/network-scripts/ifcfg-eno1");
        assertTrue(ifcfg.contains("IPADDR=10.10.1.1\nNETMASK=255.255.0.0\nGATEWAY=10.10.0.1\nDEFROUTE=yes\n"), ifcfg);
        assertTrue(text(t, "etc/sysconfig/network-scripts/ifcfg-ib0").contains("TYPE=InfiniBand\n"));
        assertNull(t.content("etc/sysconfig/network-scripts/ifcfg"), "text before file() is dropped");

        String nm = text(t, "etc/NetworkManager/system-connections/ww4-default.nmconnection");
        assertTrue(nm.contains("address1=10.10.1.1/16,10.10.0.1\n"), nm);
        assertEquals(0600, t.items.get("etc/NetworkManager/system-connections/ww4-default.nmconnection").mode());

        assertEquals("ssh-ed25519 AAAAC3Nza cluster\n", text(t, "etc/ssh/ssh_host_ed25519_key.pub"));
        assertEquals(0600, t.items.get("etc/ssh/ssh_host_ed25519_key").mode());
        assertNull(t.content("etc/ssh/ssh_host_rsa_key"), "no rsa key on the server: template aborted");

        assertEquals("../scratch.mount", text(t, "etc/systemd/system/local-fs.target.wants/scratch.mount"));
        assertEquals('l', t.items.get("etc/systemd/system/local-fs.target.wants/scratch.mount").kind());
        assertTrue(text(t, "etc/systemd/system/scratch.mount").contains("Where=/scratch\nType=xfs\n"));
        assertTrue(t.items.containsKey("etc/systemd/system/dev-disk-by\\x2dpartlabel-swap.swap"), t.items.keySet().toString());

        String debug = text(t, "warewulf/template-variables.md");
        assertTrue(debug.contains("Primary: false"), "the embedded copy has no primary flag (upstream's gob copy)");
        assertTrue(debug.contains("- c001 default=10.10.1.1(primary)"), "AllNodes keep it");
        assertTrue(text(t, "warewulf/ignition.json").startsWith("{\"ignition\":{\"version\":\"3.1.0\"},\"storage\":{\"disks\":["));
        assertTrue(text(t, "warewulf/wwclient.conf").contains("WW_SERVER='10.10.0.1'\n"));
    }

    @Test
    void demoClusterRendersEveryOverlayForEveryNode() {
        MutableRegistry reg = new MutableRegistry(cluster("demo"));
        OverlayBuilder b = new OverlayBuilder(conf, store, reg);
        for (Node n : reg.all()) {
            OverlayBuilder.Tree t = b.renderTree(n.id, NODE_OVERLAYS);
            assertEquals(n.id + "\n", text(t, "etc/hostname"));
            assertTrue(t.size() > 40, n.id + ": " + t.items.keySet());
        }
    }

    @Test
    void netplanAndSystemdAcceptTheRenderedFiles() throws Exception {
        OverlayBuilder b = new OverlayBuilder(conf, store, new MutableRegistry(cluster("hpc-site")));
        OverlayBuilder.Tree t = b.renderTree("c001", List.of("netplan", "systemd.mount", "wwclient"));
        Path root = tmp.resolve("noderoot");
        for (var i : t.items.values()) {
            Path p = root.resolve(i.path());
            if (i.kind() == 'd') {
                Files.createDirectories(p);
            } else if (i.kind() == 'l') {
                Files.createDirectories(p.getParent());
                Files.createSymbolicLink(p, Path.of(new String(i.data(), StandardCharsets.UTF_8)));
            } else {
                Files.createDirectories(p.getParent());
                Files.write(p, i.data());
                Files.setPosixFilePermissions(p, OverlayStore.perms(i.mode()));
            }
        }
        Path analyze = ExternalTool.require("systemd-analyze", "systemd");
        Process v = new ProcessBuilder(analyze.toString(), "verify", "--man=no",
                root.resolve("etc/systemd/system/scratch.mount").toString(),
                root.resolve("etc/systemd/system/dev-disk-by\\x2dpartlabel-swap.swap").toString(),
                root.resolve("etc/systemd/system/wwclient.service").toString())
                .redirectErrorStream(true).start();
        // The agent binary is not installed on this machine; everything else must be clean.
        String out = new String(v.getInputStream().readAllBytes()).lines()
                .filter(l -> !l.contains("/warewulf/wwclient is not executable")).reduce("", (a, l) -> a + l + "\n");
        v.waitFor();
        assertFalse(out.contains("scratch.mount:") || out.contains("wwclient.service:") || out.contains(".swap:"),
                "systemd-analyze verify complained about our units:\n" + out);

        Path netplan = ExternalTool.require("netplan", "netplan.io");
        Process g = new ProcessBuilder(netplan.toString(), "generate", "--root-dir", root.toString())
                .redirectErrorStream(true).start();
        String gout = new String(g.getInputStream().readAllBytes());
        assertEquals(0, g.waitFor(), gout);
        try (var s = Files.walk(root.resolve("run/systemd/network"))) {
            String network = s.filter(p -> p.toString().endsWith("eno1.network") || p.toString().contains("default"))
                    .filter(Files::isRegularFile).map(p -> {
                        try {
                            return Files.readString(p);
                        } catch (Exception e) {
                            return "";
                        }
                    }).reduce("", String::concat);
            assertTrue(network.contains("Address=10.10.1.1/16"), network);
        }
    }

    @Test
    void imagesAreBuiltOnDemandPrivateAndNeverStale() throws Exception {
        MutableRegistry reg = new MutableRegistry(cluster("hpc-site"));
        Files.createDirectories(tmp.resolve("site/motd/rootfs/etc"));
        Files.writeString(tmp.resolve("site/motd/rootfs/etc/motd.ww"), "hello {{ .Id }} in {{ .ClusterName }}\n");
        OverlayBuilder b = new OverlayBuilder(conf, store, reg);

        Path img = b.build(reg.byId("c001").orElseThrow(), OverlayBuilder.Context.RUNTIME, List.of("motd", "hostname"), true);
        assertTrue(img.toString().endsWith("c001/__RUNTIME__.img.gz"), img.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(img)));
        assertEquals("hello c001 in hpc1\n", CpioRead.file(img, "etc/motd"));
        long before = Files.getLastModifiedTime(img).toMillis();
        Path again = b.build(reg.byId("c001").orElseThrow(), OverlayBuilder.Context.RUNTIME, List.of("motd", "hostname"), true);
        assertEquals(before, Files.getLastModifiedTime(again).toMillis(), "unchanged inputs: cached image reused");
        // Only the .gz is built; the .img is unpacked from it when first asked for, private too.
        Path raw = b.imagePath("c001", OverlayBuilder.Context.RUNTIME, false);
        assertFalse(Files.exists(raw));
        assertEquals(raw, b.build(reg.byId("c001").orElseThrow(), OverlayBuilder.Context.RUNTIME, List.of("motd", "hostname"), false));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(raw)));
        assertEquals("hello c001 in hpc1\n", CpioRead.file(raw, "etc/motd"));
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(img))) {
            assertTrue(java.util.Arrays.equals(in.readAllBytes(), Files.readAllBytes(raw)), ".img is the .img.gz unpacked");
        }
        assertEquals(before, Files.getLastModifiedTime(img).toMillis(), "the .gz was not rebuilt for the .img");

        // overlay file changes
        Files.writeString(tmp.resolve("site/motd/rootfs/etc/motd.ww"), "bye {{ .Id }}\n");
        assertEquals("bye c001\n", CpioRead.file(b.build(reg.byId("c001").orElseThrow(), OverlayBuilder.Context.RUNTIME,
                List.of("motd", "hostname"), true), "etc/motd"));
        assertFalse(Files.exists(raw), "a stale .img is removed when the .gz is rebuilt");
        assertEquals("bye c001\n", CpioRead.file(b.build(reg.byId("c001").orElseThrow(), OverlayBuilder.Context.RUNTIME,
                List.of("motd", "hostname"), false), "etc/motd"));

        // node/profile changes
        NodesConf c = cluster("hpc-site");
        c.profiles.values().forEach(p -> {
            if (!p.clusterName.isEmpty()) {
                p.clusterName = "renamed";
            }
        });
        Files.writeString(tmp.resolve("site/motd/rootfs/etc/motd.ww"), "hello {{ .Id }} in {{ .ClusterName }}\n");
        reg.replace(c);
        assertEquals("hello c001 in renamed\n", CpioRead.file(b.build(reg.byId("c001").orElseThrow(),
                OverlayBuilder.Context.RUNTIME, List.of("motd", "hostname"), true), "etc/motd"));

        // an included server file changes
        Files.writeString(tmp.resolve("site/motd/rootfs/etc/motd.ww"), "{{ Include \"motd.txt\" }}\n");
        Files.writeString(tmp.resolve("etc/warewulf/motd.txt"), "first\n");
        assertEquals("first\n", CpioRead.file(b.build(reg.byId("c001").orElseThrow(), OverlayBuilder.Context.RUNTIME,
                List.of("motd"), true), "etc/motd"));
        Files.writeString(tmp.resolve("etc/warewulf/motd.txt"), "second, longer\n");
        assertEquals("second, longer\n", CpioRead.file(b.build(reg.byId("c001").orElseThrow(), OverlayBuilder.Context.RUNTIME,
                List.of("motd"), true), "etc/motd"));
    }

    @Test
    void aTemplateErrorNamesNodeOverlayFileAndLineAndFailsOnlyThatNode() throws Exception {
        MutableRegistry reg = new MutableRegistry(cluster("hpc-site"));
        Files.createDirectories(tmp.resolve("site/rack/rootfs/etc"));
        Files.writeString(tmp.resolve("site/rack/rootfs/etc/rack.ww"), "# rack\n{{ lower .Tags.rack }}\n");
        OverlayBuilder b = new OverlayBuilder(conf, store, reg);
        Node withTag = reg.all().stream().filter(n -> n.tags.containsKey("rack")).findFirst().orElseThrow();
        Node without = reg.all().stream().filter(n -> !n.tags.containsKey("rack")).findFirst().orElseThrow();
        b.build(withTag, OverlayBuilder.Context.SYSTEM, List.of("rack"), false);
        OverlayException e = assertThrows(OverlayException.class,
                () -> b.build(without, OverlayBuilder.Context.SYSTEM, List.of("rack"), false));
        assertTrue(e.getMessage().contains("node " + without.id) && e.getMessage().contains("overlay rack")
                && e.getMessage().contains("etc/rack.ww") && e.getMessage().contains("rack.ww:2"), e.getMessage());
        assertTrue(Files.exists(b.imagePath(withTag.id, OverlayBuilder.Context.SYSTEM, false)));
        assertFalse(Files.exists(b.imagePath(without.id, OverlayBuilder.Context.SYSTEM, false)), "nothing half-written");
        assertThrows(OverlayException.class, () -> b.build(withTag, OverlayBuilder.Context.SYSTEM, List.of("../etc"), false));
    }

    /**
     * A big cluster's hosts file is rendered once and spliced into every image as its own gzip
     * member: real gzip + cpio (as wwclient and dracut unpack) must read one whole archive.
     */
    @Test
    void sharedEntriesSplicedAsGzipMembersUnpackWithRealTools() throws Exception {
        NodesConf c = cluster("hpc-site");
        Node proto = c.nodes.get("c001");
        for (int i = 0; i < 300; i++) {
            Node n = proto.copy();
            n.id = String.format("x%03d", i);
            int j = 0;
            for (io.ww4j.node.NetDev nd : n.netDevs.values()) {
                nd.ipaddr = (10 + j) + ".99." + (i >> 8) + "." + (i & 255);
                nd.hwaddr = String.format("02:00:%02x:00:%02x:%02x", j++, i >> 8, i & 255);
            }
            n.ipmi.ipaddr = "";
            c.nodes.put(n.id, n);
        }
        OverlayBuilder b = new OverlayBuilder(conf, store, new MutableRegistry(c));
        Node x1 = b.nodesForTest().byId("x001").orElseThrow();
        Path gz = b.build(x1, OverlayBuilder.Context.RUNTIME, List.of("hostname", "hosts", "issue", "wwclient"), true);
        Path raw = b.build(x1, OverlayBuilder.Context.RUNTIME, List.of("hostname", "hosts", "issue", "wwclient"), false);
        String hosts = CpioRead.file(raw, "etc/hosts");
        assertTrue(hosts.length() > 4096 && hosts.contains("x299"), "big shared hosts file");
        Path cpio = ExternalTool.require("cpio", "cpio");
        Path gzip = ExternalTool.require("gzip", "gzip");
        Path out = tmp.resolve("unpacked");
        Files.createDirectories(out);
        Process p = new ProcessBuilder("/bin/sh", "-c", "\"$0\" -dc \"$2\" | \"$1\" -imu --quiet",
                gzip.toString(), cpio.toString(), gz.toString()).directory(out.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        assertEquals(hosts, Files.readString(out.resolve("etc/hosts")));
        assertEquals("x001\n", Files.readString(out.resolve("etc/hostname")));
        assertTrue(Files.isRegularFile(out.resolve("etc/issue")), "entries after the spliced one are there too");
        // A static file (shared by every node, spliced in ready-made) unpacks byte for byte, mode kept.
        Path agent = OverlayTestSupport.distributionOverlays().resolve("wwclient/rootfs/warewulf/wwclient");
        assertTrue(Files.size(agent) >= OverlayBuilder.SPLICE_MIN);
        assertEquals(Files.readString(agent), Files.readString(out.resolve("warewulf/wwclient")));
        assertTrue(Files.isExecutable(out.resolve("warewulf/wwclient")));
        // Another node: same hosts bytes, its own hostname.
        Node x2 = b.nodesForTest().byId("x002").orElseThrow();
        assertEquals(hosts, CpioRead.file(b.build(x2, OverlayBuilder.Context.RUNTIME, List.of("hostname", "hosts", "issue", "wwclient"), true),
                "etc/hosts"));
        assertEquals("x002\n", CpioRead.file(b.build(x2, OverlayBuilder.Context.RUNTIME, List.of("hostname", "hosts", "issue", "wwclient"),
                true), "etc/hostname"));
    }

    /**
     * The host overlay renders for the server itself into a root directory: backups of replaced
     * files (first version only), none for nobackup templates, nothing for aborted ones.
     */
    @Test
    void hostOverlayWritesIntoTheServerRootWithBackups() throws Exception {
        conf.dhcp.enabled = false;
        conf.nfs.enabled = true;
        WarewulfConf.ExportPath home = new WarewulfConf.ExportPath();
        home.path = "/home";
        conf.nfs.exportPaths.add(home);
        OverlayBuilder b = new OverlayBuilder(conf, store, new MutableRegistry(cluster("hpc-site")));
        Path root = tmp.resolve("serverroot");
        Files.createDirectories(root.resolve("etc/dnsmasq.d"));
        Files.writeString(root.resolve("etc/exports"), "old exports\n");
        Files.writeString(root.resolve("etc/dnsmasq.d/ww4-hosts.conf"), "old dnsmasq\n");

        List<Path> written = b.buildHost(root);
        assertTrue(written.contains(root.resolve("etc/exports")) && written.contains(root.resolve("etc/hosts")), written.toString());
        assertFalse(Files.exists(root.resolve("etc/dhcp/dhcpd.conf")), "abort(): DHCP is off");
        String exports = Files.readString(root.resolve("etc/exports"));
        assertTrue(exports.contains("/home 10.10.0.0/255.255.0.0(rw,sync,no_subtree_check)"), exports);
        assertEquals("old exports\n", Files.readString(root.resolve("etc/exports.wwbackup")));
        assertTrue(Files.readString(root.resolve("etc/dnsmasq.d/ww4-hosts.conf")).contains("c001"));
        assertFalse(Files.exists(root.resolve("etc/dnsmasq.d/ww4-hosts.conf.wwbackup")), "nobackup");
        assertTrue(Files.readString(root.resolve("etc/hosts")).contains(" c001 "), "every node in the server's hosts");
        Path src = OverlayTestSupport.distributionOverlays().resolve("host/rootfs/etc/profile.d/ssh_setup.sh");
        assertEquals(Files.readString(src), Files.readString(root.resolve("etc/profile.d/ssh_setup.sh")));

        // Again: the backup keeps the first version, and nothing temporary is left behind.
        b.buildHost(root);
        assertEquals("old exports\n", Files.readString(root.resolve("etc/exports.wwbackup")));
        try (var files = Files.walk(root)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".tmp")), "no temp files");
        }
    }

    /**
     * Templates that read only simple node fields (image name, tags, ...) and global data are
     * rendered once per distinct value and shared; each node still gets its own values, and a
     * template that reads the node id is never shared.
     */
    @Test
    void rendersSharedByEqualFieldValuesStayPerNode() throws Exception {
        Files.createDirectories(tmp.resolve("site/vary/rootfs/etc"));
        Files.writeString(tmp.resolve("site/vary/rootfs/etc/img.ww"), "image={{ .ImageName }} rack={{ .Tags.rack }}\n");
        Files.writeString(tmp.resolve("site/vary/rootfs/etc/id.ww"), "{{ .ImageName }} {{ .Id }}\n");
        OverlayBuilder b = new OverlayBuilder(conf, store, new MutableRegistry(cluster("hpc-site")));
        java.util.Set<String> images = new java.util.HashSet<>();
        for (Node n : b.nodesForTest().all()) {
            OverlayBuilder.Tree t = b.renderTree(n.id, List.of("vary"));
            assertEquals("image=" + n.imageName + " rack=" + n.tags.getOrDefault("rack", "<no value>") + "\n", text(t, "etc/img"),
                    n.id);
            assertEquals(n.imageName + " " + n.id + "\n", text(t, "etc/id"), n.id);
            images.add(n.imageName);
        }
        assertTrue(images.size() > 1, "the cluster has several images: " + images);
        var parse = (java.util.function.Function<String, io.ww4j.template.Template>) src ->
                io.ww4j.template.Template.parse("t", src, WarewulfFunctions.ALL);
        assertEquals(List.of("ImageName", "Tags"), OverlayBuilder.variantFields(parse.apply("{{ .Tags.a }}{{ .ImageName }}{{ .Ipaddr }}")));
        assertEquals(List.of(), OverlayBuilder.variantFields(parse.apply("{{ range .AllNodes }}{{ .Id }}{{ end }}")));
        assertNull(OverlayBuilder.variantFields(parse.apply("{{ .ImageName }}{{ .Id }}")));
        assertNull(OverlayBuilder.variantFields(parse.apply("{{ IgnitionJson }}")));
        assertNull(OverlayBuilder.variantFields(parse.apply("{{ template \"x\" . }}{{ define \"x\" }}{{ .Id }}{{ end }}")));
    }
}
