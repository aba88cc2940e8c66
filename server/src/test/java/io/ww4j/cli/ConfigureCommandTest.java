package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.daemon.CommandRequest;
import io.ww4j.testing.ExternalTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wwctl configure}: real overlay renders into a temp root, real ssh-keygen, real config checks. */
class ConfigureCommandTest {
    @TempDir
    Path tmp;

    /** The harness tree plus the distribution's host overlay and the given DHCP/TFTP/NFS settings. */
    private Harness harness(String services) throws IOException {
        Harness h = new Harness(tmp);
        String conf = Files.readString(h.confFile);
        conf = conf.replace("""
                dhcp:
                  enabled: false
                  mode: "off"
                tftp:
                  enabled: false
                """, services);
        Files.writeString(h.confFile, conf);
        Path host = tmp.resolve("share/warewulf/overlays/host");
        Path src = Path.of("..", "overlays", "host");
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path p : walk.toList()) {
                Path t = host.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return h;
    }

    private static final String SERVICES = """
            network: 127.0.0.0
            dhcp:
              enabled: true
              range start: 127.0.0.100
              range end: 127.0.0.200
            tftp:
              enabled: true
              tftproot: %s/tftpboot
              ipxe:
                "00:00": undionly.kpxe
                "00:07": /nonexistent/ipxe.efi
            nfs:
              enabled: true
              export paths:
                - path: /home
                  export options: rw,sync
                - path: /opt
                  export options: ro,sync
            """;

    @Test
    void bareConfigurePrintsHelpAndSucceeds() throws Exception {
        try (Harness h = new Harness(tmp)) {
            Harness.Result r = h.inProcess("configure");
            assertEquals(0, r.code(), r.all());
            assertTrue(r.out().contains("dhcp") && r.out().contains("hostfile") && r.out().contains("--all"), r.out());
        }
    }

    @Test
    void hostfileAndNfsRenderTheHostOverlayBelowTheRoot() throws Exception {
        try (Harness h = harness(SERVICES.formatted(tmp))) {
            assertEquals(0, h.inProcess("node", "add", "n[1-2]", "--ipaddr", "127.0.0.11", "--netmask", "255.0.0.0").code());
            Path root = tmp.resolve("hostroot");
            Files.createDirectories(root.resolve("etc"));
            Files.writeString(root.resolve("etc/hosts"), "# old hosts\n");
            Harness.Result r = h.inProcess("configure", "hostfile", "--root", root.toString());
            assertEquals(0, r.code(), r.all());
            String hosts = Files.readString(root.resolve("etc/hosts"));
            assertTrue(hosts.contains("127.0.0.11 n1 n1-default"), hosts);
            assertTrue(hosts.contains("127.0.0.12 n2 n2-default"), hosts);
            assertEquals("# old hosts\n", Files.readString(root.resolve("etc/hosts.wwbackup")));
            assertTrue(r.out().contains("Wrote " + root.resolve("etc/hosts")), r.out());

            r = h.inProcess("configure", "--root", root.toString(), "nfs");
            assertEquals(0, r.code(), r.all());
            String exports = Files.readString(root.resolve("etc/exports"));
            assertTrue(exports.contains("/home 127.0.0.0/255.0.0.0(rw,sync)"), exports);
            assertTrue(exports.contains("/opt 127.0.0.0/255.0.0.0(ro,sync)"), exports);
            assertFalse(r.out().contains("Restarted"), "no service is touched below another root: " + r.out());
        }
    }

    @Test
    void dhcpAndTftpAreCheckedNotRendered() throws Exception {
        try (Harness h = harness(SERVICES.formatted(tmp))) {
            Harness.Result r = h.inProcess("configure", "dhcp");
            assertEquals(0, r.code(), r.all());
            assertTrue(r.out().contains("built into warewulfd (mode server)"), r.out());
            assertTrue(r.out().contains("dynamic range 127.0.0.100-127.0.0.200"), r.out());

            r = h.inProcess("configure", "tftp");
            assertEquals(0, r.code(), r.all());
            assertTrue(Files.isDirectory(tmp.resolve("tftpboot")), "tftproot created");
            assertTrue(r.err().contains("WARN   : tftp: arch 00:07: /nonexistent/ipxe.efi is missing"), r.all());
            try (Stream<Path> l = Files.list(tmp.resolve("tftpboot"))) {
                assertEquals(0, l.count(), "nothing copied: warewulfd serves warewulf/ itself");
            }
        }
    }

    @Test
    void badDhcpSettingsAreRefused() throws Exception {
        String bad = SERVICES.formatted(tmp).replace("range end: 127.0.0.200", "range end: 128.0.0.5");
        try (Harness h = harness(bad)) {
            Harness.Result r = h.inProcess("configure", "dhcp");
            assertEquals(255, r.code(), r.all());
            assertEquals("ERROR: dhcp: range address 128.0.0.5 is not in the network 127.0.0.0/255.0.0.0 of ipaddr 127.0.0.1\n",
                    r.err());
        }
        try (Harness h = harness(SERVICES.formatted(tmp).replace("range start: 127.0.0.100", "range start: 127.0.0.250"))) {
            Harness.Result r = h.inProcess("configure", "dhcp");
            assertEquals(255, r.code(), r.all());
            assertTrue(r.err().startsWith("ERROR: dhcp: range start 127.0.0.250 is after range end"), r.err());
        }
    }

    @Test
    void sshCreatesTheUserKeyAndAuthorizedKeys() throws Exception {
        ExternalTool.require("ssh-keygen", "openssh-client");
        try (Harness h = new Harness(tmp)) {
            Path home = tmp.resolve("home");
            Files.createDirectories(home);
            Harness.Captured t = new Harness.Captured("");
            Map<String, String> env = Map.of("WAREWULFCONF", h.confFile.toString(), "HOME", home.toString());
            int code = Client.inProcess(new CommandRequest(List.of("configure", "ssh", "-t", "ed25519"), tmp.toString(), env,
                    false), h.conf(), t, false);
            Harness.Result r = t.result(code);
            assertEquals(0, r.code(), r.all());
            Path key = home.resolve(".ssh/id_ed25519");
            assertTrue(Files.readString(key).contains("OPENSSH PRIVATE KEY"));
            assertEquals(Files.readString(home.resolve(".ssh/id_ed25519.pub")), Files.readString(home.resolve(".ssh/authorized_keys")));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".ssh/authorized_keys"))));
            boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
            if (root) {
                assertTrue(Files.isRegularFile(tmp.resolve("etc/warewulf/keys/ssh_host_ed25519_key")), r.all());
            }
            // a second run keeps the keys
            String before = Files.readString(key);
            t = new Harness.Captured("");
            code = Client.inProcess(new CommandRequest(List.of("configure", "ssh", "-t", "ed25519"), tmp.toString(), env,
                    false), h.conf(), t, false);
            assertEquals(0, code, t.result(code).all());
            assertEquals(before, Files.readString(key));
        }
    }

    @Test
    void tlsCreatesImportsAndExportsTheKeyPair() throws Exception {
        ExternalTool.require("openssl", "openssl");
        try (Harness h = new Harness(tmp)) {
            Harness.Result r = h.inProcess("configure", "tls");
            assertEquals(0, r.code(), r.all());
            Path key = tmp.resolve("etc/warewulf/tls/warewulf.key");
            Path crt = tmp.resolve("etc/warewulf/tls/warewulf.crt");
            assertTrue(Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----"), "PKCS#1 as upstream");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            // the certificate belongs to the key (openssl checks it)
            Process p = new ProcessBuilder("openssl", "x509", "-in", crt.toString(), "-noout", "-pubkey").start();
            String certKey = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor());
            Process q = new ProcessBuilder("openssl", "rsa", "-in", key.toString(), "-pubout").redirectErrorStream(false).start();
            String ownKey = new String(q.getInputStream().readAllBytes());
            assertEquals(0, q.waitFor());
            assertEquals(ownKey, certKey);
            String before = Files.readString(key);
            assertEquals(0, h.inProcess("configure", "tls").code());
            assertEquals(before, Files.readString(key), "kept without --force");

            Path out = tmp.resolve("exported");
            assertEquals(0, h.inProcess("configure", "tls", "--export", out.toString()).code());
            assertEquals(before, Files.readString(out.resolve("warewulf.key")));
            r = h.inProcess("configure", "tls", "--import", out.toString());
            assertEquals(255, r.code(), "refused over an existing pair: " + r.all());
            assertEquals(0, h.inProcess("configure", "tls", "--force").code());
            assertTrue(!before.equals(Files.readString(key)), "--force made a new key");
            r = h.inProcess("configure", "keys", "--import", out.toString(), "-f");
            assertEquals(0, r.code(), r.all());
            assertEquals(before, Files.readString(key));
        }
    }

    @Test
    void throughTheDaemonLikeInProcess() throws Exception {
        try (Harness h = harness(SERVICES.formatted(tmp))) {
            Harness.Result local = h.inProcess("configure", "dhcp");
            h.startDaemon();
            assertEquals(local, h.viaDaemon("configure", "dhcp"));
            Harness.Result wd = h.viaDaemon("configure", "warewulfd");
            assertEquals(0, wd.code(), wd.all());
            assertTrue(wd.out().startsWith("warewulfd: running (pid "), wd.out());
        }
    }
}
