package io.ww4j.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlayStoreTest {
    @TempDir
    Path tmp;

    OverlayStore store() {
        return new OverlayStore(tmp.resolve("site"), OverlayTestSupport.distributionOverlays());
    }

    @Test
    void namesWithDotDotOrSlashAreRefused() {
        OverlayStore s = store();
        for (String bad : List.of("..", ".", "a/b", "../etc", "a b", "", ".hidden", "x/..")) {
            OverlayException e = assertThrows(OverlayException.class, () -> s.find(bad), bad);
            assertTrue(e.getMessage().contains("illegal"), e.getMessage());
        }
        assertThrows(OverlayException.class, () -> s.create(".."));
        assertEquals("my-ov.1:x", OverlayStore.validateName("my-ov.1:x"));
    }

    @Test
    void listsTheUnionAndSiteShadowsDistribution() throws Exception {
        OverlayStore s = store();
        List<String> names = s.list();
        for (String n : List.of("wwinit", "wwclient", "hostname", "hosts", "fstab", "ssh.host_keys", "ssh.authorized_keys",
                "issue", "resolv", "udev.netname", "systemd.netname", "ifcfg", "NetworkManager", "ifupdown", "netplan",
                "wicked", "chrony", "syncuser", "localtime", "ignition", "sfdisk", "mkfs", "mkswap", "systemd.mount",
                "debug", "host")) {
            assertTrue(names.contains(n), n + " missing from " + names);
        }
        assertFalse(s.get("hostname").site());
        Path site = tmp.resolve("site/hostname/rootfs/etc");
        Files.createDirectories(site);
        Files.writeString(site.resolve("hostname.ww"), "site {{ .Id }}\n");
        OverlayStore.Overlay o = s.get("hostname");
        assertTrue(o.site());
        assertEquals(List.of("", "etc", "etc/hostname.ww"), s.walk(o).stream().map(OverlayStore.Entry::rel).toList());
    }

    @Test
    void distributionModesComeFromTheModesFileAndCloneKeepsThem() {
        OverlayStore s = store();
        OverlayStore.Overlay wwinit = s.get("wwinit");
        var byRel = s.walk(wwinit).stream().collect(java.util.stream.Collectors.toMap(OverlayStore.Entry::rel, e -> e));
        assertEquals(0755, byRel.get("init").mode());
        assertEquals(0600, byRel.get("warewulf/config.ww").mode());
        assertEquals(OverlayStore.Kind.TEMPLATE, byRel.get("warewulf/config.ww").kind());
        assertEquals(0, byRel.get("init").uid());
        var host = s.walk(s.get("host")).stream().collect(java.util.stream.Collectors.toMap(OverlayStore.Entry::rel, e -> e));
        assertEquals(0750, host.get("").mode());
        assertEquals(OverlayStore.Kind.TEMPLATE, host.get("etc/dhcpd.conf.ww").kind(), "a .ww symlink is a template");

        s.chmod("wwinit", "warewulf/run-init", 0700);
        OverlayStore.Overlay site = s.get("wwinit");
        assertTrue(site.site());
        var cloned = s.walk(site).stream().collect(java.util.stream.Collectors.toMap(OverlayStore.Entry::rel, e -> e));
        assertEquals(0600, cloned.get("warewulf/config.ww").mode());
        assertEquals(0700, cloned.get("warewulf/run-init").mode());
        assertEquals(byRel.keySet(), cloned.keySet());
    }

    @Test
    void createMkdirImportDeleteAndEscapes() throws Exception {
        OverlayStore s = store();
        s.create("mine");
        assertThrows(OverlayException.class, () -> s.create("mine"));
        s.mkdir("mine", "/etc/foo", 0750);
        Path src = tmp.resolve("motd");
        Files.writeString(src, "hi\n");
        s.importFile("mine", src, "/etc/foo/motd", false, false);
        assertThrows(OverlayException.class, () -> s.importFile("mine", src, "/etc/foo/motd", false, false));
        assertThrows(OverlayException.class, () -> s.importFile("mine", src, "/new/dir/motd", false, false));
        assertThrows(OverlayException.class, () -> s.importFile("mine", src, "../../escape", true, true));
        assertThrows(OverlayException.class, () -> s.mkdir("mine", "/../../x", 0755));
        assertEquals("hi\n", Files.readString(tmp.resolve("site/mine/rootfs/etc/foo/motd")));
        assertThrows(OverlayException.class, () -> s.delete("mine", false));
        s.delete("mine", true);
        assertFalse(s.list().contains("mine"));
        assertThrows(OverlayException.class, () -> s.delete("hostname", true), "distribution overlays stay");
        assertThrows(OverlayException.class, () -> s.get("nope"));
    }
}
