package io.ww4j.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Test helper: everything a round trip must preserve about a tree, as one sorted map from
 * relative path to a description (type, mode, owner, mtime, content hash, link target, device
 * numbers, hard-link group). Two trees are the same when their snapshots are equal.
 */
public final class TreeSnapshot {
    private TreeSnapshot() {}

    public static Map<String, String> of(Path root, boolean withRootDir) throws IOException {
        return of(root, withRootDir, true);
    }

    /**
     * {@code dirMtimes=false} leaves directory mtimes out: GNU cpio -i cannot restore them from a
     * parents-first archive (the order the kernel needs), so they are checked in the archive itself.
     */
    public static Map<String, String> of(Path root, boolean withRootDir, boolean dirMtimes) throws IOException {
        Map<String, String> out = new TreeMap<>();
        Map<Long, String> firstNameOfInode = new HashMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.isEmpty()) {
                    if (!withRootDir) {
                        continue;
                    }
                    rel = ".";
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,ino,nlink,rdev,lastModifiedTime",
                        LinkOption.NOFOLLOW_LINKS);
                int mode = (int) a.get("mode");
                int type = mode & CpioEntry.S_IFMT;
                StringBuilder d = new StringBuilder();
                d.append(String.format("mode=%06o uid=%s gid=%s", mode, a.get("uid"), a.get("gid")));
                if (type != CpioEntry.S_IFLNK && (dirMtimes || type != CpioEntry.S_IFDIR)) {
                    d.append(" mtime=").append(((FileTime) a.get("lastModifiedTime")).toMillis() / 1000);
                }
                switch (type) {
                    case CpioEntry.S_IFREG -> {
                        d.append(" sha=").append(sha(p));
                        if ((int) a.get("nlink") > 1) {
                            String first = firstNameOfInode.putIfAbsent((long) a.get("ino"), rel);
                            d.append(" link=").append(first == null ? rel : first);
                        }
                    }
                    case CpioEntry.S_IFLNK -> d.append(" -> ").append(Files.readSymbolicLink(p));
                    case CpioEntry.S_IFCHR, CpioEntry.S_IFBLK -> d.append(" rdev=").append(a.get("rdev"));
                    default -> { }
                }
                out.put(rel, d.toString());
            }
        }
        return out;
    }

    /** Directory mtimes (seconds) of a tree, by relative path ("." for the root). */
    public static Map<String, Long> dirMtimes(Path root) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    String rel = root.relativize(p).toString();
                    out.put(rel.isEmpty() ? "." : rel, Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() / 1000);
                }
            }
        }
        return out;
    }

    /** Directory mtimes as recorded in a gzipped cpio archive. */
    public static Map<String, Long> dirMtimesInArchive(Path gz) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (CpioReader r = new CpioReader(new java.util.zip.GZIPInputStream(Files.newInputStream(gz), 65536))) {
            CpioEntry e;
            while ((e = r.next()) != null) {
                if (e.isDirectory()) {
                    out.put(e.name(), e.mtime());
                }
            }
        }
        return out;
    }

    static String sha(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] b = new byte[65536];
            int n;
            while ((n = in.read(b)) > 0) {
                md.update(b, 0, n);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
