package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ww4j.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wwctl image syncuser (§5.6): report, write (re-own files, keep setuid, merge passwd/group), collisions. */
class ImageSyncUserTest {
    @TempDir
    Path tmp;

    private static int attr(Path p, String a) throws Exception {
        return (int) Files.getAttribute(p, "unix:" + a, LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void syncuserMapsIdsByName() throws Exception {
        assumeTrue(ExternalTool.isRoot(), "chown needs root");
        Path src = tmp.resolve("img");
        Files.createDirectories(src.resolve("bin"));
        Files.createDirectories(src.resolve("etc"));
        Files.createDirectories(src.resolve("home/alice"));
        Files.writeString(src.resolve("bin/sh"), "");
        Files.writeString(src.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nalice:x:1001:1001::/home/alice:/bin/sh\n"
                + "svc:x:999:999::/:/bin/false\n");
        Files.writeString(src.resolve("etc/group"), "root:x:0:\nalice:x:1001:\nsvc:x:999:\n");
        Path prog = src.resolve("home/alice/prog");
        Files.writeString(prog, "x");
        Files.setAttribute(prog, "unix:uid", 1001);
        Files.setAttribute(prog, "unix:gid", 1001);
        Files.setAttribute(prog, "unix:mode", 04755);
        Files.writeString(src.resolve("svcfile"), "y");
        Files.setAttribute(src.resolve("svcfile"), "unix:uid", 999);
        try (Harness h = new Harness(tmp.resolve("tree"))) {
            Path hostEtc = Path.of(h.conf().paths.sysconfdir);
            Files.createDirectories(hostEtc);
            Files.writeString(hostEtc.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\nalice:x:1500:1500::/home/alice:/bin/bash\n"
                    + "bob:x:1600:1600::/home/bob:/bin/bash\n");
            Files.writeString(hostEtc.resolve("group"), "root:x:0:\nalice:x:1500:\nbob:x:1600:\n");
            assertEquals(0, h.inProcess("image", "import", src.toString(), "img").code());
            Path root = h.conf().chrootDir().resolve("img/rootfs");

            Harness.Result r = h.inProcess("image", "syncuser", "--write=false", "img");
            assertEquals("uid/gid not synced: run `wwctl image syncuser --write=true img`\n", r.out(), r.all());
            assertEquals(1001, attr(root.resolve("home/alice/prog"), "uid"));

            r = h.inProcess("image", "syncuser", "img");
            assertEquals(0, r.code(), r.all());
            assertTrue(r.out().startsWith("uid/gid synced for image img\n"), r.all());
            Path p = root.resolve("home/alice/prog");
            assertEquals(1500, attr(p, "uid"));
            assertEquals(1500, attr(p, "gid"));
            assertEquals(04755, attr(p, "mode") & 07777, "setuid kept");
            assertEquals(999, attr(root.resolve("svcfile"), "uid"), "image-only user keeps its id");
            assertEquals(Files.readString(hostEtc.resolve("passwd")) + "svc:x:999:999::/:/bin/false\n",
                    Files.readString(root.resolve("etc/passwd")));
            assertEquals(Files.readString(hostEtc.resolve("group")) + "svc:x:999:\n", Files.readString(root.resolve("etc/group")));

            r = h.inProcess("image", "syncuser", "--write=false", "img");
            assertEquals("uid/gid already synced\n", r.out(), r.all());

            // an image-only name holding an id a host name uses
            Files.writeString(root.resolve("etc/passwd"), "carol:x:1600:1600::/:/bin/sh\n", java.nio.file.StandardOpenOption.APPEND);
            r = h.inProcess("image", "syncuser", "img");
            assertEquals(255, r.code(), r.all());
            assertTrue(r.err().contains("id(1600) collision: host(bob) image(carol)"), r.all());
        }
    }
}
