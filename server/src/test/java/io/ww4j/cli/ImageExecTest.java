package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ww4j.archive.TestTrees;
import io.ww4j.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * wwctl image exec/shell as root with a tiny busybox image: PID 1 in its own PID namespace, own
 * hostname, warewulf.conf's image mounts and --bind (read-only too) without modifying the image,
 * the exit script, the rebuild afterwards and its absence on failure or with --build=false.
 */
class ImageExecTest {
    @TempDir
    Path tmp;

    /** busybox plus the shared libraries it needs, and nothing in /etc but the exit script. */
    private Path busyboxTree() throws Exception {
        Path bb = ExternalTool.require("busybox", "busybox");
        Path root = tmp.resolve("bb");
        for (String d : new String[] {"bin", "etc/warewulf", "proc", "dev", "sys", "tmp", "mnt"}) {
            Files.createDirectories(root.resolve(d));
        }
        Files.copy(bb.toRealPath(), root.resolve("bin/busybox"));
        for (String line : TestTrees.run("ldd", bb.toRealPath().toString()).split("\n")) {
            // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
            String[] f = line.trim().split("\\s+");
            String lib = f.length >= 3 && f[1].equals("=>") ? f[2] : f[0];
            if (lib.startsWith("/")) {
                Path dst = root.resolve(lib.substring(1));
                Files.createDirectories(dst.getParent());
                Files.copy(Path.of(lib).toRealPath(), dst);
            }
        }
        for (String app : new String[] {"sh", "cat", "echo", "hostname", "touch", "ls", "false", "true", "id"}) {
            Files.createSymbolicLink(root.resolve("bin/" + app), Path.of("busybox"));
        }
        Files.writeString(root.resolve("etc/warewulf/image_exit.sh"), "touch /tmp/exit-script-ran\n");
        return root;
    }

    @Test
    void execRunsInNamespacesWithMountsThenRebuilds() throws Exception {
        assumeTrue(ExternalTool.isRoot(), "image exec needs root (mount and PID namespaces)");
        ExternalTool.require("unshare", "util-linux");
        ExternalTool.require("cpio", "cpio");
        Path src = busyboxTree();
        Path bindDir = tmp.resolve("bind");
        Files.createDirectories(bindDir);
        Files.writeString(bindDir.resolve("data"), "from the host\n");
        String hostName = Files.readString(Path.of("/proc/sys/kernel/hostname"));
        try (Harness h = new Harness(tmp.resolve("tree"))) {
            assertEquals(0, h.inProcess("image", "import", src.toString(), "bb").code());
            Path rootfs = h.conf().chrootDir().resolve("bb/rootfs");
            Path img = h.conf().imageDir().resolve("bb.img.gz");
            assertFalse(Files.exists(img));

            // flags after the command are the command's; $$ is 1 (own PID namespace); own hostname;
            // /etc/resolv.conf from warewulf.conf's default image mounts, a --bind read-only
            Harness.Result r = h.inProcess("image", "exec", "--bind", bindDir + ":/mnt/host:ro", "bb", "/bin/sh", "-c",
                    "echo pid=$$; hostname exec-test; hostname; cat /etc/resolv.conf; cat /mnt/host/data;"
                            + " touch /mnt/host/x 2>/dev/null && echo rw || echo ro; touch /etc/made-in-exec; ls /proc/1/");
            assertEquals(0, r.code(), r.all());
            assertTrue(r.out().contains("pid=1\n"), r.all());
            assertTrue(r.out().contains("exec-test\n"), r.all());
            assertTrue(r.out().contains(Files.readString(Path.of("/etc/resolv.conf"))), r.all());
            assertTrue(r.out().contains("from the host\nro\n"), r.all());
            assertTrue(r.out().contains("cmdline"), "proc mounted: " + r.all());
            assertEquals(hostName, Files.readString(Path.of("/proc/sys/kernel/hostname")), "host name untouched");
            // the image keeps what the command wrote, but not the mount points that were missing
            assertTrue(Files.exists(rootfs.resolve("etc/made-in-exec")));
            assertFalse(Files.exists(rootfs.resolve("etc/resolv.conf")), "missing bind target came from an overlay");
            assertFalse(Files.exists(bindDir.resolve("x")));
            assertFalse(Files.exists(rootfs.resolve("../run")), "lock released");
            assertTrue(Files.exists(rootfs.resolve("tmp/exit-script-ran")), "image_exit.sh ran");
            // ... and was rebuilt (exec builds when the image is not current)
            assertTrue(r.out().contains("Compressed image for Image bb: " + img), r.all());
            FileTime built = Files.getLastModifiedTime(img);

            // --build=false: no rebuild
            Thread.sleep(20);
            r = h.inProcess("image", "exec", "--build=false", "bb", "touch", "/etc/second");
            assertEquals(0, r.code(), r.all());
            assertEquals(built, Files.getLastModifiedTime(img));
            assertFalse(r.out().contains("Building image"), r.all());

            // a failing command: its exit status, an error, no rebuild
            r = h.inProcess("image", "exec", "bb", "/bin/sh", "-c", "touch /etc/third; exit 3");
            assertEquals(3, r.code(), r.all());
            assertTrue(r.err().contains("command returned an error"), r.all());
            assertEquals(built, Files.getLastModifiedTime(img));

            // a held lock refuses a second session
            Files.createDirectory(rootfs.resolve("../run"));
            r = h.inProcess("image", "exec", "bb", "/bin/true");
            assertNotEquals(0, r.code());
            assertTrue(r.err().contains("another image command may already be running"), r.all());
            Files.delete(rootfs.resolve("../run"));

            // shell: $SHELL if the image has it, else /bin/bash, else /bin/sh; stdin is empty here
            r = h.inProcess("image", "shell", "--build=false", "bb");
            assertEquals(0, r.code(), r.all());
            assertTrue(r.out().startsWith("Image build will be skipped if the shell ends with a non-zero exit code.\n"), r.all());
        }
    }
}
