package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wwctl overlay} list/create/mkdir/import/chmod/show/delete, in-process on a temp tree. */
class OverlayCommandTest {
    @TempDir
    Path tmp;

    @Test
    void siteOverlayLifecycle() throws Exception {
        try (Harness h = new Harness(tmp)) {
            Harness.Result r = h.inProcess("overlay", "create", "motd");
            assertEquals(0, r.code(), r.all());
            assertEquals(0, h.inProcess("overlay", "mkdir", "motd", "/etc", "--mode", "0750").code());
            Path src = tmp.resolve("motd.txt");
            Files.writeString(src, "hello\n");
            r = h.inProcess("overlay", "import", "motd", src.toString(), "/etc/motd");
            assertEquals(0, r.code(), r.all());
            r = h.inProcess("overlay", "import", "motd", src.toString(), "/etc/motd");
            assertNotEquals(0, r.code());
            assertTrue(r.err().contains("already exists"), r.all());
            assertEquals(0, h.inProcess("overlay", "chmod", "motd", "/etc/motd", "0600").code());
            r = h.inProcess("overlay", "list", "-l", "motd");
            assertTrue(r.out().contains("-rw-------") && r.out().contains("/etc/motd"), r.all());
            r = h.inProcess("overlay", "list");
            assertTrue(r.out().contains("OVERLAY NAME") && r.out().contains("motd"), r.all());
            assertEquals("hello\n", h.inProcess("overlay", "show", "motd", "/etc/motd").out());
            r = h.inProcess("overlay", "create", "../evil");
            assertNotEquals(0, r.code());
            assertTrue(r.err().contains("illegal"), r.all());
            assertNotEquals(0, h.inProcess("overlay", "delete", "motd").code(), "not empty without --force");
            assertEquals(0, h.inProcess("overlay", "delete", "--force", "motd").code());
            assertTrue(!h.inProcess("overlay", "list").out().contains("motd"));
        }
    }

    /** show --render prints upstream's slot blocks; build makes both images for the named nodes. */
    @Test
    void renderAndBuild() throws Exception {
        try (Harness h = new Harness(tmp)) {
            Path t = tmp.resolve("var/lib/warewulf/overlays/demo/rootfs/etc/demo.ww");
            Files.createDirectories(t.getParent());
            Files.writeString(t, "head\n{{- file \"one.conf\" -}}\nid={{ .Id }}{{ file \"/etc/two\" }}two\n"
                    + "{{ file \"ln\" }}{{ softlink \"/target\" }}");
            Files.writeString(t.resolveSibling("plain.ww"), "{{ .Id }} in {{ .ClusterName }}");
            Files.writeString(t.resolveSibling("stop.ww"), "partial {{ if eq .Id \"n1\" }}{{ abort }}{{ end }}rest");
            assertEquals(0, h.inProcess("node", "add", "n[1-3]", "--cluster", "c1").code());
            assertEquals(0, h.inProcess("node", "set", "n[1-3]", "-O", "demo", "-R", "demo", "-y").code());

            assertEquals("backupFile: true\nwriteFile: true\nFilename: one.conf\nid=n2\n"
                            + "backupFile: true\nwriteFile: true\nFilename: /etc/two\ntwo\n"
                            + "backupFile: true\nwriteFile: true\nFilename: ln\nSymlink: /target\n",
                    h.inProcess("overlay", "show", "--render", "n2", "demo", "/etc/demo.ww").out());
            assertEquals("backupFile: true\nwriteFile: true\nFilename: /etc/plain\nn2 in c1\n",
                    h.inProcess("overlay", "show", "-r", "n2", "demo", "/etc/plain").out());
            assertEquals("n3 in c1\n", h.inProcess("overlay", "show", "-q", "-r", "n3", "demo", "etc/plain.ww").out());
            assertEquals("backupFile: true\nwriteFile: false\npartial \nAborted\n",
                    h.inProcess("overlay", "show", "-r", "n1", "demo", "/etc/stop.ww").out());
            // Not a node: rendered for the server itself.
            String host = h.inProcess("overlay", "show", "-q", "-r", "host", "demo", "/etc/plain").out();
            assertTrue(host.matches("(\\S+) in \\1\n"), host);

            Harness.Result r = h.inProcess("overlay", "build", "--workers", "2", "n[1-2]");
            assertEquals(0, r.code(), r.all());
            for (String n : new String[] {"n1", "n2"}) {
                // The .gz images (what nodes fetch); a .img is unpacked from its .gz when first asked for.
                for (String img : new String[] {"__SYSTEM__.img.gz", "__RUNTIME__.img.gz"}) {
                    assertTrue(Files.isRegularFile(tmp.resolve("var/lib/warewulf/provision/overlays/" + n + "/" + img)), n + img);
                }
            }
            assertTrue(!Files.exists(tmp.resolve("var/lib/warewulf/provision/overlays/n3")));
            // A template error on one node: reported with node, overlay, file and line; the others are built.
            Files.writeString(t.resolveSibling("bad.ww"), "ok\n{{ if eq .Id \"n3\" }}{{ .Nope.Deeper }}{{ end }}\n");
            r = h.inProcess("overlay", "build", "n[1-3]");
            assertEquals(1, r.code(), r.all());
            assertTrue(r.err().matches("(?s)ERROR: n3: node n3: overlay demo: file etc/bad.ww: .*bad.ww:2.*"), r.all());
            assertTrue(!r.err().contains("n1:") && !r.err().contains("n2:"), r.all());
            assertTrue(Files.isRegularFile(tmp.resolve("var/lib/warewulf/provision/overlays/n2/__SYSTEM__.img.gz")));
            r = h.inProcess("overlay", "build", "n9");
            assertNotEquals(0, r.code());
            assertTrue(r.err().contains("failed to find nodes"), r.all());
        }
    }

    /**
     * edit: the editor sees the current text; a changed distribution file lands in a site copy
     * (the distribution file untouched); unchanged is not written; new files need --parents.
     */
    @Test
    void edit() throws Exception {
        try (Harness h = new Harness(tmp)) {
            Path dist = tmp.resolve("share/warewulf/overlays/issue/rootfs/etc/issue.ww");
            Files.createDirectories(dist.getParent());
            Files.writeString(dist, "Welcome {{ .Id }}\n");
            Path site = tmp.resolve("var/lib/warewulf/overlays/issue/rootfs/etc/issue.ww");

            Harness.Captured same = new Harness.Captured("");
            java.util.List<String> seen = new java.util.ArrayList<>();
            same.editor = text -> {
                seen.add(text);
                return text;
            };
            assertEquals(0, h.inProcess(same, "overlay", "edit", "issue", "/etc/issue.ww").code());
            assertEquals(java.util.List.of("Welcome {{ .Id }}\n"), seen);
            assertTrue(!Files.exists(site), "unchanged: no site copy written");

            Harness.Captured change = new Harness.Captured("");
            change.editor = text -> text.replace("Welcome", "Hello");
            Harness.Result r = h.inProcess(change, "overlay", "edit", "issue", "/etc/issue.ww");
            assertEquals(0, r.code(), r.all());
            assertEquals("Hello {{ .Id }}\n", Files.readString(site));
            assertEquals("Welcome {{ .Id }}\n", Files.readString(dist), "distribution overlay untouched");
            assertEquals("Hello {{ .Id }}\n", h.inProcess("overlay", "show", "issue", "/etc/issue.ww").out());

            Harness.Captured created = new Harness.Captured("");
            created.editor = text -> "new\n";
            r = h.inProcess(created, "overlay", "edit", "issue", "/opt/x/new.conf");
            assertNotEquals(0, r.code());
            assertTrue(r.err().contains("--parents"), r.all());
            r = h.inProcess(created, "overlay", "edit", "--parents", "--mode", "0640", "issue", "/opt/x/new.conf");
            assertEquals(0, r.code(), r.all());
            Path made = tmp.resolve("var/lib/warewulf/overlays/issue/rootfs/opt/x/new.conf");
            assertEquals("new\n", Files.readString(made));
            assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
            r = h.inProcess(created, "overlay", "edit", "issue", "../../etc/passwd");
            assertNotEquals(0, r.code(), "outside the overlay");
        }
    }

    /** info: the wwdoc lines, then the variables the template uses with the options that set them. */
    @Test
    void info() throws Exception {
        try (Harness h = new Harness(tmp)) {
            Path t = tmp.resolve("var/lib/warewulf/overlays/bmc/rootfs/etc/bmc.conf.ww");
            Files.createDirectories(t.getParent());
            Files.writeString(t, "{{- /* wwdoc: BMC settings for the node. */ -}}\n{{/* a plain comment .Comment */}}\n"
                    + "addr={{ .Ipmi.Ipaddr }} cluster={{ .ClusterName }} {{ printf \".Root\" }}\n"
                    + "{{ range $n := .NetDevs }}{{ $n.Ipaddr }}{{ end }}\n");
            Harness.Result r = h.inProcess("overlay", "info", "bmc", "/etc/bmc.conf");
            assertEquals(0, r.code(), r.all());
            String[] lines = r.out().split("\n");
            assertEquals("BMC settings for the node.", lines[0], r.out());
            assertTrue(lines[1].matches("VARIABLE\\s+OPTION\\s+TYPE\\s+HELP"), r.out());
            assertTrue(r.out().matches("(?s).*\\.ClusterName\\s+--cluster\\s+string\\s+Set cluster group\n.*"), r.out());
            assertTrue(r.out().matches("(?s).*\\.Ipmi\\.Ipaddr\\s+--ipmiaddr\\s+IP\\s+Set the IPMI IP address\n.*"), r.out());
            assertTrue(!r.out().contains("--root") && !r.out().contains("--comment"), "strings and comments are not variables: " + r.out());
            assertEquals(5, lines.length, r.out()); // doc line, header, dashes, two variables
            assertNotEquals(0, h.inProcess("overlay", "vars", "bmc", "/etc/none").code());
        }
    }
}
