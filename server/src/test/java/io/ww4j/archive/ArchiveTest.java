package io.ww4j.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.testing.ExternalTool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveTest {
    @TempDir
    Path tmp;

    private static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        Random r = new Random(seed);
        // half random, half repetitive text, so both stored-ish and well-compressed blocks occur
        for (int i = 0; i < n; i++) {
            b[i] = (i / 50000) % 2 == 0 ? (byte) r.nextInt() : (byte) ("abcabcxyz".charAt(i % 9));
        }
        return b;
    }

    /** Both deflate implementations; on Java 22+ (the tests grant native access) the system zlib must be usable. */
    private static List<Boolean> engines() {
        if (Runtime.version().feature() >= 22) {
            assertNull(NativeZlib.unavailable(), "system zlib through the foreign function API");
            assertTrue(ParallelGzipOutputStream.implementation().startsWith("system zlib 1."),
                    ParallelGzipOutputStream.implementation());
            return List.of(true, false);
        }
        return List.of(false);
    }

    @Test
    void parallelGzipIsOneStandardStreamForEverySize() throws Exception {
        for (boolean nativeZlib : engines()) {
            oneStandardStreamForEverySize(nativeZlib);
        }
    }

    private void oneStandardStreamForEverySize(boolean nativeZlib) throws Exception {
        int block = 32 * 1024;
        for (int n : new int[] {0, 1, block - 1, block, block + 1, 3 * block + 5, 400_000}) {
            byte[] in = data(n, n);
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(bo, null, 6, 3, block, nativeZlib)) {
                assertEquals(nativeZlib, gz.usesNativeZlib());
                // odd write sizes cross block boundaries
                int off = 0;
                int step = 7;
                while (off < n) {
                    int c = Math.min(step, n - off);
                    gz.write(in, off, c);
                    off += c;
                    step = step * 3 % 70001 + 1;
                }
            }
            byte[] gz = bo.toByteArray();
            try (GZIPInputStream gi = new GZIPInputStream(new ByteArrayInputStream(gz))) {
                assertArrayEquals(in, gi.readAllBytes(), "size " + n);
            }
            // exactly one member: gzip -l style check: header once, and gzip(1) agrees
            Path f = tmp.resolve("x" + n + ".gz");
            Files.write(f, gz);
            Process p = new ProcessBuilder("gzip", "-dc", f.toString()).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertEquals(0, p.waitFor(), "gzip -t of size " + n);
            assertArrayEquals(in, out);
            assertEquals(0x1f, gz[0] & 0xff);
            long crc = (gz[gz.length - 8] & 0xffL) | (gz[gz.length - 7] & 0xffL) << 8
                    | (gz[gz.length - 6] & 0xffL) << 16 | (gz[gz.length - 5] & 0xffL) << 24;
            CRC32 c = new CRC32();
            c.update(in);
            assertEquals(c.getValue(), crc);
        }
    }

    @Test
    void parallelGzipAlsoWritesTheRawCopyInOrder() throws Exception {
        byte[] in = data(1_000_003, 11);
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (OutputStream gz = new ParallelGzipOutputStream(bo, raw, 6, 3, 32 * 1024)) {
            for (int off = 0; off < in.length; off += 9999) {
                gz.write(in, off, Math.min(9999, in.length - off));
            }
        }
        assertArrayEquals(in, raw.toByteArray());
        try (GZIPInputStream gi = new GZIPInputStream(new ByteArrayInputStream(bo.toByteArray()))) {
            assertArrayEquals(in, gi.readAllBytes());
        }
    }

    @Test
    void parallelGzipReportsAWriteFailureInsteadOfHanging() throws Exception {
        // an output that fails after 100 KB, like a full disk
        OutputStream failing = new OutputStream() {
            long n;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                n += len;
                if (n > 100_000) {
                    throw new IOException("No space left on device");
                }
            }
        };
        byte[] in = data(4_000_000, 12);
        IOException e = assertThrows(IOException.class, () -> {
            try (OutputStream gz = new ParallelGzipOutputStream(failing, 6, 2, 32 * 1024)) {
                for (int off = 0; off < in.length; off += 65536) {
                    gz.write(in, off, Math.min(65536, in.length - off));
                }
            }
        });
        assertTrue(e.getMessage().contains("No space left"), e.getMessage());
    }

    @Test
    void dictionaryPrimingKeepsRatioCloseToSingleStream() throws Exception {
        // a repeating 20 KiB pattern: without the 32 KiB dictionary every block restarts cold
        byte[] unit = data(20 * 1024, 7);
        byte[] in = new byte[2 * 1024 * 1024];
        for (int i = 0; i < in.length; i++) {
            in[i] = unit[i % unit.length];
        }
        for (boolean nativeZlib : engines()) {
            primedRatio(in, nativeZlib);
        }
    }

    private void primedRatio(byte[] in, boolean nativeZlib) throws Exception {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (OutputStream gz = new ParallelGzipOutputStream(bo, null, 6, 2, 32 * 1024, nativeZlib)) {
            gz.write(in);
        }
        try (GZIPInputStream gi = new GZIPInputStream(new ByteArrayInputStream(bo.toByteArray()))) {
            assertArrayEquals(in, gi.readAllBytes());
        }
        ByteArrayOutputStream single = new ByteArrayOutputStream();
        try (OutputStream gz = new java.util.zip.GZIPOutputStream(single)) {
            gz.write(in);
        }
        assertTrue(bo.size() < single.size() * 3, bo.size() + " vs " + single.size());
        assertTrue(bo.size() < 64 * 1024, "primed blocks should compress the repeats: " + bo.size());
    }

    @Test
    void crcCombineMatchesCrcOfConcatenation() {
        byte[] a = data(1000, 1);
        byte[] b = data(77777, 2);
        CRC32 ca = new CRC32();
        ca.update(a);
        CRC32 cb = new CRC32();
        cb.update(b);
        CRC32 cab = new CRC32();
        cab.update(a);
        cab.update(b);
        assertEquals(cab.getValue(), ParallelGzipOutputStream.crc32Combine(ca.getValue(), cb.getValue(), b.length));
        assertEquals(ca.getValue(), ParallelGzipOutputStream.crc32Combine(ca.getValue(), 0, 0));
    }

    @Test
    void cpioWriterAndReaderAgree() throws Exception {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(bo)) {
            w.putEntry(CpioEntry.directory("etc", 0755, 0, 0, 1000));
            w.putEntry(CpioEntry.file("etc/a", 0640, 12, 34, 2000, 5), "hello".getBytes(StandardCharsets.US_ASCII));
            w.putEntry(CpioEntry.symlink("etc/l", 0, 0, 3000, 1), "a".getBytes(StandardCharsets.US_ASCII));
            w.putEntry(CpioEntry.file("etc/é", 0600, 0, 0, 0, 0));
        }
        assertEquals(0, bo.size() % 4);
        CpioReader r = new CpioReader(new ByteArrayInputStream(bo.toByteArray()));
        List<String> seen = new ArrayList<>();
        CpioEntry e;
        while ((e = r.next()) != null) {
            seen.add(e.name() + ":" + Integer.toOctalString(e.mode()) + ":" + e.uid() + ":" + e.gid() + ":" + e.mtime()
                    + ":" + new String(r.readData(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of("etc:40755:0:0:1000:", "etc/a:100640:12:34:2000:hello", "etc/l:120777:0:0:3000:a",
                "etc/é:100600:0:0:0:"), seen);
        // truncated archive -> clear error
        byte[] cut = java.util.Arrays.copyOf(bo.toByteArray(), 200);
        CpioReader bad = new CpioReader(new ByteArrayInputStream(cut));
        assertThrows(IOException.class, () -> {
            while (bad.next() != null) {
                bad.readData();
            }
        });
    }

    @Test
    void cpioTreeRoundTripsThroughGnuCpio() throws Exception {
        ExternalTool.require("cpio", "cpio");
        Path src = tmp.resolve("src");
        TestTrees.populate(src, ExternalTool.isRoot());
        Files.createDirectories(src.resolve("var/cache/skipme"));
        Files.writeString(src.resolve("var/cache/skipme/x"), "x");
        Path img = tmp.resolve("out/test.img.gz");
        CpioTree tree = CpioTree.scan(src, rel -> GoGlob.match("var/cache/*", rel));
        long[] progress = {0};
        try (AtomicFile f = AtomicFile.create(img, AtomicFile.RW_R_R)) {
            try (CpioWriter w = new CpioWriter(new ParallelGzipOutputStream(f.stream(), 6, 2, 64 * 1024))) {
                tree.writeTo(w, n -> progress[0] += n);
            }
            assertFalse(Files.exists(img), "not visible before commit");
            f.commit();
        }
        assertEquals(tree.dataBytes(), progress[0]);
        Path dst = tmp.resolve("dst");
        Files.createDirectories(dst);
        TestTrees.sh("cd " + dst + " && gzip -dc " + img + " | cpio -idm --quiet --no-absolute-filenames");
        // the excluded subtree is gone; everything else is identical
        Files.delete(src.resolve("var/cache/skipme/x"));
        Files.delete(src.resolve("var/cache/skipme"));
        Map<Long, Long> unused = Map.of();
        Map<String, String> want = TreeSnapshot.of(src, false, false);
        Map<String, String> got = TreeSnapshot.of(dst, false, false);
        assertEquals(want, got);
        Map<String, Long> dirTimes = TreeSnapshot.dirMtimes(src);
        dirTimes.remove("var/cache"); // its mtime changed when skipme was deleted above
        Map<String, Long> archived = TreeSnapshot.dirMtimesInArchive(img);
        archived.remove("var/cache");
        assertEquals(dirTimes, archived);
        assertTrue(got.get("bin/hard3.txt").contains("link="), got.get("bin/hard3.txt"));
        try (Stream<Path> s = Files.list(tmp.resolve("out"))) {
            assertEquals(List.of(img), s.toList(), "no temp file left");
        }
    }

    @Test
    void atomicFileAbortLeavesTargetAlone() throws Exception {
        Path t = tmp.resolve("f");
        AtomicFile.write(t, "old".getBytes(StandardCharsets.US_ASCII), AtomicFile.RW_______);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(t)));
        try (AtomicFile f = AtomicFile.create(t, AtomicFile.RW_R_R)) {
            f.stream().write("new, half".getBytes(StandardCharsets.US_ASCII));
            // no commit: simulated failure
        }
        assertEquals("old", Files.readString(t));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void fullDiskGivesErrorAndNoPartialFile() throws Exception {
        if (!ExternalTool.isRoot()) {
            return;
        }
        Path mnt = tmp.resolve("small");
        Files.createDirectories(mnt);
        TestTrees.run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt.toString());
        try {
            Path t = mnt.resolve("image.img");
            IOException e = assertThrows(IOException.class, () -> {
                try (AtomicFile f = AtomicFile.create(t, AtomicFile.RW_R_R)) {
                    f.stream().write(new byte[1024 * 1024]);
                    f.commit();
                }
            });
            assertTrue(e.getMessage() != null && e.getMessage().contains("space"), e.toString());
            try (Stream<Path> s = Files.list(mnt)) {
                assertEquals(0, s.count());
            }
        } finally {
            TestTrees.run("umount", mnt.toString());
        }
    }

    @Test
    void goGlobFollowsFilepathMatch() {
        assertTrue(GoGlob.match("boot", "boot"));
        assertFalse(GoGlob.match("boot", "boot/x"));
        assertTrue(GoGlob.match("var/cache/*", "var/cache/apt"));
        assertFalse(GoGlob.match("var/cache/*", "var/cache/apt/x"));
        assertFalse(GoGlob.match("*", "a/b"));
        assertTrue(GoGlob.match("a?c", "abc"));
        assertFalse(GoGlob.match("a?c", "a/c"));
        assertTrue(GoGlob.match("[a-c]x", "bx"));
        assertFalse(GoGlob.match("[^a-c]x", "bx"));
        assertTrue(GoGlob.match("[^a-c]x", "dx"));
        assertTrue(GoGlob.match("a\\*b", "a*b"));
        assertFalse(GoGlob.match("a\\*b", "axb"));
        assertFalse(GoGlob.match("[", "["));
        assertFalse(GoGlob.match("a[", "a"));
        assertTrue(GoGlob.match("usr/*/*.so", "usr/lib/libc.so"));
        assertNull(null);
    }
}
