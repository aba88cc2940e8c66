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
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk during import and during build (a small tmpfs, root only): a clear error, no
 * partial image, no temporary file left, the previous image still in place, nothing outside.
 */
class ImageFullDiskTest {
    @TempDir
    Path tmp;
    Path small;
    Path src;

    @BeforeEach
    void setUp() throws Exception {
        ExternalTool.require("cpio", "cpio");
        small = tmp.resolve("small");
        Files.createDirectories(small);
        src = tmp.resolve("src");
        TestTrees.populate(src, ExternalTool.isRoot());
        // 3 MiB that does not compress: neither the tree nor its image fit in 1 MiB
        byte[] big = new byte[3 << 20];
        new Random(3).nextBytes(big);
        Files.write(src.resolve("usr/lib/mod/huge.bin"), big);
    }

    @AfterEach
    void unmount() throws Exception {
        if (ExternalTool.isRoot() && Files.exists(small)) {
            TestTrees.run("sh", "-c", "mountpoint -q " + small + " && umount " + small + " || true");
        }
    }

    private boolean mountSmall() throws Exception {
        if (!ExternalTool.isRoot()) {
            return false; // mounting a tmpfs needs root; CI runs as root
        }
        TestTrees.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString());
        return true;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void buildOnAFullDiskFailsClearlyAndKeepsThePreviousImage() throws Exception {
        if (!mountSmall()) {
            return;
        }
        ImageStore store = new ImageStore(tmp.resolve("chroots"), small,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        store.importImage(Sources.open(src.toString(), Sources.PullOptions.none()), "big", false);
        // the image served so far
        Files.writeString(store.imageFile("big"), "previous img");
        Files.writeString(store.compressedFile("big"), "previous img.gz");
        IOException e = assertThrows(IOException.class, () -> store.build("big", true));
        assertTrue(String.valueOf(e.getMessage()).contains("No space left on device"), String.valueOf(e));
        assertEquals("previous img", Files.readString(store.imageFile("big")));
        assertEquals("previous img.gz", Files.readString(store.compressedFile("big")));
        assertEquals(List.of("big.img", "big.img.gz"), names(small), "no temporary file left");
    }

    @Test
    void importOnAFullDiskFailsClearlyAndLeavesNothing() throws Exception {
        if (!mountSmall()) {
            return;
        }
        Path chroots = small.resolve("chroots");
        ImageStore store = new ImageStore(chroots, tmp.resolve("provision"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Path keepSrc = tmp.resolve("keep-src");
        Files.createDirectories(keepSrc.resolve("etc"));
        Files.createDirectories(keepSrc.resolve("bin"));
        Files.writeString(keepSrc.resolve("etc/hostname"), "keep\n");
        Files.writeString(keepSrc.resolve("bin/sh"), "#!/bin/true\n");
        store.importImage(Sources.open(keepSrc.toString(), Sources.PullOptions.none()), "keep", false);
        Map<String, String> keep = TreeSnapshot.of(store.rootfs("keep"), false);
        Path tar = tmp.resolve("big.tar.gz");
        TestTrees.run("tar", "--numeric-owner", "-C", src.toString(), "-czpf", tar.toString(), ".");
        for (String source : new String[] {src.toString(), tar.toString()}) {
            IOException e = assertThrows(IOException.class,
                    () -> store.importImage(Sources.open(source, Sources.PullOptions.none()), "big", false));
            assertTrue(String.valueOf(e.getMessage()).contains("No space left on device"), source + ": " + e);
            assertFalse(store.exists("big"), "no partial image from " + source);
            assertEquals(List.of("keep"), names(chroots), "no temporary directory left by " + source);
        }
        // a failed --force re-import over an existing image keeps the old one
        IOException e = assertThrows(IOException.class,
                () -> store.importImage(Sources.open(tar.toString(), Sources.PullOptions.none()), "keep", true));
        assertTrue(String.valueOf(e.getMessage()).contains("No space left on device"), String.valueOf(e));
        assertEquals(keep, TreeSnapshot.of(store.rootfs("keep"), false));
        assertEquals(List.of("keep"), names(chroots));
    }
}
