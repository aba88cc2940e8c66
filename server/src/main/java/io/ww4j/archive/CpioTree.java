package io.ww4j.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * A directory tree scanned for a cpio {@code newc} archive, then written in one pass. Like
 * {@code find | cpio -o -H newc --renumber-inodes}: names relative to the root ({@code .} for the
 * root itself), sorted per directory; other filesystems pruned (xdev; the mount point itself is
 * kept); regular files, directories, symlinks, block/char devices, FIFOs and sockets with their
 * owners, modes and mtimes; hard links share a renumbered inode and, as GNU cpio does, only the
 * last link carries the data. Reading owners and device numbers needs {@code unix:*} attributes.
 */
public final class CpioTree {
    private static final String ATTRS = "unix:mode,ino,dev,rdev,nlink,uid,gid,size,lastModifiedTime";

    /** One scanned file. */
    public record Item(String name, Path path, int mode, long uid, long gid, long mtime, long size, long rdev,
                       long dev, long ino, long linkKeyCount) {}

    private final Path root;
    private final List<Item> items;
    private final long dataBytes;

    private CpioTree(Path root, List<Item> items, long dataBytes) {
        this.root = root;
        this.items = items;
        this.dataBytes = dataBytes;
    }

    /**
     * Scans {@code root}. {@code exclude} gets each path relative to the root (no leading '/');
     * a matching directory is pruned with everything below it.
     */
    public static CpioTree scan(Path root, Predicate<String> exclude) throws IOException {
        Map<String, Object> ra = Files.readAttributes(root, ATTRS, LinkOption.NOFOLLOW_LINKS);
        if (((int) ra.get("mode") & CpioEntry.S_IFMT) != CpioEntry.S_IFDIR) {
            throw new IOException(root + " is not a directory");
        }
        long rootDev = (long) ra.get("dev");
        List<Item> items = new ArrayList<>();
        items.add(item(".", root, ra));
        walk(root, "", rootDev, exclude, items);
        // count in-archive links per inode so nlink and the data-carrying entry are right
        Map<Long, Integer> links = new HashMap<>();
        for (Item it : items) {
            if ((it.mode & CpioEntry.S_IFMT) == CpioEntry.S_IFREG && it.linkKeyCount > 1) {
                links.merge(it.ino, 1, Integer::sum);
            }
        }
        long bytes = 0;
        java.util.Set<Long> counted = new java.util.HashSet<>();
        List<Item> out = new ArrayList<>(items.size());
        for (Item it : items) {
            long n = 1;
            if ((it.mode & CpioEntry.S_IFMT) == CpioEntry.S_IFREG && it.linkKeyCount > 1) {
                n = links.get(it.ino);
            }
            out.add(new Item(it.name, it.path, it.mode, it.uid, it.gid, it.mtime, it.size, it.rdev, it.dev, it.ino, n));
            if ((it.mode & CpioEntry.S_IFMT) == CpioEntry.S_IFREG && (n == 1 || counted.add(it.ino))) {
                bytes += it.size;
            }
        }
        return new CpioTree(root, out, bytes);
    }

    private static void walk(Path dir, String prefix, long rootDev, Predicate<String> exclude, List<Item> items)
            throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                children.add(p);
            }
        }
        children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (Path p : children) {
            String rel = prefix + p.getFileName().toString();
            if (exclude.test(rel)) {
                continue;
            }
            Map<String, Object> a = Files.readAttributes(p, ATTRS, LinkOption.NOFOLLOW_LINKS);
            items.add(item(rel, p, a));
            if (((int) a.get("mode") & CpioEntry.S_IFMT) == CpioEntry.S_IFDIR && (long) a.get("dev") == rootDev) {
                walk(p, rel + "/", rootDev, exclude, items);
            }
        }
    }

    private static Item item(String name, Path p, Map<String, Object> a) {
        long mtime = ((FileTime) a.get("lastModifiedTime")).toMillis();
        return new Item(name, p, (int) a.get("mode"), ((Number) a.get("uid")).longValue(),
                ((Number) a.get("gid")).longValue(), Math.floorDiv(mtime, 1000L), (long) a.get("size"),
                (long) a.get("rdev"), (long) a.get("dev"), (long) a.get("ino"), (int) a.get("nlink"));
    }

    public Path root() {
        return root;
    }

    public List<Item> items() {
        return items;
    }

    /** Sum of regular file sizes (what the progress bar counts). */
    public long dataBytes() {
        return dataBytes;
    }

    /**
     * Writes every scanned item and the trailer. {@code progress} receives the number of file
     * data bytes written after each chunk.
     */
    public void writeTo(CpioWriter cpio, LongConsumer progress) throws IOException {
        Map<String, Long> inodes = new HashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        long nextIno = 1;
        byte[] buf = new byte[256 * 1024];
        for (Item it : items) {
            int type = it.mode & CpioEntry.S_IFMT;
            String key = it.dev + ":" + it.ino;
            Long ino = inodes.get(key);
            if (ino == null) {
                ino = nextIno++;
                inodes.put(key, ino);
            }
            long rmaj = 0;
            long rmin = 0;
            if (type == CpioEntry.S_IFBLK || type == CpioEntry.S_IFCHR) {
                rmaj = ((it.rdev >>> 8) & 0xfff) | ((it.rdev >>> 32) & ~0xfffL);
                rmin = (it.rdev & 0xff) | ((it.rdev >>> 12) & ~0xffL);
            }
            long nlink = type == CpioEntry.S_IFDIR ? 2 : it.linkKeyCount;
            switch (type) {
                case CpioEntry.S_IFLNK -> {
                    byte[] target = Files.readSymbolicLink(it.path).toString().getBytes(StandardCharsets.UTF_8);
                    cpio.putEntry(entry(it, ino, 1, target.length, 0, 0), target);
                }
                case CpioEntry.S_IFREG -> {
                    long size = it.size;
                    if (nlink > 1) {
                        int n = seen.merge(key, 1, Integer::sum);
                        if (n < nlink) {
                            size = 0; // data goes with the last link
                        }
                    }
                    cpio.putEntry(entry(it, ino, nlink, size, 0, 0));
                    if (size > 0) {
                        copyData(it, size, cpio, buf, progress);
                    }
                }
                default -> cpio.putEntry(entry(it, ino, nlink, 0, rmaj, rmin));
            }
        }
        cpio.finish();
    }

    private static CpioEntry entry(Item it, long ino, long nlink, long size, long rmaj, long rmin) {
        return new CpioEntry(it.name, ino, it.mode, it.uid, it.gid, nlink, it.mtime, size, 0, 0, rmaj, rmin);
    }

    private static void copyData(Item it, long size, CpioWriter cpio, byte[] buf, LongConsumer progress)
            throws IOException {
        long left = size;
        ByteBuffer bb = ByteBuffer.wrap(buf);
        try (FileChannel ch = FileChannel.open(it.path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (left > 0) {
                bb.clear();
                bb.limit((int) Math.min(buf.length, left));
                int n = ch.read(bb);
                if (n < 0) {
                    break;
                }
                cpio.write(buf, 0, n);
                left -= n;
                progress.accept(n);
            }
        }
        if (left > 0) {
            throw new IOException(it.path + " shrank while being archived (" + left + " bytes missing)");
        }
    }
}
