package io.ww4j.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An Apptainer/Singularity SIF file read natively: the 128-byte global header, the descriptor
 * table (585-byte packed records), and the primary system partition, a squashfs image read by
 * {@link SquashfsSource}.
 */
final class SifSource implements Sources.Source {
    static final int HEADER = 128;
    static final int DESCRIPTOR = 585;
    static final int DATA_PARTITION = 0x4004;
    static final int FS_SQUASH = 1;
    static final int FS_ENCRYPTED_SQUASH = 5;
    static final int PART_PRIMSYS = 2;

    private final Path file;
    private final SquashfsSource squashfs;

    SifSource(Path file) throws IOException {
        this.file = file;
        this.squashfs = locate();
    }

    private SquashfsSource locate() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            ByteBuffer h = read(ch, 0, HEADER);
            long total = h.getLong(88);
            long descOff = h.getLong(96);
            if (total <= 0 || total > 100_000 || descOff < HEADER || descOff + total * DESCRIPTOR > fileSize) {
                throw new ImageException("corrupt SIF file " + file + ": bad descriptor table");
            }
            ByteBuffer d = read(ch, descOff, (int) (total * DESCRIPTOR));
            long[] fallback = null;
            for (int i = 0; i < total; i++) {
                int at = i * DESCRIPTOR;
                int type = d.getInt(at);
                boolean used = d.get(at + 4) != 0;
                long off = d.getLong(at + 17);
                long size = d.getLong(at + 25);
                int fstype = d.getInt(at + 73 + 128);
                int parttype = d.getInt(at + 73 + 132);
                if (!used || type != DATA_PARTITION) {
                    continue;
                }
                if (fstype == FS_ENCRYPTED_SQUASH) {
                    throw new ImageException(file + ": encrypted SIF partitions are not supported");
                }
                if (fstype != FS_SQUASH) {
                    continue;
                }
                if (off < 0 || size <= 0 || off + size > fileSize) {
                    throw new ImageException("corrupt SIF file " + file + ": partition outside the file");
                }
                if (parttype == PART_PRIMSYS) {
                    return new SquashfsSource(file, off, size, file + " (SIF partition " + (i + 1) + ")");
                }
                if (fallback == null) {
                    fallback = new long[] {off, size, i};
                }
            }
            if (fallback != null) {
                return new SquashfsSource(file, fallback[0], fallback[1], file + " (SIF partition " + (fallback[2] + 1) + ")");
            }
            throw new ImageException(file + ": SIF file has no squashfs system partition");
        }
    }

    private ByteBuffer read(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new ImageException("corrupt SIF file " + file + ": truncated");
            }
        }
        return b.flip();
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public long sizeHint() {
        return squashfs.sizeHint();
    }

    @Override
    public void extract(RootfsWriter w, Progress progress) throws IOException {
        squashfs.extract(w, progress);
    }
}
