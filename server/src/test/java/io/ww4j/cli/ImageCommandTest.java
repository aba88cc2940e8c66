package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.archive.TestTrees;
import io.ww4j.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wwctl image: import, list, build, show, kernels, copy, rename, delete with upstream's messages and tables. */
class ImageCommandTest {
    @TempDir
    Path tmp;

    @Test
    void imageLifecycle() throws Exception {
        ExternalTool.require("cpio", "cpio");
        Path src = tmp.resolve("rocky9");
        TestTrees.populate(src, false);
        try (Harness h = new Harness(tmp.resolve("tree"))) {
            Harness.Result r = h.inProcess("image", "import", src.toString());
            assertEquals(0, r.code(), r.err());
            assertEquals("Setting image name: rocky9\n", r.out());
            r = h.inProcess("container", "import", src.toString(), "rocky9");
            assertEquals(255, r.code());
            assertTrue(r.err().contains("image name exists, specify --force, --update, or choose a different name"), r.err());
            r = h.inProcess("image", "list");
            assertEquals("IMAGE NAME\n----------\nrocky9\n", r.out());
            r = h.inProcess("image", "build");
            assertTrue(r.err().contains("no images specified; use --all to build all images"), r.err());
            r = h.inProcess("vnfs", "build", "rocky9");
            assertEquals(0, r.code(), r.err());
            Path img = h.conf().imageDir().resolve("rocky9.img.gz");
            assertTrue(r.out().contains("Compressed image for Image rocky9: " + img), r.out());
            assertTrue(Files.size(img) > 1000);
            r = h.inProcess("image", "build", "rocky9");
            assertTrue(r.out().contains("Skipping (Image is current)"), r.out());
            r = h.inProcess("image", "list", "-s");
            assertTrue(r.out().startsWith("IMAGE NAME  NODES  SIZE\n----------  -----  ----\nrocky9      0      "), r.out());
            r = h.inProcess("image", "kernels");
            assertEquals("""
                    Image   Kernel                        Version   Default  Nodes
                    -----   ------                        -------   -------  -----
                    rocky9  /boot/vmlinuz-6.1.0-18-amd64  6.1.0-18  true     0
                    """, r.out());
            r = h.inProcess("image", "show", "rocky9");
            assertEquals(h.conf().chrootDir().resolve("rocky9/rootfs") + "\n", r.out());
            r = h.inProcess("image", "copy", "rocky9", "copy1");
            assertEquals("Image rocky9 successfully duplicated as copy1\n", r.out());
            r = h.inProcess("image", "rename", "copy1", "copy2");
            assertEquals("Image copy1 successfully renamed as copy2\n", r.out());
            r = h.inProcess("image", "delete", "-y", "copy2");
            assertEquals(0, r.code(), r.err());
            r = h.inProcess("image", "ls");
            assertEquals("IMAGE NAME\n----------\nrocky9\n", r.out());
            r = h.inProcess("image", "import", tmp.resolve("nope.tar").toString(), "x");
            assertEquals(255, r.code());
            assertTrue(r.err().contains("import source not found"), r.err());
            assertFalse(Files.exists(h.conf().chrootDir().resolve("x")));
        }
    }
}
