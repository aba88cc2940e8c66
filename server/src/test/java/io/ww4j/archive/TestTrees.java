package io.ww4j.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;

/** Test helper: small trees with every kind of entry an image holds. */
public final class TestTrees {
    private TestTrees() {}

    /**
     * A tree with dirs, files (empty, small, 300 KiB random), odd modes (setuid, 0600, 01777),
     * foreign owners, a symlink (relative and absolute), hard links, a FIFO, a char and a
     * block device (root only), a UTF-8 name and /bin/sh.
     */
    public static void populate(Path root, boolean root_) throws IOException, InterruptedException {
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("etc/warewulf"));
        Files.createDirectories(root.resolve("usr/lib/mod"));
        Files.createDirectories(root.resolve("tmp"));
        Files.createDirectories(root.resolve("dev"));
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("bin/sh"), "#!/bin/true\n");
        Files.setPosixFilePermissions(root.resolve("bin/sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(root.resolve("etc/hostname"), "node\n");
        Files.write(root.resolve("etc/empty"), new byte[0]);
        byte[] big = new byte[300 * 1024];
        new Random(42).nextBytes(big);
        Files.write(root.resolve("usr/lib/mod/big.bin"), big);
        Files.writeString(root.resolve("usr/lib/mod/text.txt"), "hello ".repeat(20000));
        Files.createLink(root.resolve("usr/lib/mod/hard2.txt"), root.resolve("usr/lib/mod/text.txt"));
        Files.createLink(root.resolve("bin/hard3.txt"), root.resolve("usr/lib/mod/text.txt"));
        Files.createSymbolicLink(root.resolve("bin/bash"), Path.of("sh"));
        Files.createSymbolicLink(root.resolve("etc/mtab"), Path.of("/proc/self/mounts"));
        Files.writeString(root.resolve("etc/ünïcødé-名前.conf"), "utf8\n", StandardCharsets.UTF_8);
        Files.writeString(root.resolve("etc/shadow"), "root:*:1:0:99999:7:::\n");
        Files.setPosixFilePermissions(root.resolve("etc/shadow"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(root.resolve("boot/vmlinuz-6.1.0-18-amd64"), "kernel");
        run("chmod", "4755", root.resolve("bin/sh").toString());
        run("chmod", "1777", root.resolve("tmp").toString());
        run("mkfifo", root.resolve("tmp/fifo").toString());
        if (root_) {
            run("mknod", root.resolve("dev/null").toString(), "c", "1", "3");
            run("mknod", root.resolve("dev/loop9").toString(), "b", "7", "9");
            run("chown", "1234:5678", root.resolve("etc/hostname").toString());
            run("chown", "-h", "99:98", root.resolve("bin/bash").toString());
            run("chown", "4321:4321", root.resolve("usr/lib/mod").toString());
        }
        // fixed mtimes everywhere (dirs last so creating children does not bump them)
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                long t = 1_600_000_000L + p.toString().length();
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS).setTimes(FileTime.fromMillis(t * 1000), null, null);
                } else if (!Files.isSymbolicLink(p)) {
                    // opening a FIFO to set its times would block: let touch(1) use utimensat
                    run("touch", "-h", "-d", "@" + t, p.toString());
                }
            }
        }
    }

    public static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    /** Runs a shell command line; fails with its output on a non-zero exit. */
    public static String sh(String script) throws IOException, InterruptedException {
        return run("/bin/sh", "-c", script);
    }
}
