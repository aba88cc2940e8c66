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
}
