package io.ww4j.image;

import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A squashfs 4.0 filesystem read natively (no unsquashfs, no mount): superblock, id and
 * fragment tables, inode and directory tables, data blocks and fragments; gzip, xz, lzma, lz4
 * and zstd compression. The filesystem may sit at an offset inside a larger file (SIF).
 * Every offset and size is bounds-checked: a corrupt image gives an ImageException.
 */
final class SquashfsSource implements Sources.Source {
    private static final int META = 8192;

    private final Path file;
    private final long base;
    private final long length;
    private final String what;

    SquashfsSource(Path file, long base, long length, String what) {
        this.file = file;
        this.base = base;
        this.length = length;
        this.what = what;
    }

    @Override
    public String describe() {
        return what;
    }

    @Override
    public long sizeHint() {
        return length;
    }

    @Override
    public void extract(RootfsWriter w, Progress progress) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            new Reader(ch, w, progress).run();
        } catch (ImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageException("corrupt squashfs in " + what + ": " + e, e);
        }
    }

    private final class Reader {
        final FileChannel ch;
        final RootfsWriter w;
        final Progress progress;
        int blockSize;
        int compression;
        int flags;
        long inodeTable;
        long dirTable;
        long[] ids;
        long[][] fragments; // {start, size}
        private int cachedFragment = -1;
        private byte[] cachedFragmentData;
        final Map<Long, byte[][]> metaCache = new HashMap<>();
        final Map<Long, String> seenInodes = new HashMap<>();
        final Set<Long> dirsOnPath = new HashSet<>();

        Reader(FileChannel ch, RootfsWriter w, Progress progress) {
            this.ch = ch;
            this.w = w;
            this.progress = progress;
        }

        void run() throws IOException {
            ByteBuffer sb = read(0, 96);
            if (sb.getInt(0) != 0x73717368) {
                throw bad("bad magic");
            }
            blockSize = sb.getInt(12);
            int blockLog = sb.getShort(22) & 0xffff;
            if (blockSize < 4096 || blockSize > (1 << 20) || (1 << blockLog) != blockSize) {
                throw bad("bad block size " + blockSize);
            }
            compression = sb.getShort(20) & 0xffff;
            flags = sb.getShort(24) & 0xffff;
            int idCount = sb.getShort(26) & 0xffff;
            if ((sb.getShort(28) & 0xffff) != 4) {
                throw bad("unsupported squashfs version " + (sb.getShort(28) & 0xffff));
            }
            long rootRef = sb.getLong(32);
            long idTable = sb.getLong(48);
            inodeTable = sb.getLong(64);
            dirTable = sb.getLong(72);
            long fragTable = sb.getLong(80);
            int fragCount = sb.getInt(16);
            if (compression == 3) {
                throw new ImageException(what + ": squashfs with LZO compression is not supported (use gzip, xz, lz4 or zstd)");
            }
            ids = new long[idCount];
            byte[] idBytes = table(idTable, idCount * 4L);
            ByteBuffer ib = ByteBuffer.wrap(idBytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < idCount; i++) {
                ids[i] = ib.getInt(i * 4) & 0xffffffffL;
            }
            fragments = new long[fragCount][];
            if (fragCount > 0 && fragTable != -1L) {
                ByteBuffer fb = ByteBuffer.wrap(table(fragTable, fragCount * 16L)).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < fragCount; i++) {
                    fragments[i] = new long[] {fb.getLong(i * 16), fb.getInt(i * 16 + 8) & 0xffffffffL};
                }
            }
            walk(rootRef, "", 0);
        }

        ImageException bad(String msg) {
            return new ImageException("corrupt squashfs in " + what + ": " + msg);
        }

        ByteBuffer read(long pos, int len) throws IOException {
            if (pos < 0 || len < 0 || pos + len > length) {
                throw bad("read outside the filesystem (offset " + pos + ", " + len + " bytes)");
            }
            ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                if (ch.read(b, base + pos + b.position()) < 0) {
                    throw bad("file truncated");
                }
            }
            return b.flip();
        }

        /** A lookup table: u64 pointers to metadata blocks, then the entries themselves. */
        byte[] table(long start, long bytes) throws IOException {
            int blocks = (int) ((bytes + META - 1) / META);
            ByteBuffer ptrs = read(start, blocks * 8);
            byte[] out = new byte[(int) bytes];
            int off = 0;
            for (int i = 0; i < blocks; i++) {
                byte[] m = meta(ptrs.getLong(i * 8))[0];
                int n = Math.min(m.length, out.length - off);
                System.arraycopy(m, 0, out, off, n);
                off += n;
            }
            if (off < out.length) {
                throw bad("short lookup table");
            }
            return out;
        }

        /** The metadata block at an absolute position: {data, next position as 8 bytes}. */
        byte[][] meta(long pos) throws IOException {
            byte[][] cached = metaCache.get(pos);
            if (cached != null) {
                return cached;
            }
            int h = read(pos, 2).getShort(0) & 0xffff;
            int size = h & 0x7fff;
            byte[] raw = new byte[size];
            read(pos + 2, size).get(raw);
            byte[] data = (h & 0x8000) != 0 ? raw : decompress(raw, META);
            byte[][] r = {data, ByteBuffer.allocate(8).putLong(pos + 2 + size).array()};
            if (metaCache.size() > 4096) {
                metaCache.clear();
            }
            metaCache.put(pos, r);
            return r;
        }

        /** Reads {@code len} bytes of metadata starting at block {@code blockPos}, offset {@code off}. */
        final class MetaStream {
            long block;
            int off;
            byte[] cur;

            MetaStream(long block, int off) throws IOException {
                this.block = block;
                this.off = off;
                this.cur = meta(block)[0];
                if (off > cur.length) {
                    throw bad("metadata offset out of range");
                }
            }

            byte[] bytes(int n) throws IOException {
                byte[] out = new byte[n];
                int got = 0;
                while (got < n) {
                    if (off == cur.length) {
                        block = ByteBuffer.wrap(meta(block)[1]).getLong();
                        cur = meta(block)[0];
                        off = 0;
                        if (cur.length == 0) {
                            throw bad("empty metadata block");
                        }
                    }
                    int c = Math.min(n - got, cur.length - off);
                    System.arraycopy(cur, off, out, got, c);
                    got += c;
                    off += c;
                }
                return out;
            }

            ByteBuffer buf(int n) throws IOException {
                return ByteBuffer.wrap(bytes(n)).order(ByteOrder.LITTLE_ENDIAN);
            }
        }

        byte[] decompress(byte[] in, int max) throws IOException {
            try {
                switch (compression) {
                    case 1 -> {
                        Inflater inf = new Inflater();
                        try {
                            inf.setInput(in);
                            byte[] out = new byte[max];
                            int n = 0;
                            while (!inf.finished() && n < max) {
                                int r = inf.inflate(out, n, max - n);
                                if (r == 0 && (inf.needsInput() || inf.needsDictionary())) {
                                    throw bad("truncated zlib block");
                                }
                                n += r;
                            }
                            return java.util.Arrays.copyOf(out, n);
                        } finally {
                            inf.end();
                        }
                    }
                    case 2 -> {
                        try (InputStream s = new LZMAInputStream(new ByteArrayInputStream(in))) {
                            return s.readNBytes(max);
                        }
                    }
                    case 4 -> {
                        try (InputStream s = new XZInputStream(new ByteArrayInputStream(in))) {
                            return s.readNBytes(max);
                        }
                    }
                    case 5 -> {
                        byte[] out = new byte[max];
                        int n = new Lz4Decompressor().decompress(in, 0, in.length, out, 0, max);
                        return java.util.Arrays.copyOf(out, n);
                    }
                    case 6 -> {
                        byte[] out = new byte[max];
                        int n = new ZstdDecompressor().decompress(in, 0, in.length, out, 0, max);
                        return java.util.Arrays.copyOf(out, n);
                    }
                    default -> throw bad("unknown compression id " + compression);
                }
            } catch (DataFormatException e) {
                throw bad("bad compressed block: " + e.getMessage());
            }
        }

        long id(int idx) throws ImageException {
            if (idx >= ids.length) {
                throw bad("uid/gid index " + idx + " out of range");
            }
            return ids[idx];
        }

        void walk(long ref, String path, int depth) throws IOException {
            if (depth > 256) {
                throw bad("directory nesting too deep");
            }
            MetaStream in = new MetaStream(inodeTable + (ref >>> 16), (int) (ref & 0xffff));
            ByteBuffer h = in.buf(16);
            int type = h.getShort(0) & 0xffff;
            int perm = h.getShort(2) & 0xfff;
            long uid = id(h.getShort(4) & 0xffff);
            long gid = id(h.getShort(6) & 0xffff);
            long mtime = (h.getInt(8) & 0xffffffffL) * 1000L;
            long ino = h.getInt(12) & 0xffffffffL;
            String name = path.isEmpty() ? "." : path;
            if (type == 1 || type == 8) {
                long dirBlock;
                int dirOff;
                long size;
                if (type == 1) {
                    ByteBuffer b = in.buf(16);
                    dirBlock = b.getInt(0) & 0xffffffffL;
                    size = b.getShort(8) & 0xffff;
                    dirOff = b.getShort(10) & 0xffff;
                } else {
                    ByteBuffer b = in.buf(24);
                    size = b.getInt(4) & 0xffffffffL;
                    dirBlock = b.getInt(8) & 0xffffffffL;
                    dirOff = b.getShort(18) & 0xffff;
                }
                if (!dirsOnPath.add(ino)) {
                    throw bad("directory loop at " + name);
                }
                w.apply(TreeEntry.of(name, TreeEntry.Type.DIR, perm, uid, gid, mtime), null);
                listDir(dirBlock, dirOff, size, path, depth);
                dirsOnPath.remove(ino);
                return;
            }
            String first = seenInodes.get(ino);
            if (first != null) {
                w.apply(new TreeEntry(name, TreeEntry.Type.HARDLINK, perm, uid, gid, mtime, 0, first, 0, 0), null);
                return;
            }
            seenInodes.put(ino, name);
            switch (type) {
                case 2, 9 -> file(in, type, name, perm, uid, gid, mtime);
                case 3, 10 -> {
                    ByteBuffer b = in.buf(8);
                    int len = b.getInt(4);
                    if (len < 0 || len > 65536) {
                        throw bad("bad symlink length at " + name);
                    }
                    String target = new String(in.bytes(len), StandardCharsets.UTF_8);
                    w.apply(new TreeEntry(name, TreeEntry.Type.SYMLINK, perm, uid, gid, mtime, 0, target, 0, 0), null);
                }
                case 4, 5, 11, 12 -> {
                    ByteBuffer b = in.buf(8);
                    long dev = b.getInt(4) & 0xffffffffL;
                    int major = (int) ((dev >>> 8) & 0xfff);
                    int minor = (int) ((dev & 0xff) | ((dev >>> 12) & 0xfff00));
                    TreeEntry.Type t = type == 4 || type == 11 ? TreeEntry.Type.BLOCK : TreeEntry.Type.CHAR;
                    w.apply(new TreeEntry(name, t, perm, uid, gid, mtime, 0, null, major, minor), null);
                }
                case 6, 13 -> w.apply(TreeEntry.of(name, TreeEntry.Type.FIFO, perm, uid, gid, mtime), null);
                case 7, 14 -> { } // sockets are not recreated
                default -> throw bad("unknown inode type " + type + " at " + name);
            }
        }

        void listDir(long dirBlock, int off, long size, String path, int depth) throws IOException {
            if (size < 3) {
                return;
            }
            long left = size - 3;
            MetaStream in = new MetaStream(dirTable + dirBlock, off);
            while (left > 0) {
                ByteBuffer hdr = in.buf(12);
                left -= 12;
                int count = hdr.getInt(0) + 1;
                long start = hdr.getInt(4) & 0xffffffffL;
                if (count <= 0 || count > 256) {
                    throw bad("bad directory header in " + (path.isEmpty() ? "/" : path));
                }
                for (int i = 0; i < count; i++) {
                    ByteBuffer e = in.buf(8);
                    int inoOff = e.getShort(0) & 0xffff;
                    int nameLen = (e.getShort(6) & 0xffff) + 1;
                    String n = new String(in.bytes(nameLen), StandardCharsets.UTF_8);
                    left -= 8 + nameLen;
                    if (n.contains("/") || n.equals(".") || n.equals("..")) {
                        throw bad("bad name in directory: " + n);
                    }
                    walk((start << 16) | inoOff, path.isEmpty() ? n : path + "/" + n, depth + 1);
                }
            }
        }

        void file(MetaStream in, int type, String name, int perm, long uid, long gid, long mtime) throws IOException {
            long start;
            long size;
            long frag;
            long fragOff;
            if (type == 2) {
                ByteBuffer b = in.buf(16);
                start = b.getInt(0) & 0xffffffffL;
                frag = b.getInt(4) & 0xffffffffL;
                fragOff = b.getInt(8) & 0xffffffffL;
                size = b.getInt(12) & 0xffffffffL;
            } else {
                ByteBuffer b = in.buf(40);
                start = b.getLong(0);
                size = b.getLong(8);
                frag = b.getInt(28) & 0xffffffffL;
                fragOff = b.getInt(32) & 0xffffffffL;
            }
            if (size < 0 || size > length * 1024L + (1L << 32)) {
                throw bad("implausible file size at " + name);
            }
            boolean hasFrag = frag != 0xffffffffL;
            long nBlocks = hasFrag ? size / blockSize : (size + blockSize - 1) / blockSize;
            ByteBuffer sizes = in.buf((int) (nBlocks * 4));
            long fileSize = size;
            InputStream data = new InputStream() {
                long pos = start;
                int block;
                byte[] cur = new byte[0];
                int curOff;
                long left = fileSize;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left == 0) {
                        return -1;
                    }
                    if (curOff == cur.length) {
                        next();
                    }
                    int n = (int) Math.min(Math.min(len, cur.length - curOff), left);
                    System.arraycopy(cur, curOff, b, off, n);
                    curOff += n;
                    left -= n;
                    return n;
                }

                private void next() throws IOException {
                    curOff = 0;
                    if (block < nBlocks) {
                        long s = sizes.getInt(block * 4) & 0xffffffffL;
                        block++;
                        int want = (int) Math.min(blockSize, left);
                        if (s == 0) {
                            cur = new byte[want]; // sparse
                            return;
                        }
                        int csize = (int) (s & 0xffffff);
                        byte[] raw = new byte[csize];
                        read0(pos, raw);
                        pos += csize;
                        cur = (s & 0x1000000) != 0 ? raw : decompress(raw, blockSize);
                    } else if (hasFrag) {
                        if (frag >= fragments.length) {
                            throw bad("fragment index out of range at " + name);
                        }
                        byte[] fb = fragment((int) frag);
                        int n = (int) left;
                        if (fragOff + n > fb.length) {
                            throw bad("fragment too short at " + name);
                        }
                        cur = java.util.Arrays.copyOfRange(fb, (int) fragOff, (int) fragOff + n);
                    } else {
                        throw bad("file data ends early at " + name);
                    }
                    if (cur.length == 0) {
                        throw bad("empty data block at " + name);
                    }
                }
            };
            w.apply(new TreeEntry(name, TreeEntry.Type.FILE, perm, uid, gid, mtime, size, null, 0, 0),
                    new Sources.CountingInputStream(data, progress));
        }

        /**
         * A fragment block, decompressed. Small files share fragment blocks and come one after
         * another, so the last one is kept: without it every small file inflated a whole block.
         */
        byte[] fragment(int index) throws IOException {
            if (index != cachedFragment) {
                long[] f = fragments[index];
                byte[] raw = new byte[(int) (f[1] & 0xffffff)];
                read0(f[0], raw);
                cachedFragmentData = (f[1] & 0x1000000) != 0 ? raw : decompress(raw, blockSize);
                cachedFragment = index;
            }
            return cachedFragmentData;
        }

        void read0(long pos, byte[] into) throws IOException {
            read(pos, into.length).get(into);
        }
    }
}
