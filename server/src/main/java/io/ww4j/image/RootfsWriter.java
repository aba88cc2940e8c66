package io.ww4j.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Writes {@link TreeEntry}s into a rootfs directory and never outside it: names with {@code ..}
 * or a leading {@code /} are refused, nothing is written through a symlink (every parent is
 * checked with lstat), hard links must point inside. Owners, modes (setuid/sticky included)
 * and mtimes are applied; directory mtimes last. With {@code whiteouts} on, OCI whiteouts
 * ({@code .wh.name}, {@code .wh..wh..opq}) delete what earlier layers wrote.
 */
final class RootfsWriter {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path root;
    private final boolean whiteouts;
    private final LongConsumer progress;
    private final Map<String, Long> dirTimes = new HashMap<>();
    private final Set<String> thisLayer = new HashSet<>();
    private final byte[] buf = new byte[128 * 1024];

    RootfsWriter(Path root, boolean whiteouts, LongConsumer progress) {
        this.root = root;
        this.whiteouts = whiteouts;
        this.progress = progress;
    }

    /** Starts a new layer (opaque whiteouts only hide what earlier layers wrote). */
    void beginLayer() {
        thisLayer.clear();
    }

    /** Normalises an archive member name; "" means the root. Refuses escapes. */
    static String clean(String name) throws ImageException {
        if (name.startsWith("/")) {
            throw new ImageException("refusing absolute path in archive: " + name);
        }
        List<String> parts = new ArrayList<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new ImageException("refusing path traversal in archive: " + name);
            }
            if (c.indexOf('\0') >= 0) {
                throw new ImageException("refusing NUL in archive name: " + name);
            }
            parts.add(c);
        }
        return String.join("/", parts);
    }

    void apply(TreeEntry e, InputStream data) throws IOException {
        String rel = clean(e.name());
        if (rel.isEmpty()) {
            if (e.type() == TreeEntry.Type.DIR) {
                meta(root, e, true);
                dirTimes.put("", e.mtimeMillis());
            }
            return;
        }
        int slash = rel.lastIndexOf('/');
        String parentRel = slash < 0 ? "" : rel.substring(0, slash);
        String base = rel.substring(slash + 1);
        Path parent = ensureParents(parentRel, rel);
        if (whiteouts && base.startsWith(".wh.")) {
            if (base.equals(".wh..wh..opq")) {
                opaque(parent, parentRel);
            } else {
                String hidden = base.substring(4);
                if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
                    throw new ImageException("bad whiteout in archive: " + e.name());
                }
                deleteRecursive(parent.resolve(hidden));
            }
            return;
        }
        Path p = parent.resolve(base);
        BasicFileAttributes existing = lstat(p);
        if (existing != null && !(existing.isDirectory() && e.type() == TreeEntry.Type.DIR)) {
            deleteRecursive(p);
        }
        thisLayer.add(rel);
        switch (e.type()) {
            case DIR -> {
                if (existing == null || !existing.isDirectory()) {
                    Files.createDirectory(p);
                }
                meta(p, e, true);
                dirTimes.put(rel, e.mtimeMillis());
            }
            case FILE -> {
                try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    long left = e.size();
                    while (left > 0) {
                        int n = data.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            throw new ImageException("archive truncated in " + e.name());
                        }
                        out.write(buf, 0, n);
                        left -= n;
                        progress.accept(n);
                    }
                }
                meta(p, e, true);
            }
            case SYMLINK -> {
                Files.createSymbolicLink(p, Path.of(e.link()));
                meta(p, e, false);
            }
            case HARDLINK -> {
                String target = clean(e.link());
                if (target.isEmpty()) {
                    throw new ImageException("refusing hard link to the root: " + e.name());
                }
                int ts = target.lastIndexOf('/');
                Path tparent = ensureParentsNoCreate(ts < 0 ? "" : target.substring(0, ts), e.name());
                Path t = tparent.resolve(target.substring(ts + 1));
                BasicFileAttributes ta = lstat(t);
                if (ta == null || ta.isDirectory()) {
                    throw new ImageException("hard link " + e.name() + " points to " + e.link()
                            + ", which is not a file in the image");
                }
                Files.createLink(p, t);
            }
            case CHAR, BLOCK, FIFO -> {
                String mode = Integer.toOctalString(e.perm() & 07777);
                if (e.type() == TreeEntry.Type.FIFO) {
                    run("mkfifo", "-m", mode, p.toString());
                } else {
                    run("mknod", "-m", mode, p.toString(), e.type() == TreeEntry.Type.CHAR ? "c" : "b",
                            Integer.toString(e.devMajor()), Integer.toString(e.devMinor()));
                }
                // Java opens a file to change its times or mode; opening a FIFO blocks: use the tools
                run("chown", "-h", e.uid() + ":" + e.gid(), p.toString());
                run("chmod", mode, p.toString());
                run("touch", "-h", "-d", "@" + Math.floorDiv(e.mtimeMillis(), 1000L), p.toString());
            }
            case SOCKET -> { } // sockets are runtime objects; not recreated
        }
    }

    /** Applies directory mtimes (children change them while writing). */
    void finish() throws IOException {
        List<Map.Entry<String, Long>> dirs = new ArrayList<>(dirTimes.entrySet());
        dirs.sort((a, b) -> b.getKey().length() - a.getKey().length());
        for (Map.Entry<String, Long> d : dirs) {
            Path p = d.getKey().isEmpty() ? root : root.resolve(d.getKey());
            BasicFileAttributes a = lstat(p);
            if (a != null && a.isDirectory()) {
                Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW)
                        .setTimes(FileTime.fromMillis(d.getValue()), null, null);
            }
        }
    }

    private Path ensureParents(String parentRel, String forName) throws IOException {
        Path cur = root;
        if (parentRel.isEmpty()) {
            return cur;
        }
        for (String c : parentRel.split("/")) {
            cur = cur.resolve(c);
            BasicFileAttributes a = lstat(cur);
            if (a == null) {
                Files.createDirectory(cur);
            } else if (a.isSymbolicLink()) {
                throw new ImageException("refusing to write " + forName + " through the symlink "
                        + root.relativize(cur) + " (it would land outside the image)");
            } else if (!a.isDirectory()) {
                throw new ImageException("cannot write " + forName + ": " + root.relativize(cur) + " is not a directory");
            }
        }
        return cur;
    }

    private Path ensureParentsNoCreate(String parentRel, String forName) throws IOException {
        Path cur = root;
        if (parentRel.isEmpty()) {
            return cur;
        }
        for (String c : parentRel.split("/")) {
            cur = cur.resolve(c);
            BasicFileAttributes a = lstat(cur);
            if (a == null || a.isSymbolicLink() || !a.isDirectory()) {
                throw new ImageException("hard link " + forName + " points outside the image or to a missing file");
            }
        }
        return cur;
    }

    private void opaque(Path dir, String dirRel) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path c : ds) {
                String rel = dirRel.isEmpty() ? c.getFileName().toString() : dirRel + "/" + c.getFileName();
                if (!thisLayer.contains(rel)) {
                    deleteRecursive(c);
                }
            }
        }
    }

    private void meta(Path p, TreeEntry e, boolean chmod) throws IOException {
        try {
            Files.setAttribute(p, "unix:gid", (int) e.gid(), NOFOLLOW);
            Files.setAttribute(p, "unix:uid", (int) e.uid(), NOFOLLOW);
        } catch (FileSystemException ex) {
            if (ROOT) {
                throw ex;
            }
        }
        if (chmod) {
            Files.setAttribute(p, "unix:mode", e.perm() & 07777, NOFOLLOW);
        }
        if (e.type() != TreeEntry.Type.DIR) {
            Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW)
                    .setTimes(FileTime.fromMillis(e.mtimeMillis()), null, null);
        }
    }

    static BasicFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    static void deleteRecursive(Path p) throws IOException {
        BasicFileAttributes a = lstat(p);
        if (a == null) {
            return;
        }
        if (a.isDirectory()) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) {
                    deleteRecursive(c);
                }
            }
        }
        Files.delete(p);
    }

    private static void run(String... cmd) throws IOException {
        Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes());
        try {
            if (pr.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + ": " + out.trim());
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ie);
        }
    }
}
