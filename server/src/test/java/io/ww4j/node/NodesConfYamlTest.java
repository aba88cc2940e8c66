package io.ww4j.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodesConfYamlTest {
    /** The example clusters, relative to the server module (surefire's working directory). */
    static List<Path> exampleFiles() throws IOException {
        Path root = Path.of("..", "nodes");
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".conf") || p.toString().endsWith(".yml"))
                    .sorted().toList();
        }
    }

    static String export(NodesConf c) {
        return c.nodeMapOnly ? NodesConfWriter.writeNodeMap(c.nodes) : NodesConfWriter.write(c);
    }

    @Test
    void everyExampleRoundTripsByteIdentically() throws IOException {
        List<Path> files = exampleFiles();
        assertTrue(files.size() >= 3, "examples found: " + files);
        for (Path f : files) {
            NodesConf c = NodesConfReader.read(f);
            assertEquals(List.of(), c.warnings, f.toString());
            String once = export(c);
            String twice = export(NodesConfReader.parse(once, f + " (exported)"));
            assertEquals(once, twice, f.toString());
            if (!c.convertedFromLegacy) {
                // our examples are written in canonical form
                assertEquals(Files.readString(f), once, f.toString());
            }
        }
    }

    @Test
    void writesUpstreamLayout() {
        NodesConf c = new NodesConf();
        Node n = new Node("n1");
        n.discoverable = "true";
        n.profiles.add("default");
        n.comment = "UNDEF";
        n.runtimeOverlay.add("UNSET");
        n.systemOverlay.add("wwinit");
        NetDev nd = new NetDev();
        nd.hwaddr = "00:11:22:33:44:55";
        nd.mtu = "9000";
        nd.ipaddr = "10.0.0.1";
        n.netDevs.put("default", nd);
        n.tags.put("b", "2");
        n.tags.put("a", "yes");
        c.nodes.put("n1", n);
        assertEquals("""
                nodeprofiles: {}
                nodes:
                  n1:
                    discoverable: "true"
                    profiles:
                    - default
                    system overlay:
                    - wwinit
                    network devices:
                      default:
                        hwaddr: "00:11:22:33:44:55"
                        ipaddr: 10.0.0.1
                        mtu: "9000"
                    tags:
                      a: "yes"
                      b: "2"
                """, NodesConfWriter.write(c));
    }

    @Test
    void scalarQuoting() {
        assertEquals("plain", NodesConfWriter.scalar("plain"));
        assertEquals("\"\"", NodesConfWriter.scalar(""));
        assertEquals("\"~\"", NodesConfWriter.scalar("~"));
        assertEquals("\"1.5\"", NodesConfWriter.scalar("1.5"));
        assertEquals("'- x'", NodesConfWriter.scalar("- x"));
        assertEquals("'a: b'", NodesConfWriter.scalar("a: b"));
        assertEquals("warewulf:/home", NodesConfWriter.scalar("warewulf:/home"));
        assertEquals("console=ttyS0,115200", NodesConfWriter.scalar("console=ttyS0,115200"));
        assertEquals("~quiet", NodesConfWriter.scalar("~quiet"));
        assertEquals("\"a\\nb\"", NodesConfWriter.scalar("a\nb"));
        for (String s : List.of("~", "1.5", "- x", "a: b", "a\nb", "it's", "#x", "x #y", "0x1F", "on", " sp")) {
            String y = "nodes:\n  n1:\n    comment: " + NodesConfWriter.scalar(s) + "\n";
            assertEquals(s, NodesConfReader.parse(y, "t").nodes.get("n1").comment, s);
        }
    }

    @Test
    void emptyAndMissingPieces() {
        NodesConf c = NodesConfReader.parse("", "empty");
        assertTrue(c.nodes.isEmpty() && c.profiles.isEmpty());
        assertEquals("nodeprofiles: {}\nnodes: {}\n", NodesConfWriter.write(c));
        NodesConf d = NodesConfReader.parse("nodes:\n  n1:\n  n2: {}\n", "t");
        assertEquals(2, d.nodes.size());
    }

    @Test
    void syntaxErrorNamesFileAndLine() {
        NodesConfException e = assertThrows(NodesConfException.class,
                () -> NodesConfReader.parse("nodes:\n  n1:\n    comment: [unclosed\n  n2: {}\n", "/etc/x/nodes.conf"));
        assertTrue(e.getMessage().startsWith("/etc/x/nodes.conf:"), e.getMessage());
        assertTrue(e.getMessage().matches("(?s)/etc/x/nodes.conf:[34]: .*"), e.getMessage());
    }

    @Test
    void badAddressesAreRefusedWithLine() {
        String[][] cases = {
            {"ipaddr: 10.0.0.300", "5", "IPv4"},
            {"hwaddr: 00:11:22:33:44", "5", "MAC"},
            {"hwaddr: zz:11:22:33:44:55", "5", "MAC"},
            {"netmask: 255.0.255.0", "5", "netmask"},
            {"gateway: 10.0.0", "5", "IPv4"},
            {"ipaddr6: fe80::1::2", "5", "IPv6"},
        };
        for (String[] c : cases) {
            String y = "nodes:\n  n1:\n    network devices:\n      default:\n        " + c[0] + "\n";
            NodesConfException e = assertThrows(NodesConfException.class, () -> NodesConfReader.parse(y, "f.conf"), c[0]);
            assertTrue(e.getMessage().startsWith("f.conf:" + c[1] + ": nodes.n1.network devices.default."), e.getMessage());
            assertTrue(e.getMessage().contains(c[2]), e.getMessage());
        }
        assertThrows(NodesConfException.class,
                () -> NodesConfReader.parse("nodes:\n  n1:\n    ipmi:\n      ipaddr: nope\n", "f"));
    }

    @Test
    void duplicateKeyIsAnError() {
        NodesConfException e = assertThrows(NodesConfException.class,
                () -> NodesConfReader.parse("nodes:\n  n1: {}\n  n1: {}\n", "f"));
        assertTrue(e.getMessage().startsWith("f:3: duplicate key 'nodes.n1'"), e.getMessage());
    }

    @Test
    void unknownKeysAreWarnedWithLine() {
        NodesConf c = NodesConfReader.parse("nodes:\n  n1:\n    container name: x\n    bogus: 1\n", "f");
        assertEquals(List.of("f:3: unknown key 'nodes.n1.container name' (ignored)",
                "f:4: unknown key 'nodes.n1.bogus' (ignored)"), c.warnings);
    }

    @Test
    void unspecifiedIpCountsAsEmpty() {
        NodesConf c = NodesConfReader.parse("nodes:\n  n1:\n    network devices:\n      d:\n        ipaddr: 0.0.0.0\n", "f");
        assertEquals("", c.nodes.get("n1").netDevs.get("d").ipaddr);
    }

    @Test
    void perNodeFileIsANodeMap() {
        NodesConf c = NodesConfReader.parse("node3401:\n  profiles:\n  - default\n", "node3401.yml");
        assertTrue(c.nodeMapOnly);
        assertEquals(List.of("default"), c.nodes.get("node3401").profiles);
    }

    @Test
    void legacyV45IsConverted() {
        NodesConf c = NodesConfReader.parse("""
                WW_INTERNAL: 45
                nodeprofiles:
                  default:
                    container name: rocky
                    kernel args: quiet crashkernel=no
                    ipmi username: admin
                    ipmi write: "yes"
                    runtime overlay: generic,extra
                    ipxe template: dracut
                    asset key: nope
                    keys:
                      a: "1"
                    tagsdel: [a]
                nodes:
                  n1:
                    disabled: "false"
                    profiles: [default]
                    keys: {rack: r1}
                    network devices:
                      eth0:
                        ipcidr: 10.1.0.5/16
                        ip6addr: fd00::5
                        primary: "true"
                    filesystems:
                      /dev/sda1:
                        mount_options: [defaults, noatime]
                """, "old.conf");
        assertTrue(c.convertedFromLegacy);
        Profile d = c.profiles.get("default");
        assertEquals("rocky", d.imageName);
        assertEquals(List.of("quiet", "crashkernel=no"), d.kernel.args);
        assertEquals("admin", d.ipmi.username);
        assertEquals("true", d.ipmi.write);
        assertEquals(List.of("generic", "extra"), d.runtimeOverlay);
        assertEquals("default", d.ipxeTemplate);
        assertEquals("dracut", d.tags.get("IPXEMenuEntry"));
        assertFalse(d.tags.containsKey("a"));
        Node n = c.nodes.get("n1");
        assertEquals("r1", n.tags.get("rack"));
        NetDev e = n.netDevs.get("eth0");
        assertEquals("10.1.0.5", e.ipaddr);
        assertEquals("255.255.0.0", e.netmask);
        assertEquals("fd00::5", e.ipaddr6);
        assertEquals("eth0", n.primaryNetwork);
        assertEquals("defaults noatime", n.filesystems.get("/dev/sda1").mountOptions);
        // exported in the current format, and stable from then on
        String out = NodesConfWriter.write(c);
        assertFalse(out.contains("WW_INTERNAL"));
        assertEquals(out, NodesConfWriter.write(NodesConfReader.parse(out, "new")));
    }

    @Test
    void atomicWrite(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("nodes.conf");
        NodesConfWriter.writeFile(f, "a\n");
        NodesConfWriter.writeFile(f, "b\n");
        assertEquals("b\n", Files.readString(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }
}
