package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.config.ConfigLoader;
import io.ww4j.config.WarewulfConf;
import io.ww4j.node.Node;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfReader;
import io.ww4j.node.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wwctl upgrade nodes|config (spec §4.3) on v4.5-style files, file to file, with the -old backup. */
class UpgradeCommandTest {
    @TempDir
    Path tmp;

    private static final String LEGACY_NODES = """
            WW_INTERNAL: 45
            nodeprofiles:
              default:
                container name: rocky
                kernel args: quiet
                system overlay: wwinit,extra
                runtime overlay: generic
                network devices:
                  default:
                    device: eth0
            nodes:
              n1:
                profiles: [default]
                system overlay: wwinit,hostname
                network devices:
                  default:
                    ipcidr: 10.1.0.5/16
              n2: {}
              n3:
                profiles: [gpu]
            """;

    private static final String LEGACY_CONF = """
            WW_INTERNAL: 43
            ipaddr: 10.0.0.1
            netmask: 255.255.0.0
            ipv6net: fd00:10::/64
            warewulf:
              port: 9873
              secure: false
              syslog: false
              datastore: /usr/share
            dhcp:
              enabled: true
              range start: 10.0.1.1
              range end: 10.0.1.255
            nfs:
              enabled: true
              exports:
              - /srv
              export paths:
              - path: /home
                export options: rw,sync
                mount options: defaults
                mount: true
              - path: /opt
                export options: ro,sync,no_root_squash
                mount: false
            container mounts:
            - source: /etc/resolv.conf
              dest: /etc/resolv.conf
              readonly: true
            tftp:
              ipxe:
                00:09: ipxe-snponly-x86_64.efi
            """;

    @Test
    void upgradeNodes() throws Exception {
        try (Harness h = new Harness(tmp.resolve("tree"))) {
            Path legacy = tmp.resolve("old.conf");
            Files.writeString(legacy, LEGACY_NODES);
            Path oldConf = tmp.resolve("old-warewulf.conf");
            Files.writeString(oldConf, LEGACY_CONF);

            assertEquals(new Harness.Result(255, "",
                            "ERROR: required flag(s) \"add-defaults\", \"replace-overlays\" not set\n"),
                    h.inProcess("upgrade", "nodes", "-i", legacy.toString(), "-o", "-"));
            assertEquals(new Harness.Result(255, "", "ERROR: required flag(s) \"replace-overlays\" not set\n"),
                    h.inProcess("upgrade", "nodes", "--add-defaults=false", "-i", legacy.toString(), "-o", "-"));

            Path out = tmp.resolve("new.conf");
            Files.writeString(out, "previous\n");
            Harness.Result r = h.inProcess("upgrade", "nodes", "--add-defaults", "--replace-overlays", "-i", legacy.toString(),
                    "-o", out.toString(), "--with-warewulfconf", oldConf.toString());
            assertEquals(0, r.code(), r.all());
            assertTrue(r.err().contains("node n3 does not include the default profile"), r.all());
            assertEquals("previous\n", Files.readString(tmp.resolve("new.conf-old")));
            NodesConf c = NodesConfReader.read(out);
            assertFalse(Files.readString(out).contains("WW_INTERNAL"));
            Profile d = c.profiles.get("default");
            assertEquals("rocky", d.imageName);
            // wwinit replaced in place by its split, the others kept in order
            assertEquals(List.of("wwinit", "wwclient", "fstab", "hostname", "ssh.host_keys", "issue", "resolv",
                    "udev.netname", "systemd.netname", "ifcfg", "ifupdown", "NetworkManager", "wicked", "ignition", "extra"),
                    d.systemOverlay);
            assertEquals(List.of("hosts", "ssh.authorized_keys", "syncuser"), d.runtimeOverlay);
            assertEquals(List.of("quiet"), d.kernel.args); // already set: kept
            assertEquals("/sbin/init", d.init);
            assertEquals("initramfs", d.root);
            assertEquals("ipmitool.tmpl", d.ipmi.template);
            assertEquals("ethernet", d.netDevs.get("default").type);
            assertEquals("255.255.255.0", d.netDevs.get("default").netmask);
            // the mounted NFS export of the old warewulf.conf, and not the unmounted one
            assertEquals(List.of(Map.of("spec", "warewulf:/home", "file", "/home", "vfstype", "nfs", "mntops", "defaults")),
                    d.resources.get("fstab"));
            Node n1 = c.nodes.get("n1");
            // hostname is listed already: the split leaves it out, and it keeps its own place
            assertEquals(14, n1.systemOverlay.size());
            assertEquals("ssh.host_keys", n1.systemOverlay.get(3));
            assertEquals("hostname", n1.systemOverlay.get(13));
            assertEquals("10.1.0.5", n1.netDevs.get("default").ipaddr);
            assertEquals("", n1.netDevs.get("default").type); // nodes only get a warning
            assertEquals(List.of("default"), c.nodes.get("n2").profiles);
            assertEquals(List.of("gpu"), c.nodes.get("n3").profiles);

            // stdout, and --add-defaults=false leaves the records alone
            r = h.inProcess("upgrade", "nodes", "--add-defaults=false", "--replace-overlays=false", "-i", legacy.toString(), "-o", "-");
            assertEquals(0, r.code(), r.all());
            NodesConf plain = NodesConfReader.parse(r.out(), "stdout");
            assertEquals(List.of("wwinit", "extra"), plain.profiles.get("default").systemOverlay);
            assertEquals(List.of(), plain.nodes.get("n2").profiles);

            // a broken input names the file and writes nothing
            Files.writeString(legacy, "nodes:\n  n1: [oops\n");
            r = h.inProcess("upgrade", "nodes", "--add-defaults", "--replace-overlays", "-i", legacy.toString(), "-o", out.toString());
            assertEquals(255, r.code(), r.all());
            assertTrue(r.err().startsWith("ERROR: " + legacy), r.all());
            assertEquals(c.nodes.keySet(), NodesConfReader.read(out).nodes.keySet());
        }
    }

    @Test
    void upgradeConfig() throws Exception {
        try (Harness h = new Harness(tmp.resolve("tree"))) {
            Path legacy = tmp.resolve("old-warewulf.conf");
            Files.writeString(legacy, LEGACY_CONF);
            Path out = tmp.resolve("warewulf.conf");
            Harness.Result r = h.inProcess("upgrade", "config", "-i", legacy.toString(), "-o", out.toString());
            assertEquals(0, r.code(), r.all());
            assertTrue(r.err().contains("Legacy mount configured for NFS export /home"), r.all());
            String text = Files.readString(out);
            for (String gone : List.of("WW_INTERNAL", "ipv6net", "syslog", "datastore", "container mounts", "mount options",
                    "exports:", "mount: ")) {
                assertFalse(text.contains(gone), gone + " in\n" + text);
            }
            assertTrue(text.contains("  port: 9873\n"), text); // plain, not quoted
            assertTrue(text.contains("00:09: ipxe-snponly-x86_64.efi"), text);
            WarewulfConf c = ConfigLoader.load(out);
            assertTrue(c.warnings.isEmpty(), c.warnings.toString());
            assertEquals("fd00:10::", c.ipaddr6);
            assertEquals(9873, c.warewulf.port);
            assertEquals("/usr/share", c.paths.datadir);
            assertEquals(List.of("/srv", "/home", "/opt"), c.nfs.exportPaths.stream().map(e -> e.path).toList());
            assertEquals("ro,sync,no_root_squash", c.nfs.exportPaths.get(2).exportOptions);
            assertEquals("/etc/resolv.conf", c.imageMounts.get(0).dest);
            assertEquals("ipxe-snponly-x86_64.efi", c.tftp.ipxe.get("00:09"));
        }
    }
}
