package io.ww4j.image;

/**
 * One entry of an image source (a tar member, a squashfs inode, a file in a directory) on its
 * way into a rootfs. {@code name} is relative, '/'-separated; {@code perm} holds the low 12 mode
 * bits; {@code link} is the symlink target or, for {@link Type#HARDLINK}, the path of the
 * entry it links to (relative to the rootfs).
 */
public record TreeEntry(String name, Type type, int perm, long uid, long gid, long mtimeMillis, long size,
                        String link, int devMajor, int devMinor) {

    public enum Type { FILE, DIR, SYMLINK, HARDLINK, CHAR, BLOCK, FIFO, SOCKET }

    public static TreeEntry of(String name, Type type, int perm, long uid, long gid, long mtimeMillis) {
        return new TreeEntry(name, type, perm, uid, gid, mtimeMillis, 0, null, 0, 0);
    }
}
