package io.ww4j.archive;

/**
 * One cpio {@code newc} header. {@code mode} is the full st_mode (file type bits included);
 * {@code mtime} is in seconds since the epoch. For hard links, all entries share {@code ino}
 * and carry {@code nlink}; only one of them carries the data.
 */
public record CpioEntry(String name, long ino, int mode, long uid, long gid, long nlink, long mtime,
                        long size, long devMajor, long devMinor, long rdevMajor, long rdevMinor) {

    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;

    public static CpioEntry directory(String name, int perm, long uid, long gid, long mtime) {
        return new CpioEntry(name, 0, S_IFDIR | (perm & 07777), uid, gid, 2, mtime, 0, 0, 0, 0, 0);
    }

    public static CpioEntry file(String name, int perm, long uid, long gid, long mtime, long size) {
        return new CpioEntry(name, 0, S_IFREG | (perm & 07777), uid, gid, 1, mtime, size, 0, 0, 0, 0);
    }

    /** A symlink; its data is the target's bytes, so {@code size} is their length. */
    public static CpioEntry symlink(String name, long uid, long gid, long mtime, long targetLength) {
        return new CpioEntry(name, 0, S_IFLNK | 0777, uid, gid, 1, mtime, targetLength, 0, 0, 0, 0);
    }

    public CpioEntry withIno(long newIno) {
        return new CpioEntry(name, newIno, mode, uid, gid, nlink, mtime, size, devMajor, devMinor, rdevMajor, rdevMinor);
    }

    public int type() {
        return mode & S_IFMT;
    }

    public int permissions() {
        return mode & 07777;
    }

    public boolean isDirectory() {
        return type() == S_IFDIR;
    }

    public boolean isRegularFile() {
        return type() == S_IFREG;
    }

    public boolean isSymlink() {
        return type() == S_IFLNK;
    }
}
