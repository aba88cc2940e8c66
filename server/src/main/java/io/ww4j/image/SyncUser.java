package io.ww4j.image;

import io.ww4j.archive.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * syncuser (datamodel-cli.md §5.6): make the image's users and groups carry the host's ids.
 * Entries are matched by name; an image-only name whose id a host name already uses is a
 * collision. Writing re-owns every file whose owner or group id changes (setuid/setgid bits
 * kept: chown clears them), then replaces the image's passwd and group with the host's files
 * plus the image-only lines, each atomically.
 */
public final class SyncUser {
    /** What a sync would change. */
    public record Plan(Map<Long, Long> uids, Map<Long, Long> gids, List<String> passwd, List<String> group,
                       boolean synced) {}

    private SyncUser() {}

    /** name -> id (field 3) of a passwd or group file, in file order; the lines keyed by name too. */
    private record Db(Map<String, Long> ids, Map<String, String> lines) {
        static Db read(Path f) throws IOException {
            Map<String, Long> ids = new LinkedHashMap<>();
            Map<String, String> lines = new LinkedHashMap<>();
            if (!Files.isRegularFile(f)) {
                return new Db(ids, lines);
            }
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] p = line.split(":", -1);
                if (line.isBlank() || line.startsWith("#") || p.length < 3) {
                    continue;
                }
                try {
                    ids.putIfAbsent(p[0], Long.parseLong(p[2]));
                    lines.putIfAbsent(p[0], line);
                } catch (NumberFormatException e) {
                    throw new ImageException(f + ": bad id in line '" + line + "'");
                }
            }
            return new Db(ids, lines);
        }
    }

    /** Compares {@code hostEtc}/passwd,group with the image's; fails on an id collision. */
    public static Plan plan(Path hostEtc, Path rootfs) throws IOException {
        Db hostPw = Db.read(hostEtc.resolve("passwd"));
        Db hostGr = Db.read(hostEtc.resolve("group"));
        Db imgPw = Db.read(rootfs.resolve("etc/passwd"));
        Db imgGr = Db.read(rootfs.resolve("etc/group"));
        Map<Long, Long> uids = map(hostPw, imgPw, "uid");
        Map<Long, Long> gids = map(hostGr, imgGr, "gid");
        List<String> passwd = merged(hostEtc.resolve("passwd"), hostPw, imgPw);
        List<String> group = merged(hostEtc.resolve("group"), hostGr, imgGr);
        boolean synced = uids.isEmpty() && gids.isEmpty() && imgPw.ids().keySet().containsAll(hostPw.ids().keySet())
                && imgGr.ids().keySet().containsAll(hostGr.ids().keySet());
        return new Plan(uids, gids, passwd, group, synced);
    }

    private static Map<Long, Long> map(Db host, Db image, String what) throws ImageException {
        Map<Long, String> hostById = new HashMap<>();
        host.ids().forEach((n, id) -> hostById.putIfAbsent(id, n));
        Map<Long, Long> m = new LinkedHashMap<>();
        for (var e : image.ids().entrySet()) {
            Long hostId = host.ids().get(e.getKey());
            if (hostId == null) {
                String other = hostById.get(e.getValue());
                if (other != null) {
                    throw new ImageException("id(" + e.getValue() + ") collision: host(" + other
                            + ") image(" + e.getKey() + "); add " + e.getKey() + " to the host with an id that is free"
                            + " on both sides, then run syncuser again");
                }
            } else if (!hostId.equals(e.getValue())) {
                m.put(e.getValue(), hostId);
            }
        }
        return m;
    }

    /** The host file's lines, then the image-only entries. */
    private static List<String> merged(Path hostFile, Db host, Db image) throws IOException {
        List<String> out = new ArrayList<>(Files.isRegularFile(hostFile)
                ? Files.readAllLines(hostFile, StandardCharsets.UTF_8) : List.of());
        image.lines().forEach((n, line) -> {
            if (!host.ids().containsKey(n)) {
                out.add(line);
            }
        });
        return out;
    }

    /** Applies {@code plan} to {@code rootfs}. */
    public static void write(Plan plan, Path rootfs) throws IOException {
        if (!plan.uids().isEmpty() || !plan.gids().isEmpty()) {
            Files.walkFileTree(rootfs, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(rootfs) && !Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS)
                            .equals(Files.getAttribute(rootfs, "unix:dev"))) {
                        return FileVisitResult.SKIP_SUBTREE; // a mounted /proc and the like
                    }
                    reown(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    reown(file);
                    return FileVisitResult.CONTINUE;
                }

                private void reown(Path p) throws IOException {
                    Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
                    long uid = ((Number) a.get("uid")).longValue();
                    long gid = ((Number) a.get("gid")).longValue();
                    Long nu = plan.uids().get(uid);
                    Long ng = plan.gids().get(gid);
                    if (nu == null && ng == null) {
                        return;
                    }
                    if (nu != null) {
                        Files.setAttribute(p, "unix:uid", nu.intValue(), LinkOption.NOFOLLOW_LINKS);
                    }
                    if (ng != null) {
                        Files.setAttribute(p, "unix:gid", ng.intValue(), LinkOption.NOFOLLOW_LINKS);
                    }
                    if (!Files.isSymbolicLink(p)) {
                        Files.setAttribute(p, "unix:mode", ((int) a.get("mode")) & 07777, LinkOption.NOFOLLOW_LINKS);
                    }
                }
            });
        }
        replace(rootfs.resolve("etc/passwd"), plan.passwd());
        replace(rootfs.resolve("etc/group"), plan.group());
    }

    private static void replace(Path f, List<String> lines) throws IOException {
        if (Files.isSymbolicLink(f)) {
            throw new ImageException("refusing to write through a symlink: " + f);
        }
        Files.createDirectories(f.getParent());
        String perms = Files.exists(f) ? PosixFilePermissions.toString(Files.getPosixFilePermissions(f)) : "rw-r--r--";
        byte[] data = (String.join("\n", lines) + (lines.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(f, data, PosixFilePermissions.fromString(perms));
    }
}
