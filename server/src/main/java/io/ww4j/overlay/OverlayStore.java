package io.ww4j.overlay;

import io.ww4j.config.WarewulfConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The overlays on disk (spec/overlays.md §1.1-1.2): distribution overlays under
 * {@code <datadir>/warewulf/overlays}, site overlays under {@code <wwoverlaydir>}. A site overlay
 * shadows the whole distribution overlay of the same name. Changes always go to the site copy;
 * a distribution overlay is first cloned ({@link #cloneToSite}) and is never modified.
 *
 * <p>Git (and Maven's resource copy) keep no directory modes or owners, so a distribution
 * folder may carry a {@code MODES} file ({@code <overlay>/<path> <octal mode> [uid:gid]});
 * distribution entries take their mode from it, else from the file system, and are owned by
 * 0:0 unless it says otherwise. Site entries use their real mode and owner.
 */
public final class OverlayStore {
    /** Upstream's ValidateName pattern. */
    static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9\\-._:]+$");

    private final Path siteDir;
    private final Path distDir;
    private volatile Map<String, int[]> distModes;

    public OverlayStore(Path siteDir, Path distDir) {
        this.siteDir = siteDir.toAbsolutePath().normalize();
        this.distDir = distDir.toAbsolutePath().normalize();
    }

    public static OverlayStore of(WarewulfConf conf) {
        return new OverlayStore(conf.siteOverlayDir(), conf.distributionOverlayDir());
    }

    public Path siteDir() {
        return siteDir;
    }

    public Path distributionDir() {
        return distDir;
    }

    /** One overlay: its name, folder, and whether it is the site copy. */
    public record Overlay(String name, Path dir, boolean site) {
        /** {@code <dir>/rootfs}, or the folder itself for old overlays without one. */
        public Path rootfs() {
            Path r = dir.resolve("rootfs");
            return Files.isDirectory(r) ? r : dir;
        }
    }

    /** Refuses names upstream refuses, plus {@code .}/{@code ..} (which its pattern lets through). */
    public static String validateName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")
                || name.startsWith(".")) {
            throw new OverlayException("overlay name '" + name + "' contains illegal characters");
        }
        return name;
    }

    /** Union of site and distribution names, sorted, without dot names. */
    public List<String> list() {
        TreeSet<String> names = new TreeSet<>();
        for (Path dir : List.of(siteDir, distDir)) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    String n = p.getFileName().toString();
                    if (!n.startsWith(".") && Files.isDirectory(p) && NAME.matcher(n).matches()) {
                        names.add(n);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.copyOf(names);
    }

    public Optional<Overlay> find(String name) {
        validateName(name);
        Path site = siteDir.resolve(name);
        if (Files.isDirectory(site)) {
            return Optional.of(new Overlay(name, site, true));
        }
        Path dist = distDir.resolve(name);
        if (Files.isDirectory(dist)) {
            return Optional.of(new Overlay(name, dist, false));
        }
        return Optional.empty();
    }

    public Overlay get(String name) {
        return find(name).orElseThrow(() -> new OverlayException("overlay does not exist: " + name));
    }

    public boolean isDistribution(String name) {
        return Files.isDirectory(distDir.resolve(validateName(name)));
    }

    /** {@code wwctl overlay create}: an empty site overlay with {@code rootfs/} (0755). */
    public Overlay create(String name) {
        validateName(name);
        if (find(name).isPresent()) {
            throw new OverlayException("overlay already exists: " + name);
        }
        Path root = siteDir.resolve(name).resolve("rootfs");
        try {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new OverlayException("cannot create overlay " + name + ": " + e.getMessage(), e);
        }
        return new Overlay(name, siteDir.resolve(name), true);
    }

    /** Deletes a site overlay (with {@code force} even when not empty); distribution overlays stay. */
    public void delete(String name, boolean force) {
        Overlay o = get(name);
        if (!o.site()) {
            throw new OverlayException("distribution overlay " + name + " cannot be deleted");
        }
        try {
            if (!force && hasFiles(o.rootfs())) {
                throw new OverlayException("overlay " + name + " is not empty (use --force)");
            }
            deleteTree(o.dir());
        } catch (IOException e) {
            throw new OverlayException("cannot delete overlay " + name + ": " + e.getMessage(), e);
        }
    }

    /** Deletes one file (or, with {@code recursive}, a directory) inside an overlay. */
    public void deleteFile(String name, String path, boolean recursive) {
        Overlay o = cloneToSite(name);
        Path p = inside(o, path);
        try {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new OverlayException("file " + path + " does not exist in overlay " + name);
            }
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && recursive) {
                deleteTree(p);
            } else {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new OverlayException("cannot delete " + path + " in overlay " + name + ": " + e.getMessage(), e);
        }
    }

    /** The site copy of {@code name}, copying the distribution overlay (with its modes) first if needed. */
    public Overlay cloneToSite(String name) {
        Overlay o = get(name);
        if (o.site()) {
            return o;
        }
        Path target = siteDir.resolve(name);
        Path tmp = siteDir.resolve("." + name + ".clone-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(siteDir);
            deleteTree(tmp);
            for (Entry e : walkDir(o.dir(), o)) {
                Path dst = e.rel().isEmpty() ? tmp : tmp.resolve(e.rel());
                switch (e.kind()) {
                    case DIR -> Files.createDirectories(dst);
                    case LINK -> Files.createSymbolicLink(dst, Files.readSymbolicLink(e.path()));
                    default -> Files.copy(e.path(), dst, StandardCopyOption.COPY_ATTRIBUTES);
                }
                if (e.kind() != Kind.LINK) {
                    Files.setPosixFilePermissions(dst, perms(e.mode()));
                    chownIfRoot(dst, e.uid(), e.gid());
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // another writer cloned it first: use theirs
        } catch (IOException e) {
            throw new OverlayException("cannot copy distribution overlay " + name + " to the site: " + e.getMessage(), e);
        } finally {
            try {
                deleteTree(tmp);
            } catch (IOException ignored) {
                // best effort
            }
        }
        return new Overlay(name, target, true);
    }

    /** {@code overlay mkdir}: creates a directory (and parents) in the site copy. */
    public Path mkdir(String name, String path, int mode) {
        Overlay o = cloneToSite(name);
        Path p = inside(o, path);
        try {
            Files.createDirectories(p);
            Files.setPosixFilePermissions(p, perms(mode));
            return p;
        } catch (IOException e) {
            throw new OverlayException("cannot create " + path + " in overlay " + name + ": " + e.getMessage(), e);
        }
    }

    /** {@code overlay chmod}. */
    public void chmod(String name, String path, int mode) {
        Path p = existing(cloneToSite(name), path);
        try {
            Files.setPosixFilePermissions(p, perms(mode));
        } catch (IOException e) {
            throw new OverlayException("cannot chmod " + path + " in overlay " + name + ": " + e.getMessage(), e);
        }
    }

    /** {@code overlay chown}; gid < 0 keeps the group. */
    public void chown(String name, String path, int uid, int gid) {
        Path p = existing(cloneToSite(name), path);
        try {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            if (gid >= 0) {
                Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException e) {
            throw new OverlayException("cannot chown " + path + " in overlay " + name + ": " + e.getMessage(), e);
        }
    }

    /** {@code overlay import}: copies a server file into the overlay (atomically), keeping its mode. */
    public Path importFile(String name, Path source, String dest, boolean parents, boolean overwrite) {
        Overlay o = cloneToSite(name);
        Path p = inside(o, dest);
        try {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !overwrite) {
                throw new OverlayException("file " + dest + " already exists in overlay " + name);
            }
            if (!Files.isDirectory(p.getParent())) {
                if (!parents) {
                    throw new OverlayException("directory " + o.rootfs().relativize(p.getParent()) + " does not exist in overlay "
                            + name + " (use --parents)");
                }
                Files.createDirectories(p.getParent());
            }
            Path tmp = p.resolveSibling("." + p.getFileName() + ".import");
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return p;
        } catch (IOException e) {
            throw new OverlayException("cannot import " + source + " into overlay " + name + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code content} to a file of the site copy atomically (for {@code overlay edit}). */
    public Path writeFile(String name, String path, byte[] content, int modeIfNew) {
        Overlay o = cloneToSite(name);
        Path p = inside(o, path);
        try {
            Files.createDirectories(p.getParent());
            int mode = modeIfNew;
            if (Files.exists(p)) {
                mode = (Integer) Files.getAttribute(p, "unix:mode") & 07777;
            }
            Path tmp = p.resolveSibling("." + p.getFileName() + ".edit");
            Files.write(tmp, content);
            Files.setPosixFilePermissions(tmp, perms(mode));
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return p;
        } catch (IOException e) {
            throw new OverlayException("cannot write " + path + " in overlay " + name + ": " + e.getMessage(), e);
        }
    }

    /** A path inside the overlay's rootfs; refuses anything that would leave it. */
    public Path inside(Overlay o, String path) {
        Path root = o.rootfs().toAbsolutePath().normalize();
        String rel = path.startsWith("/") ? path.substring(1) : path;
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root)) {
            throw new OverlayException("path " + path + " is outside overlay " + o.name());
        }
        return p;
    }

    private Path existing(Overlay o, String path) {
        Path p = inside(o, path);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new OverlayException("file " + path + " does not exist in overlay " + o.name());
        }
        return p;
    }

    // ---- walking ----

    public enum Kind { DIR, FILE, LINK, TEMPLATE }

    /**
     * One entry of an overlay's rootfs: relative path ("" for the root), kind, the mode and owner
     * it gets on the node, and a {@code .ww} symlink counts as a template (followed when read).
     */
    public record Entry(String rel, Path path, Kind kind, int mode, int uid, int gid) {}

    /** The rootfs of {@code o} in Go's filepath.Walk order (lexical, depth first), root first. */
    public List<Entry> walk(Overlay o) {
        try {
            return walkDir(o.rootfs(), o);
        } catch (IOException e) {
            throw new OverlayException("cannot read overlay " + o.name() + ": " + e.getMessage(), e);
        }
    }

    private List<Entry> walkDir(Path top, Overlay o) throws IOException {
        List<Entry> out = new ArrayList<>();
        walk(top, top, o, out);
        return out;
    }

    private void walk(Path top, Path p, Overlay o, List<Entry> out) throws IOException {
        String rel = top.relativize(p).toString();
        out.add(entry(rel, p, o));
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            List<Path> children;
            try (Stream<Path> s = Files.list(p)) {
                // Go sorts names as byte strings; UTF-16 order matches for the BMP.
                children = s.sorted(Comparator.comparing(c -> c.getFileName().toString())).toList();
            }
            for (Path c : children) {
                walk(top, c, o, out);
            }
        }
    }

    private Entry entry(String rel, Path p, Overlay o) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        Kind kind;
        if (p.getFileName() != null && p.getFileName().toString().endsWith(".ww") && !rel.isEmpty()) {
            kind = Kind.TEMPLATE; // checked before the symlink test, as upstream
        } else if (Files.isSymbolicLink(p)) {
            kind = Kind.LINK;
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            kind = Kind.DIR;
        } else {
            kind = Kind.FILE;
        }
        int perm = mode & 07777;
        int uid = (Integer) a.get("uid");
        int gid = (Integer) a.get("gid");
        if (!o.site()) {
            uid = 0;
            gid = 0;
            String key = o.name() + "/" + o.dir().relativize(p);
            if (key.endsWith("/")) {
                key = key.substring(0, key.length() - 1);
            }
            int[] m = distModes().get(key);
            if (m != null) {
                perm = m[0];
                if (m[1] >= 0) {
                    uid = m[1];
                    gid = m[2];
                }
            }
        }
        return new Entry(rel, p, kind, perm, uid, gid);
    }

    private Map<String, int[]> distModes() {
        Map<String, int[]> m = distModes;
        if (m == null) {
            m = new HashMap<>();
            Path f = distDir.resolve("MODES");
            if (Files.isRegularFile(f)) {
                try {
                    for (String line : Files.readAllLines(f)) {
                        String t = line.strip();
                        if (t.isEmpty() || t.startsWith("#")) {
                            continue;
                        }
                        String[] w = t.split("\\s+");
                        int uid = -1;
                        int gid = -1;
                        if (w.length > 2) {
                            String[] ug = w[2].split(":");
                            uid = Integer.parseInt(ug[0]);
                            gid = Integer.parseInt(ug[1]);
                        }
                        m.put(w[0], new int[] {Integer.parseInt(w[1], 8), uid, gid});
                    }
                } catch (IOException | RuntimeException e) {
                    throw new OverlayException(f + ": unreadable modes file: " + e.getMessage(), e);
                }
            }
            distModes = m;
        }
        return m;
    }

    // ---- helpers ----

    static Set<PosixFilePermission> perms(int mode) {
        StringBuilder b = new StringBuilder(9);
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            b.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return PosixFilePermissions.fromString(b.toString());
    }

    private static void chownIfRoot(Path p, int uid, int gid) {
        try {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | SecurityException e) {
            // not root: the copy keeps the current user, as a plain copy would
        }
    }

    private static boolean hasFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS));
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
