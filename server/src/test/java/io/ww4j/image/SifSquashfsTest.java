package io.ww4j.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.archive.TestTrees;
import io.ww4j.archive.TreeSnapshot;
import io.ww4j.testing.ExternalTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIF files (written here from the published SIF layout) around squashfs made by mksquashfs, every compressor. */
class SifSquashfsTest {
    @TempDir
    Path tmp;
    Path src;
    ImageStore store;

    @BeforeEach
    void setUp() throws Exception {
        ExternalTool.require("mksquashfs", "squashfs-tools");
        ExternalTool.require("cpio", "cpio");
        src = tmp.resolve("src");
        TestTrees.populate(src, ExternalTool.isRoot());
        store = new ImageStore(tmp.resolve("chroots"), tmp.resolve("images"), new PrintStream(new ByteArrayOutputStream(), true));
    }

    private Path squash(String comp) throws Exception {
        Path sq = tmp.resolve("fs-" + comp + ".sqfs");
        // small block size so files span several blocks and the tail goes into a fragment
        TestTrees.run("mksquashfs", src.toString(), sq.toString(), "-comp", comp, "-b", "4096", "-noappend", "-quiet",
                "-no-progress");
        return sq;
    }

    /** A SIF file: 128-byte header, one 585-byte partition descriptor, the squashfs at 4096. */
    static Path sif(Path squashfs, Path out) throws Exception {
        byte[] fs = Files.readAllBytes(squashfs);
        long dataOff = 4096;
        ByteBuffer b = ByteBuffer.allocate((int) (dataOff + fs.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.put("#!/usr/bin/env run-singularity\n".getBytes(StandardCharsets.US_ASCII));
        b.position(32).put("SIF_MAGIC\0".getBytes(StandardCharsets.US_ASCII));
        b.position(42).put("01\0".getBytes(StandardCharsets.US_ASCII)).put("2\0\0".getBytes(StandardCharsets.US_ASCII));
        b.putLong(64, 1_700_000_000L).putLong(72, 1_700_000_000L).putLong(80, 0).putLong(88, 1)
                .putLong(96, 128).putLong(104, 585).putLong(112, dataOff).putLong(120, fs.length);
        int d = 128;
        b.putInt(d, 0x4004).put(d + 4, (byte) 1).putInt(d + 5, 1).putInt(d + 9, 0x4000001).putInt(d + 13, 0)
                .putLong(d + 17, dataOff).putLong(d + 25, fs.length).putLong(d + 33, fs.length);
        b.position(d + 73).put("rootfs".getBytes(StandardCharsets.US_ASCII));
        b.putInt(d + 201, 1).putInt(d + 205, 2); // squashfs, primary system partition
        b.position((int) dataOff).put(fs);
        Files.write(out, b.array());
        return out;
    }

    @Test
    void sifWithEveryCompressorRoundTrips() throws Exception {
        for (String comp : new String[] {"gzip", "xz", "zstd", "lz4"}) {
            Path s = sif(squash(comp), tmp.resolve("img-" + comp + ".sif"));
            String name = "sif-" + comp;
            store.importImage(Sources.open(s.toString(), Sources.PullOptions.none()), name, false);
            assertEquals(TreeSnapshot.of(src, false), TreeSnapshot.of(store.rootfs(name), false), comp);
            store.build(name, true);
            Path dst = tmp.resolve("out-" + comp);
            Files.createDirectories(dst);
            TestTrees.sh("cd " + dst + " && gzip -dc " + store.compressedFile(name) + " | cpio -idm --quiet");
            assertEquals(TreeSnapshot.of(src, false, false), TreeSnapshot.of(dst, false, false), comp);
        }
        // a bare squashfs file imports too
        store.importImage(Sources.open(squash("gzip").toString(), Sources.PullOptions.none()), "bare", false);
        assertEquals(TreeSnapshot.of(src, false), TreeSnapshot.of(store.rootfs("bare"), false));
    }

    @Test
    void corruptSifAndSquashfsAreRefused() throws Exception {
        Path good = sif(squash("gzip"), tmp.resolve("good.sif"));
        byte[] b = Files.readAllBytes(good);
        // descriptor table pointing past the end
        byte[] badDesc = b.clone();
        ByteBuffer.wrap(badDesc).order(ByteOrder.LITTLE_ENDIAN).putLong(96, 1L << 40);
        Path p1 = tmp.resolve("baddesc.sif");
        Files.write(p1, badDesc);
        assertTrue(assertThrows(ImageException.class, () -> Sources.open(p1.toString(), Sources.PullOptions.none()))
                .getMessage().contains("corrupt SIF"));
        // squashfs garbled in its tables: flip bytes after the superblock
        for (int trial = 0; trial < 3; trial++) {
            byte[] bad = b.clone();
            java.util.Random r = new java.util.Random(trial);
            for (int i = 0; i < 200; i++) {
                int at = 4096 + 96 + r.nextInt(b.length - 4096 - 96);
                bad[at] ^= (byte) (1 + r.nextInt(255));
            }
            Path p = tmp.resolve("garbled" + trial + ".sif");
            Files.write(p, bad);
            try {
                store.importImage(Sources.open(p.toString(), Sources.PullOptions.none()), "garbled", false);
                // a flip may land in padding only; then the import is legitimately fine
                RootfsWriter.deleteRecursive(store.imageRoot("garbled"));
            } catch (ImageException e) {
                assertFalse(store.exists("garbled"));
            }
        }
        // truncated squashfs
        ImageException e = assertThrows(ImageException.class, () -> {
            Path c2 = tmp.resolve("cut2.sqfs");
            Files.write(c2, java.util.Arrays.copyOfRange(b, 4096, 4096 + 300));
            store.importImage(Sources.open(c2.toString(), Sources.PullOptions.none()), "cut", false);
        });
        assertTrue(e.getMessage().contains("squashfs"), e.getMessage());
        assertFalse(store.exists("cut"));
    }
}
