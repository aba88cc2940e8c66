package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ww4j.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's line scan for the socket agrees with the full warewulf.conf parse, or gives up. */
class QuickSocketTest {
    @TempDir
    Path tmp;

    private void agrees(String yaml) throws Exception {
        Path f = tmp.resolve("etc/warewulf/warewulf.conf");
        Files.createDirectories(f.getParent());
        Files.writeString(f, yaml);
        Path full = ConfigLoader.load(f).controlSocket().toAbsolutePath().normalize();
        assertEquals(full, Client.quickSocket(f), yaml);
    }

    @Test
    void agreesWithTheFullParse() throws Exception {
        agrees("ipaddr: 10.0.0.1\n");
        agrees("paths:\n  sysconfdir: ..\n  localstatedir: ../../var/lib # state\n");
        agrees("paths:\n  localstatedir: \"/srv/state\"\nwarewulf:\n  port: 9873\n");
        agrees("# comment\nwarewulf:\n  localstatedir: /not/this\npaths:\n  bindir: /usr/bin\n  localstatedir: '/x/y'\n");
        assertEquals(Path.of("/var/lib/warewulf/warewulfd.sock"), Client.quickSocket(tmp.resolve("missing.conf")));
    }

    @Test
    void givesUpOnFlowStyle() throws Exception {
        Path f = tmp.resolve("w.conf");
        Files.writeString(f, "paths: {localstatedir: /a}\n");
        assertNull(Client.quickSocket(f));
    }
}
