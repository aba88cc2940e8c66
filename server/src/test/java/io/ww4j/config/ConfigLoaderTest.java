package io.ww4j.config;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final Path F = Path.of("warewulf.conf");

    @Test
    void emptyFileGivesUpstreamCodeDefaults() {
        WarewulfConf c = ConfigLoader.parse(F, "");
        assertEquals(9873, c.warewulf.port);
        assertTrue(c.warewulf.secure, "code default of secure is true");
        assertTrue(c.warewulf.secureFiles(), "secure files inherits secure");
        assertEquals(60, c.warewulf.updateInterval);
        assertTrue(c.warewulf.autobuildOverlays);
        assertEquals("default", c.dhcp.template);
        assertEquals(Map.of("00:00", "undionly.kpxe", "00:07", "ipxe-snponly-x86_64.efi",
                "00:09", "ipxe-snponly-x86_64.efi", "00:0B", "arm64-efi/snponly.efi"), c.tftp.ipxe);
        assertEquals(List.of("ed25519", "ecdsa", "rsa"), c.ssh.keyTypes);
        assertEquals(1, c.imageMounts.size());
        assertEquals("/etc/resolv.conf", c.imageMounts.get(0).source);
        assertEquals(List.of("127.0.0.0/8", "::1/128"), c.api.allowedSubnets);
        assertEquals("/var/lib/warewulf/provision", c.paths.wwprovisiondir);
        assertTrue(c.warnings.isEmpty());
    }

    @Test
    void cidrIpaddrDerivesNetmaskAndNetwork() {
        WarewulfConf c = ConfigLoader.parse(F, "ipaddr: 10.0.3.7/22\nipaddr6: fd00::1/64\n");
        assertEquals("10.0.3.7", c.ipaddr);
        assertEquals("255.255.252.0", c.netmask);
        assertEquals("10.0.0.0", c.network);
        assertEquals("fd00::1", c.ipaddr6);
        assertEquals("64", c.prefixlen6);
    }

    @Test
    void explicitNetmaskIsKept() {
        WarewulfConf c = ConfigLoader.parse(F, "ipaddr: 10.0.3.7/22\nnetmask: 255.255.0.0\n");
        assertEquals("255.255.0.0", c.netmask);
        assertEquals("10.0.0.0", c.network);
    }

    @Test
    void ipxeMapReplacesDefaultsAndKeepsStringKeys() {
        WarewulfConf c = ConfigLoader.parse(F, """
                tftp:
                  ipxe:
                    00:09: ipxe.efi
                    00:0B: arm.efi
                """);
        assertEquals(Map.of("00:09", "ipxe.efi", "00:0B", "arm.efi"), c.tftp.ipxe);
    }

    @Test
    void keysWithSpacesAndExtensions() {
        WarewulfConf c = ConfigLoader.parse(F, """
                warewulf:
                  port: 9999
                  secure: false
                  update interval: 30
                  autobuild overlays: false
                  grubboot: true
                dhcp:
                  range start: 10.0.1.1
                  range end: 10.0.1.255
                  mode: proxy
                  interfaces: [br0, eth1]
                tftp:
                  port: 6969
                nfs:
                  export paths:
                  - path: /home
                    export options: rw,sync
                  - path: /opt
                image mounts:
                - source: /etc/hosts
                  dest: /etc/hosts
                  readonly: true
                database:
                  url: jdbc:h2:mem:x
                """);
        assertEquals(9999, c.warewulf.port);
        assertFalse(c.warewulf.secure);
        assertFalse(c.warewulf.secureFiles());
        assertEquals(30, c.warewulf.updateInterval);
        assertFalse(c.warewulf.autobuildOverlays);
        assertTrue(c.warewulf.grubboot);
        assertEquals("10.0.1.1", c.dhcp.rangeStart);
        assertEquals("proxy", c.dhcp.mode);
        assertEquals(List.of("br0", "eth1"), c.dhcp.interfaces);
        assertEquals(6969, c.tftp.port);
        assertEquals(2, c.nfs.exportPaths.size());
        assertEquals("rw,sync", c.nfs.exportPaths.get(0).exportOptions);
        assertEquals("rw,sync,no_subtree_check", c.nfs.exportPaths.get(1).exportOptions);
        assertEquals(1, c.imageMounts.size());
        assertTrue(c.imageMounts.get(0).readonly);
        assertEquals("jdbc:h2:mem:x", c.databaseUrl());
    }

    @Test
    void legacyContainerMountsAreRead() {
        WarewulfConf c = ConfigLoader.parse(F, "container mounts:\n- source: /a\n  dest: /b\n");
        assertEquals("/a", c.imageMounts.get(0).source);
    }

    @Test
    void unknownKeysAreReportedWithTheirLine() {
        WarewulfConf c = ConfigLoader.parse(F, "ipaddr: 10.0.0.1\nwarewulf:\n  port: 9873\n  bogus: 1\nfrobnicate: yes\n");
        assertEquals(List.of("warewulf.conf:5: unknown key 'frobnicate'", "warewulf.conf:4: unknown key 'warewulf.bogus'"),
                c.warnings);
    }

    @Test
    void syntaxErrorNamesFileAndLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(F, "ipaddr: 10.0.0.1\nwarewulf:\n  port: [9873\n"));
        assertTrue(e.getMessage().startsWith("warewulf.conf:"), e.getMessage());
        assertTrue(e.getMessage().contains("YAML syntax error"), e.getMessage());
    }

    @Test
    void badValuesAreRefusedWithTheirLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(F, "warewulf:\n  port: ninety\n"));
        assertEquals("warewulf.conf:2: warewulf.port: not an integer: 'ninety'", e.getMessage());
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(F, "ipaddr: 10.0.0.1/40\n"));
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(F, "warewulf:\n  secure: maybe\n"));
    }

    @Test
    void relativePathsResolveAgainstTheConfigFolder(@TempDir Path dir) throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc/warewulf"));
        Path file = etc.resolve("warewulf.conf");
        Files.writeString(file, "paths:\n  sysconfdir: ..\n  localstatedir: ../../var/lib\n  wwclientdir: warewulf\n"
                + "tftp:\n  tftproot: ../../tftp\n");
        WarewulfConf c = ConfigLoader.load(file);
        assertEquals(dir.resolve("etc").toString(), c.paths.sysconfdir);
        assertEquals(dir.resolve("etc/warewulf/nodes.conf"), c.nodesConf());
        assertEquals(dir.resolve("var/lib/warewulf"), c.stateDir());
        assertEquals(dir.resolve("tftp").toString(), c.tftp.tftproot);
        assertEquals("warewulf", c.paths.wwclientdir, "a node-side path is never resolved");
        assertEquals("/usr/share", c.paths.datadir, "absolute defaults untouched");
    }

    @Test
    void locatePrefersOptionThenEnvironment() {
        assertEquals(Path.of("/a"), ConfigLoader.locate("/a", Map.of("WAREWULFCONF", "/b")));
        assertEquals(Path.of("/b"), ConfigLoader.locate(null, Map.of("WAREWULFCONF", "/b")));
        assertEquals(ConfigLoader.DEFAULT_FILE, ConfigLoader.locate(null, Map.of()));
    }

    @Test
    void missingFileGivesDefaultsWithAWarning(@TempDir Path dir) {
        WarewulfConf c = ConfigLoader.load(dir.resolve("nope.conf"));
        assertEquals(9873, c.warewulf.port);
        assertEquals(1, c.warnings.size());
    }
}
