package io.ww4j.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a cpio archive in the SVR4 {@code newc} format (magic 070701), the format the Linux
 * kernel unpacks as an initramfs: a 110-byte ASCII-hex header, the NUL-terminated name padded to
 * 4 bytes, the data padded to 4 bytes, and a final {@code TRAILER!!!} entry.
 */
public final class CpioWriter implements Closeable {
    public static final String TRAILER = "TRAILER!!!";
    /** newc stores sizes in 8 hex digits. */
    public static final long MAX_SIZE = 0xffffffffL;
    private static final byte[] ZEROS = new byte[4];
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final byte[] header = new byte[110];
    private long written;
    private long remaining;
    private boolean finished;

    public CpioWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes the header of {@code e}; the caller then writes exactly {@code e.size()} data bytes with {@link #write}. */
    public void putEntry(CpioEntry e) throws IOException {
        if (finished) {
            throw new IllegalStateException("archive already finished");
        }
        if (remaining != 0) {
            throw new IOException("previous entry is short by " + remaining + " bytes");
        }
        padData();
        if (e.size() < 0 || e.size() > MAX_SIZE) {
            throw new IOException("'" + e.name() + "' is " + e.size() + " bytes; cpio newc holds at most 4 GiB - 1 per file");
        }
        byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
        System.arraycopy("070701".getBytes(StandardCharsets.US_ASCII), 0, header, 0, 6);
        hex(6, e.ino());
        hex(14, e.mode() & 0xffffffffL);
        hex(22, e.uid());
        hex(30, e.gid());
        hex(38, e.nlink());
        hex(46, Math.max(0, Math.min(e.mtime(), 0xffffffffL)));
        hex(54, e.size());
        hex(62, e.devMajor());
        hex(70, e.devMinor());
        hex(78, e.rdevMajor());
        hex(86, e.rdevMinor());
        hex(94, name.length + 1L);
        hex(102, 0);
        out.write(header);
        out.write(name);
        out.write(0);
        written += 110 + name.length + 1;
        pad();
        remaining = e.size();
    }

    /** Writes an entry whose data is all of {@code data}. */
    public void putEntry(CpioEntry e, byte[] data) throws IOException {
        if (data.length != e.size()) {
            throw new IllegalArgumentException("size " + e.size() + " != data length " + data.length);
        }
        putEntry(e);
        write(data, 0, data.length);
    }

    /** Writes an entry and copies exactly {@code e.size()} bytes from {@code data}. */
    public void putEntry(CpioEntry e, InputStream data) throws IOException {
        putEntry(e);
        byte[] buf = new byte[(int) Math.min(1 << 16, Math.max(1, e.size()))];
        while (remaining > 0) {
            int n = data.read(buf, 0, (int) Math.min(buf.length, remaining));
            if (n < 0) {
                throw new IOException("'" + e.name() + "': data ended " + remaining + " bytes early");
            }
            write(buf, 0, n);
        }
    }

    public void write(byte[] b, int off, int len) throws IOException {
        if (len > remaining) {
            throw new IOException("entry data exceeds its declared size");
        }
        out.write(b, off, len);
        remaining -= len;
        written += len;
    }

    /** Writes the trailer; the underlying stream stays open. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        putEntry(new CpioEntry(TRAILER, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0));
        finished = true;
        out.flush();
    }

    /** Bytes written so far. */
    public long bytesWritten() {
        return written;
    }

    /** Finishes the archive and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            out.close();
        }
    }

    private void padData() throws IOException {
        pad();
    }

    private void pad() throws IOException {
        int p = (int) ((4 - (written & 3)) & 3);
        if (p > 0) {
            out.write(ZEROS, 0, p);
            written += p;
        }
    }

    private void hex(int at, long v) {
        if (v < 0 || v > 0xffffffffL) {
            throw new IllegalArgumentException("value out of range for cpio newc: " + v);
        }
        for (int i = 7; i >= 0; i--) {
            header[at + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }
}
