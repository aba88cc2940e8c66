package io.ww4j.image;

import io.airlift.compress.zstd.ZstdInputStream;
import io.ww4j.archive.CpioEntry;
import io.ww4j.archive.CpioTree;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/** Recognises an import source and turns it into {@link TreeEntry}s for a {@link RootfsWriter}. */
public final class Sources {
    private Sources() {}

    /** Something an image can be imported from. */
    public interface Source {
        String describe();

        /** Bytes the progress bar counts up to (0 if unknown). */
        long sizeHint();

        void extract(RootfsWriter w, Progress progress) throws IOException;
    }

    /** Options for registry pulls. */
    public record PullOptions(String username, String password, boolean noHttps, String platform, Path cacheDir) {
        public static PullOptions none() {
            return new PullOptions(null, null, false, null, null);
        }
    }

    public static Source open(String spec, PullOptions opts) throws IOException {
        if (spec.startsWith("docker://")) {
            return new RegistrySource(spec, opts);
        }
        String path = spec;
        for (String prefix : new String[] {"file://", "docker-archive:", "oci-archive:", "oci:", "sif:"}) {
            if (path.startsWith(prefix)) {
                path = path.substring(prefix.length());
            }
        }
        Path p = Path.of(path);
        if (Files.isDirectory(p)) {
            if (Files.isRegularFile(p.resolve("oci-layout"))) {
                return new OciSource(OciSource.Blobs.directory(p), p.toString(), opts);
            }
            return directory(p);
        }
        if (!Files.isRegularFile(p)) {
            throw new ImageException("import source not found: " + spec);
        }
        byte[] head = new byte[64];
        int n;
        try (InputStream in = Files.newInputStream(p)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 42 && new String(head, 32, 9, StandardCharsets.US_ASCII).equals("SIF_MAGIC")) {
            return new SifSource(p);
        }
        if (n >= 4 && head[0] == 'h' && head[1] == 's' && head[2] == 'q' && head[3] == 's') {
            return new SquashfsSource(p, 0, Files.size(p), p.toString());
        }
        if (compression(head, n) == null && n >= 1) {
            // an uncompressed tar: look inside for docker-save or OCI-archive markers
            try (TarFile tf = new TarFile(p.toFile())) {
                boolean oci = false;
                boolean docker = false;
                for (TarArchiveEntry e : tf.getEntries()) {
                    String name = RootfsWriter.clean(e.getName());
                    if (name.equals("oci-layout")) {
                        oci = true;
                    } else if (name.equals("manifest.json")) {
                        docker = true;
                    }
                }
                if (oci) {
                    return new OciSource(OciSource.Blobs.tar(p), p.toString(), opts);
                }
                if (docker) {
                    return new DockerArchiveSource(p);
                }
            } catch (ImageException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new ImageException("not an image archive (tar, docker-save, OCI or SIF): " + p + ": " + e.getMessage(), e);
            }
        }
        return tarball(p);
    }

    /** "gzip", "xz", "zstd", "bzip2" or null, from the magic bytes. */
    static String compression(byte[] h, int n) {
        if (n >= 2 && (h[0] & 0xff) == 0x1f && (h[1] & 0xff) == 0x8b) {
            return "gzip";
        }
        if (n >= 6 && (h[0] & 0xff) == 0xfd && h[1] == '7' && h[2] == 'z' && h[3] == 'X' && h[4] == 'Z' && h[5] == 0) {
            return "xz";
        }
        if (n >= 4 && (h[0] & 0xff) == 0x28 && (h[1] & 0xff) == 0xb5 && (h[2] & 0xff) == 0x2f && (h[3] & 0xff) == 0xfd) {
            return "zstd";
        }
        if (n >= 3 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h') {
            return "bzip2";
        }
        return null;
    }

    /** Wraps {@code in} in the decompressor its magic bytes name (or none). */
    static InputStream decompress(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(16);
        byte[] h = new byte[8];
        int n = in.readNBytes(h, 0, h.length);
        in.reset();
        String c = compression(h, n);
        if (c == null) {
            return in;
        }
        try {
            return switch (c) {
                case "gzip" -> new GzipCompressorInputStream(in, true);
                case "xz" -> new XZCompressorInputStream(in, true);
                case "zstd" -> new ZstdInputStream(in);
                case "bzip2" -> new BZip2CompressorInputStream(in, true);
                default -> in;
            };
        } catch (IOException | RuntimeException e) {
            throw new ImageException("corrupt " + c + " data in tar archive: " + e.getMessage(), e);
        }
    }

    /** A plain rootfs tarball (.tar, .tar.gz, .tar.xz, .tar.zst, .tar.bz2). */
    public static Source tarball(Path p) {
        return new Source() {
            @Override
            public String describe() {
                return p.toString();
            }

            @Override
            public long sizeHint() {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }

            @Override
            public void extract(RootfsWriter w, Progress progress) throws IOException {
                try (InputStream raw = new CountingInputStream(Files.newInputStream(p), progress)) {
                    applyTar(decompress(raw), w, p.toString());
                }
            }
        };
    }

    /** Applies one tar stream (a rootfs or a layer) to the writer. */
    static void applyTar(InputStream in, RootfsWriter w, String what) throws IOException {
        int count = 0;
        try {
            TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                count++;
                TreeEntry.Type type;
                if (e.isDirectory()) {
                    type = TreeEntry.Type.DIR;
                } else if (e.isSymbolicLink()) {
                    type = TreeEntry.Type.SYMLINK;
                } else if (e.isLink()) {
                    type = TreeEntry.Type.HARDLINK;
                } else if (e.isCharacterDevice()) {
                    type = TreeEntry.Type.CHAR;
                } else if (e.isBlockDevice()) {
                    type = TreeEntry.Type.BLOCK;
                } else if (e.isFIFO()) {
                    type = TreeEntry.Type.FIFO;
                } else if (e.isFile()) {
                    type = TreeEntry.Type.FILE;
                } else {
                    continue; // pax/global headers are consumed by commons-compress; others ignored
                }
                long mtime = e.getLastModifiedTime() == null ? 0 : e.getLastModifiedTime().toMillis();
                w.apply(new TreeEntry(e.getName(), type, e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(),
                        mtime, type == TreeEntry.Type.FILE ? e.getSize() : 0,
                        type == TreeEntry.Type.SYMLINK || type == TreeEntry.Type.HARDLINK ? e.getLinkName() : null,
                        e.getDevMajor(), e.getDevMinor()), tar);
            }
        } catch (ImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageException("corrupt or unreadable tar archive " + what + ": " + e.getMessage(), e);
        }
        if (count == 0) {
            throw new ImageException("empty or unrecognised tar archive: " + what);
        }
    }

    /** A chroot directory, copied with owners, modes, mtimes, hard links and device nodes. */
    public static Source directory(Path dir) throws IOException {
        if (!Files.exists(dir.resolve("bin/sh"), LinkOption.NOFOLLOW_LINKS)) {
            throw new ImageException("Source directory has no /bin/sh: " + dir);
        }
        return directoryUnchecked(dir);
    }

    /** A directory without the /bin/sh check (image copy). */
    static Source directoryUnchecked(Path dir) throws IOException {
        CpioTree tree = CpioTree.scan(dir, rel -> false);
        return new Source() {
            @Override
            public String describe() {
                return dir.toString();
            }

            @Override
            public long sizeHint() {
                return tree.dataBytes();
            }

            @Override
            public void extract(RootfsWriter w, Progress progress) throws IOException {
                Map<String, String> firstLink = new HashMap<>();
                for (CpioTree.Item it : tree.items()) {
                    int type = it.mode() & CpioEntry.S_IFMT;
                    int perm = it.mode() & 07777;
                    long mtime = it.mtime() * 1000;
                    String name = it.name();
                    if (type == CpioEntry.S_IFREG && it.linkKeyCount() > 1) {
                        String first = firstLink.putIfAbsent(it.dev() + ":" + it.ino(), name);
                        if (first != null) {
                            w.apply(new TreeEntry(name, TreeEntry.Type.HARDLINK, perm, it.uid(), it.gid(), mtime, 0,
                                    first, 0, 0), null);
                            continue;
                        }
                    }
                    int maj = (int) (((it.rdev() >>> 8) & 0xfff) | ((it.rdev() >>> 32) & ~0xfffL));
                    int min = (int) ((it.rdev() & 0xff) | ((it.rdev() >>> 12) & ~0xffL));
                    switch (type) {
                        case CpioEntry.S_IFDIR -> w.apply(TreeEntry.of(name, TreeEntry.Type.DIR, perm, it.uid(), it.gid(), mtime), null);
                        case CpioEntry.S_IFLNK -> w.apply(new TreeEntry(name, TreeEntry.Type.SYMLINK, perm, it.uid(), it.gid(),
                                mtime, 0, Files.readSymbolicLink(it.path()).toString(), 0, 0), null);
                        case CpioEntry.S_IFREG -> {
                            try (InputStream in = new CountingInputStream(
                                    Files.newInputStream(it.path(), LinkOption.NOFOLLOW_LINKS), progress)) {
                                w.apply(new TreeEntry(name, TreeEntry.Type.FILE, perm, it.uid(), it.gid(), mtime, it.size(),
                                        null, 0, 0), in);
                            }
                        }
                        case CpioEntry.S_IFCHR -> w.apply(new TreeEntry(name, TreeEntry.Type.CHAR, perm, it.uid(), it.gid(),
                                mtime, 0, null, maj, min), null);
                        case CpioEntry.S_IFBLK -> w.apply(new TreeEntry(name, TreeEntry.Type.BLOCK, perm, it.uid(), it.gid(),
                                mtime, 0, null, maj, min), null);
                        case CpioEntry.S_IFIFO -> w.apply(TreeEntry.of(name, TreeEntry.Type.FIFO, perm, it.uid(), it.gid(), mtime), null);
                        default -> { } // sockets are not copied
                    }
                }
            }
        };
    }

    /** Counts bytes read into the progress bar. */
    static final class CountingInputStream extends java.io.FilterInputStream {
        private final Progress progress;

        CountingInputStream(InputStream in, Progress progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                progress.accept(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                progress.accept(n);
            }
            return n;
        }
    }
}
