package io.ww4j.archive;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads a cpio {@code newc} archive entry by entry; stops at {@code TRAILER!!!}. */
public final class CpioReader implements Closeable {
    private static final int MAX_NAME = 1 << 16;
    private final InputStream in;
    private final byte[] header = new byte[110];
    private long pos;
    private long remaining;
    private long entryPad;
    private boolean done;

    public CpioReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or {@code null} after the trailer. Unread data of the previous entry is skipped. */
    public CpioEntry next() throws IOException {
        if (done) {
            return null;
        }
        skip(remaining + entryPad);
        remaining = 0;
        entryPad = 0;
        readFully(header, header.length);
        String magic = new String(header, 0, 6, StandardCharsets.US_ASCII);
        if (!magic.equals("070701") && !magic.equals("070702")) {
            throw new IOException("not a cpio newc archive: bad magic at offset " + (pos - 110));
        }
        long nameSize = hex(94);
        if (nameSize < 1 || nameSize > MAX_NAME) {
            throw new IOException("corrupt cpio header: name size " + nameSize);
        }
        byte[] name = new byte[(int) nameSize];
        readFully(name, name.length);
        skip((4 - (pos & 3)) & 3);
        String n = new String(name, 0, name.length - 1, StandardCharsets.UTF_8);
        CpioEntry e = new CpioEntry(n, hex(6), (int) hex(14), hex(22), hex(30), hex(38), hex(46), hex(54),
                hex(62), hex(70), hex(78), hex(86));
        if (n.equals(CpioWriter.TRAILER)) {
            done = true;
            return null;
        }
        remaining = e.size();
        entryPad = (4 - (e.size() & 3)) & 3;
        return e;
    }

    /** Reads the current entry's data (bounded by its size). */
    public int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("cpio archive truncated inside entry data");
        }
        remaining -= n;
        pos += n;
        return n;
    }

    /** The current entry's data as an array (for small entries). */
    public byte[] readData() throws IOException {
        if (remaining > Integer.MAX_VALUE - 16) {
            throw new IOException("entry too large to buffer");
        }
        byte[] b = new byte[(int) remaining];
        int off = 0;
        while (off < b.length) {
            off += read(b, off, b.length - off);
        }
        return b;
    }

    /** An InputStream view of the current entry's data. */
    public InputStream dataStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return CpioReader.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return CpioReader.this.read(b, off, len);
            }
        };
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private long hex(int at) throws IOException {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int d = Character.digit(header[at + i], 16);
            if (d < 0) {
                throw new IOException("corrupt cpio header: non-hex digit at offset " + (pos - 110 + at + i));
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private void readFully(byte[] b, int len) throws IOException {
        int off = 0;
        while (off < len) {
            int n = in.read(b, off, len - off);
            if (n < 0) {
                throw new EOFException("cpio archive truncated (no trailer)");
            }
            off += n;
        }
        pos += len;
    }

    private void skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new EOFException("cpio archive truncated");
            }
            n -= r;
            pos += r;
        }
    }
}
