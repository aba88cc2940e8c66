package io.ww4j.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.archive.TestTrees;
import io.ww4j.archive.TreeSnapshot;
import io.ww4j.testing.ExternalTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every import source: import, build, and `gzip -dc IMG.gz | cpio -idm` gives back the source tree. */
class ImageImportTest {
    @TempDir
    Path tmp;
    Path src;
    ImageStore store;
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        ExternalTool.require("cpio", "cpio");
        src = tmp.resolve("src");
        TestTrees.populate(src, ExternalTool.isRoot());
        store = new ImageStore(tmp.resolve("chroots"), tmp.resolve("provision/images"),
                new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    /** Imports, checks the rootfs, builds, unpacks the .img.gz with GNU cpio and compares. */
    private void roundTrip(Sources.Source source, String name) throws Exception {
        store.importImage(source, name, false);
        Path rootfs = store.rootfs(name);
        assertEquals(TreeSnapshot.of(src, false), TreeSnapshot.of(rootfs, false), "imported rootfs");
        assertTrue(store.build(name, false));
        String out = log.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("Created image for Image " + name + ": " + store.imageFile(name)), out);
        assertTrue(out.contains("Compressed image for Image " + name + ": " + store.compressedFile(name)), out);
        Path dst = tmp.resolve("unpacked-" + name);
        Files.createDirectories(dst);
        TestTrees.sh("cd " + dst + " && gzip -dc " + store.compressedFile(name) + " | cpio -idm --quiet --no-absolute-filenames");
        assertEquals(TreeSnapshot.of(src, false, false), TreeSnapshot.of(dst, false, false), "unpacked image");
        Path dst2 = tmp.resolve("unpacked-plain-" + name);
        Files.createDirectories(dst2);
        TestTrees.sh("cd " + dst2 + " && cpio -idm --quiet --no-absolute-filenames < " + store.imageFile(name));
        assertEquals(TreeSnapshot.of(src, false, false), TreeSnapshot.of(dst2, false, false), "unpacked .img");
        Map<String, Long> dirs = TreeSnapshot.dirMtimes(src);
        dirs.remove(".");
        Map<String, Long> archived = TreeSnapshot.dirMtimesInArchive(store.compressedFile(name));
        archived.remove(".");
        assertEquals(dirs, archived, "directory mtimes in the archive");
        // a second build without changes is skipped
        log.reset();
        assertFalse(store.build(name, false));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("Skipping (Image is current)"));
    }

    @Test
    void directory() throws Exception {
        roundTrip(Sources.open(src.toString(), Sources.PullOptions.none()), "dir");
        assertEquals(List.of("dir"), store.list());
    }

    @Test
    void tarballsInEveryCompression() throws Exception {
        Path tar = tmp.resolve("root.tar");
        TestTrees.run("tar", "--numeric-owner", "-C", src.toString(), "-cpf", tar.toString(), ".");
        TestTrees.sh("gzip -kc " + tar + " > " + tar + ".gz && xz -kc " + tar + " > " + tar + ".xz && zstd -q -c "
                + tar + " > " + tar + ".zst");
        roundTrip(Sources.open(tar.toString(), Sources.PullOptions.none()), "tar");
        roundTrip(Sources.open(tar + ".gz", Sources.PullOptions.none()), "targz");
        roundTrip(Sources.open(tar + ".xz", Sources.PullOptions.none()), "tarxz");
        roundTrip(Sources.open(tar + ".zst", Sources.PullOptions.none()), "tarzst");
    }

    /** OCI layout made by umoci (two layers: the second deletes files, so whiteouts are exercised). */
    @Test
    void ociLayoutOciArchiveAndDockerArchive() throws Exception {
        ExternalTool.require("umoci", "umoci");
        ExternalTool.require("skopeo", "skopeo");
        Path layout = tmp.resolve("oci");
        Path bundle = tmp.resolve("bundle");
        TestTrees.run("umoci", "init", "--layout", layout.toString());
        TestTrees.run("umoci", "new", "--image", layout + ":t");
        TestTrees.run("umoci", "unpack", "--image", layout + ":t", bundle.toString());
        // layer 1: the tree plus things layer 2 removes
        TestTrees.sh("cp -a " + src + "/. " + bundle + "/rootfs/ && mkdir -p " + bundle + "/rootfs/opaque/sub && echo x > "
                + bundle + "/rootfs/opaque/sub/f && echo gone > " + bundle + "/rootfs/etc/gone");
        TestTrees.run("umoci", "repack", "--image", layout + ":t", bundle.toString());
        TestTrees.run("rm", "-rf", bundle.toString());
        TestTrees.run("umoci", "unpack", "--image", layout + ":t", bundle.toString());
        TestTrees.sh("rm -rf " + bundle + "/rootfs/opaque " + bundle + "/rootfs/etc/gone");
        TestTrees.run("umoci", "repack", "--image", layout + ":t", bundle.toString());
        // expected: what umoci itself unpacks from the two layers (the whiteouts removed opaque/ and etc/gone)
        Path check = tmp.resolve("check");
        TestTrees.run("umoci", "unpack", "--image", layout + ":t", check.toString());
        src = check.resolve("rootfs");
        assertFalse(Files.exists(src.resolve("etc/gone")));
        assertTrue(Files.exists(src.resolve("bin/sh")));
        roundTrip(Sources.open(layout.toString(), Sources.PullOptions.none()), "ocilayout");
        Path ociArchive = tmp.resolve("oci-archive.tar");
        TestTrees.run("skopeo", "copy", "--quiet", "oci:" + layout + ":t", "oci-archive:" + ociArchive + ":t");
        roundTrip(Sources.open(ociArchive.toString(), Sources.PullOptions.none()), "ociarchive");
        Path dockerArchive = tmp.resolve("docker-archive.tar");
        TestTrees.run("skopeo", "copy", "--quiet", "oci:" + layout + ":t", "docker-archive:" + dockerArchive + ":t:latest");
        roundTrip(Sources.open(dockerArchive.toString(), Sources.PullOptions.none()), "dockerarchive");
    }

    // ------------------------------------------------------------------ bad input

    private interface TarBody {
        void write(TarArchiveOutputStream t) throws IOException;
    }

    private Path tar(String name, TarBody body) throws IOException {
        Path p = tmp.resolve(name);
        try (OutputStream o = Files.newOutputStream(p); TarArchiveOutputStream t = new TarArchiveOutputStream(o)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            body.write(t);
        }
        return p;
    }

    private static void file(TarArchiveOutputStream t, String name, String content) throws IOException {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(b.length);
        e.setMode(0100644);
        t.putArchiveEntry(e);
        t.write(b);
        t.closeArchiveEntry();
    }

    private static void link(TarArchiveOutputStream t, String name, String target, byte type) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setLinkName(target);
        t.putArchiveEntry(e);
        t.closeArchiveEntry();
    }

    private void assertRefused(Path archive, String messagePart) throws Exception {
        Path outside = tmp.resolve("outside");
        Files.createDirectories(outside);
        ImageException e = assertThrows(ImageException.class,
                () -> store.importImage(Sources.open(archive.toString(), Sources.PullOptions.none()), "bad", false));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertFalse(store.exists("bad"), "no partial image");
        if (Files.exists(tmp.resolve("chroots"))) {
            try (Stream<Path> s = Files.list(tmp.resolve("chroots"))) {
                assertEquals(List.of(), s.toList().stream().filter(p -> !p.getFileName().toString().equals("keep")).toList(),
                        "no temporary directory left");
            }
        }
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(List.of(), s.toList(), "nothing written outside");
        }
        assertFalse(Files.exists(tmp.resolve("evil")));
    }

    @Test
    void badArchivesAreRefusedAndLeaveNothing() throws Exception {
        assertRefused(tar("dotdot.tar", t -> {
            file(t, "etc/ok", "ok");
            file(t, "../evil", "x");
        }), "path traversal");
        assertRefused(tar("abs.tar", t -> file(t, "/" + tmp.resolve("evil"), "x")), "absolute path");
        assertRefused(tar("symlink-out.tar", t -> {
            link(t, "etc/out", tmp.resolve("outside").toString(), TarArchiveEntry.LF_SYMLINK);
            file(t, "etc/out/planted", "x");
        }), "through the symlink");
        assertRefused(tar("symlink-rel.tar", t -> {
            link(t, "up", "../../outside", TarArchiveEntry.LF_SYMLINK);
            file(t, "up/planted", "x");
        }), "through the symlink");
        Files.writeString(tmp.resolve("secret"), "secret");
        assertRefused(tar("hardlink-out.tar", t -> link(t, "etc/passwd", "../secret", TarArchiveEntry.LF_LINK)),
                "path traversal");
        assertRefused(tar("hardlink-abs.tar", t -> link(t, "etc/passwd", tmp.resolve("secret").toString(),
                TarArchiveEntry.LF_LINK)), "absolute path");
        // corrupt: a valid tar cut in the middle of a file, and random bytes
        Path good = tar("good.tar", t -> file(t, "bin/sh", "x".repeat(100_000)));
        byte[] b = Files.readAllBytes(good);
        Path cut = tmp.resolve("cut.tar");
        Files.write(cut, java.util.Arrays.copyOf(b, 30_000));
        assertRefused(cut, "tar");
        Path garbage = tmp.resolve("garbage.tar.gz");
        byte[] g = new byte[5000];
        new java.util.Random(1).nextBytes(g);
        g[0] = 0x1f;
        g[1] = (byte) 0x8b;
        Files.write(garbage, g);
        assertRefused(garbage, "tar");
        // an existing image survives a failed re-import with --force
        store.importImage(Sources.open(src.toString(), Sources.PullOptions.none()), "keep", false);
        Map<String, String> before = TreeSnapshot.of(store.rootfs("keep"), false);
        assertThrows(ImageException.class, () -> store.importImage(Sources.open(cut.toString(), Sources.PullOptions.none()), "keep", true));
        assertEquals(before, TreeSnapshot.of(store.rootfs("keep"), false));
        ImageException exists = assertThrows(ImageException.class,
                () -> store.importImage(Sources.open(src.toString(), Sources.PullOptions.none()), "keep", false));
        assertEquals("image name exists, specify --force, --update, or choose a different name", exists.getMessage());
    }

    /** A hand-made OCI layout with one layer; {@code digestOverride} replaces the layer's digest in the manifest. */
    private Path ociLayout(String name, Path layerTar, String digestOverride) throws Exception {
        Path dir = tmp.resolve(name);
        Path blobs = dir.resolve("blobs/sha256");
        Files.createDirectories(blobs);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        String layer = sha256Blob(blobs, Files.readAllBytes(layerTar));
        String config = sha256Blob(blobs, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}"
                .getBytes(StandardCharsets.UTF_8));
        String manifest = sha256Blob(blobs, ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":1},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
                + (digestOverride == null ? layer : digestOverride) + "\",\"size\":1}]}").getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifest + "\",\"size\":1}]}");
        return dir;
    }

    private static String sha256Blob(Path blobs, byte[] b) throws Exception {
        String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        Files.write(blobs.resolve(hex), b);
        return "sha256:" + hex;
    }

    @Test
    void badOciLayersAreRefusedAndLeaveNothing() throws Exception {
        Path ok = tar("ok-layer.tar", t -> file(t, "bin/sh", "#!/bin/true\n"));
        // the layout itself imports, so the refusals below are about the bad parts only
        store.importImage(Sources.open(ociLayout("good", ok, null).toString(), Sources.PullOptions.none()), "keep", false);
        assertEquals("#!/bin/true\n", Files.readString(store.rootfs("keep").resolve("bin/sh")));
        assertRefused(ociLayout("oci-dotdot", tar("l1.tar", t -> {
            file(t, "bin/sh", "x");
            file(t, "../evil", "x");
        }), null), "path traversal");
        assertRefused(ociLayout("oci-symlink", tar("l2.tar", t -> {
            link(t, "etc", tmp.resolve("outside").toString(), TarArchiveEntry.LF_SYMLINK);
            file(t, "etc/planted", "x");
        }), null), "through the symlink");
        // a layer whose bytes do not hash to the manifest's digest
        Path tampered = ociLayout("oci-tampered", ok, null);
        String okHex = sha256Blob(tmp, Files.readAllBytes(ok)).substring("sha256:".length());
        Files.copy(tar("other.tar", t -> file(t, "bin/sh", "#!/bin/false\n")), tampered.resolve("blobs/sha256/" + okHex),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertRefused(tampered, "corrupt");
        // a digest that tries to leave the blobs directory
        assertRefused(ociLayout("oci-baddigest", ok, "sha256:../../../../etc/passwd"), "bad digest");
        assertEquals(List.of("keep"), store.list());
    }

    @Test
    void excludesAndKernels() throws Exception {
        Files.writeString(src.resolve("etc/warewulf/excludes"), "/boot/\nusr/lib/mod/*.bin\n");
        Files.createDirectories(src.resolve("lib/modules/5.14.0-427.24.1.el9_4.x86_64"));
        Files.writeString(src.resolve("lib/modules/5.14.0-427.24.1.el9_4.x86_64/vmlinuz"), "k");
        Files.writeString(src.resolve("boot/vmlinuz-7.0.0-rescue-abc"), "k");
        store.importImage(Sources.open(src.toString(), Sources.PullOptions.none()), "ex", false);
        List<Kernels.Kernel> ks = Kernels.find(store.rootfs("ex"));
        assertEquals(List.of(
                new Kernels.Kernel("/boot/vmlinuz-6.1.0-18-amd64", "6.1.0-18", true),
                new Kernels.Kernel("/boot/vmlinuz-7.0.0-rescue-abc", "7.0.0", false),
                new Kernels.Kernel("/lib/modules/5.14.0-427.24.1.el9_4.x86_64/vmlinuz", "5.14.0-427.24.1", false)), ks);
        assertEquals("/lib/modules/5.14.0-427.24.1.el9_4.x86_64/vmlinuz", Kernels.forVersion(store.rootfs("ex"), "5.14").path());
        assertEquals("/boot/vmlinuz-6.1.0-18-amd64", Kernels.forVersion(store.rootfs("ex"), "6.1").path());
        store.build("ex", true);
        Path dst = tmp.resolve("ex-out");
        Files.createDirectories(dst);
        TestTrees.sh("cd " + dst + " && gzip -dc " + store.compressedFile("ex") + " | cpio -idm --quiet");
        assertFalse(Files.exists(dst.resolve("boot")));
        assertFalse(Files.exists(dst.resolve("usr/lib/mod/big.bin")));
        assertTrue(Files.exists(dst.resolve("usr/lib/mod/text.txt")));
    }
}
