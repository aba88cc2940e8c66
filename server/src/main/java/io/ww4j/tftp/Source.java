package io.ww4j.tftp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** What a transfer reads from: a file (read by position, never loaded whole) or bytes in memory. */
interface Source extends Closeable {
    long size();

    /** Appends {@code len} bytes starting at {@code pos} to {@code dst}. */
    void read(long pos, ByteBuf dst, int len) throws IOException;

    @Override
    default void close() {}

    /**
     * Opens a file for an octet transfer. It is mapped read-only, so each block is a memory copy
     * from the page cache rather than a read system call; files too large to map are read by position.
     */
    static Source file(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > 0 && size <= Integer.MAX_VALUE) {
                ByteBuf mapped = Unpooled.wrappedBuffer(ch.map(FileChannel.MapMode.READ_ONLY, 0, size));
                return new Source() {
                    @Override
                    public long size() {
                        return size;
                    }

                    @Override
                    public void read(long pos, ByteBuf dst, int len) {
                        dst.writeBytes(mapped, (int) pos, len);
                    }
                };
            }
        }
        return positional(p);
    }

    private static Source positional(Path p) throws IOException {
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        long size = ch.size();
        return new Source() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void read(long pos, ByteBuf dst, int len) throws IOException {
                int done = 0;
                while (done < len) {
                    int n = dst.writeBytes(ch, pos + done, len - done);
                    if (n < 0) {
                        throw new IOException("file shrank while being sent: " + p);
                    }
                    done += n;
                }
            }

            @Override
            public void close() {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // read-only channel: nothing to lose
                }
            }
        };
    }

    static Source bytes(byte[] data) {
        return new Source() {
            @Override
            public long size() {
                return data.length;
            }

            @Override
            public void read(long pos, ByteBuf dst, int len) {
                dst.writeBytes(data, (int) pos, len);
            }
        };
    }

    /** Largest file sent in netascii mode: the conversion happens in memory. */
    long NETASCII_LIMIT = 16L << 20;

    /** RFC 1350 netascii: LF becomes CR LF, a bare CR becomes CR NUL. */
    static byte[] toNetascii(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + in.length / 16 + 16);
        for (byte c : in) {
            if (c == '\n') {
                out.write('\r');
                out.write('\n');
            } else if (c == '\r') {
                out.write('\r');
                out.write(0);
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    static Source fileNetascii(Path p) throws IOException {
        if (Files.size(p) > NETASCII_LIMIT) {
            throw new IOException("file too large for netascii mode (use octet)");
        }
        return bytes(toNetascii(Files.readAllBytes(p)));
    }
}
