package io.ww4j.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file written under a temporary name in the target's directory and moved into place only on
 * {@link #commit()}: data fsynced, atomic rename, directory fsynced. Readers see the old file or
 * the complete new one, never a half-written one. {@link #close()} without commit deletes the
 * temporary file, so try-with-resources gives "all or nothing".
 *
 * <pre>
 * try (AtomicFile f = AtomicFile.create(target, AtomicFile.RW_R_R)) {
 *     f.stream().write(...);
 *     f.commit();
 * }
 * </pre>
 */
public final class AtomicFile implements AutoCloseable {
    public static final Set<PosixFilePermission> RW_R_R = PosixFilePermissions.fromString("rw-r--r--");
    public static final Set<PosixFilePermission> RW_______ = PosixFilePermissions.fromString("rw-------");

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream stream;
    private boolean done;

    private AtomicFile(Path target, Path temp, FileChannel channel) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        // Closing the user-facing stream must not close the channel before commit's fsync.
        this.stream = new FilterOutputStream(Channels.newOutputStream(channel)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** Opens a temporary file next to {@code target} with the given permissions (umask-proof). */
    public static AtomicFile create(Path target, Set<PosixFilePermission> perms) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve("." + target.getFileName() + ".tmp-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL));
            try {
                FileChannel ch = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(perms));
                try {
                    Files.setPosixFilePermissions(temp, perms);
                } catch (IOException e) {
                    ch.close();
                    Files.deleteIfExists(temp);
                    throw e;
                }
                return new AtomicFile(target, temp, ch);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }

    /** Writes {@code data} to {@code target} atomically. */
    public static void write(Path target, byte[] data, Set<PosixFilePermission> perms) throws IOException {
        try (AtomicFile f = create(target, perms)) {
            f.stream().write(data);
            f.commit();
        }
    }

    public OutputStream stream() {
        return stream;
    }

    public FileChannel channel() {
        return channel;
    }

    public Path target() {
        return target;
    }

    public Path tempPath() {
        return temp;
    }

    /** fsync, rename over the target, fsync the directory. */
    public void commit() throws IOException {
        if (done) {
            throw new IllegalStateException("already committed or aborted: " + target);
        }
        try {
            channel.force(true);
            channel.close();
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + temp + " to " + target + " atomically", e);
            }
            done = true;
            fsyncDirectory(target.toAbsolutePath().getParent());
        } finally {
            if (!done) {
                abort();
            }
        }
    }

    /** Deletes the temporary file; the target is left untouched. Idempotent. */
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the file is deleted next
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort; a stale temp name never matches a served file name
        }
    }

    @Override
    public void close() {
        abort();
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some filesystems refuse fsync on directories; the rename itself is still atomic
        }
    }
}
