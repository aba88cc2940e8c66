package io.ww4j.image;

import io.ww4j.archive.AtomicFile;
import io.ww4j.archive.CpioTree;
import io.ww4j.archive.CpioWriter;
import io.ww4j.archive.GoGlob;
import io.ww4j.archive.ParallelGzipOutputStream;
import io.ww4j.archive.Writeback;
import io.ww4j.config.WarewulfConf;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Images on disk, laid out as upstream does (datamodel-cli.md §5.1): the source tree in
 * {@code <chrootdir>/<name>/rootfs}, the built {@code <name>.img} and {@code <name>.img.gz} in
 * {@code <provisiondir>/images}. Imports land in a temporary directory and are renamed into
 * place only when complete; builds write both images through temp files and rename them.
 */
public final class ImageStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]+");

    private final Path chrootDir;
    private final Path imageDir;
    private final PrintStream out;

    public ImageStore(WarewulfConf conf, PrintStream out) {
        this(conf.chrootDir(), conf.imageDir(), out);
    }

    public ImageStore(Path chrootDir, Path imageDir, PrintStream out) {
        this.chrootDir = chrootDir;
        this.imageDir = imageDir;
        this.out = out;
    }

    public static void checkName(String name) throws ImageException {
        if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new ImageException("image name contains illegal characters: " + name);
        }
    }

    public Path imageRoot(String name) {
        return chrootDir.resolve(name);
    }

    public Path rootfs(String name) {
        return chrootDir.resolve(name).resolve("rootfs");
    }

    public Path imageFile(String name) {
        return imageDir.resolve(name + ".img");
    }

    public Path compressedFile(String name) {
        return imageDir.resolve(name + ".img.gz");
    }

    public boolean exists(String name) {
        return NAME.matcher(name).matches() && Files.isDirectory(rootfs(name));
    }

    /** Valid image names, sorted. Creates the chroot directory if missing (as upstream). */
    public List<String> list() throws IOException {
        Files.createDirectories(chrootDir);
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(chrootDir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") && NAME.matcher(n).matches() && Files.isDirectory(p.resolve("rootfs"))) {
                    names.add(n);
                }
            }
        }
        names.sort(null);
        return names;
    }

    public void requireExists(String name) throws ImageException {
        checkName(name);
        if (!exists(name)) {
            throw new ImageException("image does not exist: " + name);
        }
    }

    // ---------------------------------------------------------------- import

    /**
     * Imports {@code source} as {@code name}. Everything is written under a temporary directory
     * next to the chroots and renamed into place at the end; on any error it is removed and an
     * existing image is left as it was.
     */
    public void importImage(Sources.Source source, String name, boolean replace) throws IOException {
        checkName(name);
        if (exists(name) && !replace) {
            throw new ImageException("image name exists, specify --force, --update, or choose a different name");
        }
        Files.createDirectories(chrootDir);
        Path temp = chrootDir.resolve("." + name + ".import-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL));
        Path tempRoot = temp.resolve("rootfs");
        try {
            Files.createDirectories(tempRoot);
            Files.setAttribute(tempRoot, "unix:mode", 0755);
            RootfsWriter w = new RootfsWriter(tempRoot, true, n -> { });
            try (Progress p = Progress.start("Importing " + name, source.sizeHint())) {
                source.extract(w, p);
            }
            w.finish();
            Path target = imageRoot(name);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Path old = chrootDir.resolve("." + name + ".old-" + Long.toHexString(System.nanoTime()));
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                RootfsWriter.deleteRecursive(old);
            } else {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            RootfsWriter.deleteRecursive(temp);
        }
    }

    // ---------------------------------------------------------------- build

    /** Patterns from {@code rootfs/etc/warewulf/excludes}, '/' trimmed at both ends. */
    public List<String> excludes(String name) throws IOException {
        Path f = rootfs(name).resolve("etc/warewulf/excludes");
        List<String> out = new ArrayList<>();
        if (Files.isRegularFile(f)) {
            for (String line : Files.readAllLines(f)) {
                String p = line.trim();
                while (p.startsWith("/")) {
                    p = p.substring(1);
                }
                while (p.endsWith("/")) {
                    p = p.substring(0, p.length() - 1);
                }
                if (!p.isEmpty()) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** True when {@code .img} and {@code .img.gz} exist and nothing in rootfs changed since (ctime). */
    public boolean isCurrent(String name) throws IOException {
        Path img = imageFile(name);
        if (!Files.isRegularFile(img) || !Files.isRegularFile(compressedFile(name))) {
            return false;
        }
        long built = ((FileTime) Files.getAttribute(img, "unix:ctime")).toMillis();
        long[] newest = {0};
        Files.walkFileTree(rootfs(name), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                newest[0] = Math.max(newest[0], ctime(dir));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                newest[0] = Math.max(newest[0], ctime(file));
                return FileVisitResult.CONTINUE;
            }
        });
        return newest[0] < built;
    }

    private static long ctime(Path p) throws IOException {
        return ((FileTime) Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS)).toMillis();
    }

    /** Deflate threads: {@code -Dww4j.image.threads=N}, default one per core (as pigz). */
    static int compressThreads() {
        return Integer.getInteger("ww4j.image.threads", Runtime.getRuntime().availableProcessors());
    }

    /** Builds {@code <name>.img} and {@code <name>.img.gz} in one pass. Returns false if skipped as current. */
    public boolean build(String name, boolean force) throws IOException {
        requireExists(name);
        out.println("Building image: " + name);
        if (!force && isCurrent(name)) {
            out.println("Skipping (Image is current)");
            return false;
        }
        List<String> patterns = excludes(name);
        Predicate<String> exclude = rel -> {
            for (String p : patterns) {
                if (GoGlob.match(p, rel)) {
                    return true;
                }
            }
            return false;
        };
        CpioTree tree = CpioTree.scan(rootfs(name), exclude);
        Files.createDirectories(imageDir);
        try (AtomicFile img = AtomicFile.create(imageFile(name), AtomicFile.RW_R_R);
             AtomicFile gz = AtomicFile.create(compressedFile(name), AtomicFile.RW_R_R);
             Progress p = Progress.start("Building " + name, tree.dataBytes())) {
            // the gzip writer thread writes the same blocks to .img, uncompressed
            try (Writeback sync = new Writeback(img.channel(), gz.channel());
                 CpioWriter w = new CpioWriter(new ParallelGzipOutputStream(gz.stream(), img.stream(), 6,
                         compressThreads(), ParallelGzipOutputStream.DEFAULT_BLOCK))) {
                tree.writeTo(w, p);
            }
            img.commit();
            gz.commit();
        }
        out.println("Created image for Image " + name + ": " + imageFile(name));
        out.println("Compressed image for Image " + name + ": " + compressedFile(name));
        return true;
    }

    // ---------------------------------------------------------------- delete / copy / rename

    /** Removes the chroot and both images. Unlike upstream, a never-built image is not an error. */
    public void delete(String name) throws IOException {
        requireExists(name);
        Path trash = chrootDir.resolve("." + name + ".delete-" + Long.toHexString(System.nanoTime()));
        Files.move(imageRoot(name), trash, StandardCopyOption.ATOMIC_MOVE);
        RootfsWriter.deleteRecursive(trash);
        Files.deleteIfExists(imageFile(name));
        Files.deleteIfExists(compressedFile(name));
    }

    public void copy(String name, String newName) throws IOException {
        requireExists(name);
        checkName(newName);
        if (exists(newName)) {
            throw new ImageException("image already exists: " + newName);
        }
        importImage(Sources.directoryUnchecked(rootfs(name)), newName, false);
    }

    public void rename(String name, String newName) throws IOException {
        requireExists(name);
        checkName(newName);
        if (exists(newName) || Files.exists(imageRoot(newName), LinkOption.NOFOLLOW_LINKS)) {
            throw new ImageException("image already exists: " + newName);
        }
        Files.move(imageRoot(name), imageRoot(newName), StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(imageFile(name));
        Files.deleteIfExists(compressedFile(name));
    }

    /** Bytes of all regular files in the rootfs. */
    public long chrootSize(String name) throws IOException {
        long[] total = {0};
        Files.walkFileTree(rootfs(name), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }
}
