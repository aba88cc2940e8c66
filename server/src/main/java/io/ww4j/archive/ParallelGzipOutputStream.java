package io.ww4j.archive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes ONE standard gzip member (RFC 1952), compressed on several threads the way pigz does
 * it: the input is cut into blocks, each block is raw-deflated independently with the previous
 * 32 KiB of input as preset dictionary and ends on a sync flush (byte boundary), so the blocks
 * concatenate into one valid deflate stream. Each worker computes its block's CRC-32; the
 * CRCs are combined in order for the trailer. Any gzip reader (gzip -d, the kernel, iPXE) reads it.
 *
 * <p>As in pigz, three kinds of threads keep each other busy: the caller only copies input into
 * blocks, {@code threads} workers deflate, and one writer thread writes the results in order.
 * The caller blocks only when {@code 2 * threads + 2} blocks are in flight. An optional
 * {@code raw} stream receives the uncompressed blocks from the writer thread too, so a plain
 * copy (the {@code .img} next to the {@code .img.gz}) costs no second pass and no extra copy.
 * Not thread-safe: one caller thread writes.
 *
 * <p>Deflate runs in the system's zlib when {@link NativeZlib} can reach it (Java 22+, native
 * access enabled), else in {@link Deflater}; the stream format is the same either way.
 */
public final class ParallelGzipOutputStream extends OutputStream {
    public static final int DEFAULT_BLOCK = 128 * 1024;
    private static final int DICT = 32 * 1024;

    private final OutputStream out;
    private final OutputStream raw;
    private final int level;
    private final int blockSize;
    private final ExecutorService pool;
    private final BlockingQueue<Future<Result>> pending;
    private final Thread writer;
    private final boolean nativeZlib;
    private final List<Engine> engines = Collections.synchronizedList(new ArrayList<>());
    private final ThreadLocal<Engine> engine;
    private volatile Throwable failure;

    private byte[] buf;
    private int len;
    private byte[] prev;
    private int prevLen;
    private long submitted;
    // written by the writer thread, read by the caller after joining it
    private long crc;
    private long total;
    private boolean finished;
    private boolean closed;

    private record Result(byte[] data, int length, int crc, byte[] input, int inputLength) {}

    /** One thread's deflate state: compresses a block primed with a dictionary. */
    private interface Engine {
        /** Raw deflate of {@code in[0..inLen)}; ends on a sync flush, or with the final block if {@code last}. */
        Result compress(byte[] dict, int dictOff, int dictLen, byte[] in, int inLen, boolean last) throws IOException;

        void end();
    }

    /** Marks the end of the block sequence for the writer thread. */
    private static final Future<Result> END = java.util.concurrent.CompletableFuture.completedFuture(null);

    public ParallelGzipOutputStream(OutputStream out) throws IOException {
        this(out, null, 6, Runtime.getRuntime().availableProcessors(), DEFAULT_BLOCK);
    }

    public ParallelGzipOutputStream(OutputStream out, int level, int threads, int blockSize) throws IOException {
        this(out, null, level, threads, blockSize);
    }

    /**
     * @param raw if not null, also receives every uncompressed byte, in order (from the writer thread)
     */
    public ParallelGzipOutputStream(OutputStream out, OutputStream raw, int level, int threads, int blockSize)
            throws IOException {
        this(out, raw, level, threads, blockSize, NativeZlib.unavailable() == null);
    }

    /** As above; {@code nativeZlib} false forces {@link Deflater} (tests compare both). */
    ParallelGzipOutputStream(OutputStream out, OutputStream raw, int level, int threads, int blockSize,
                             boolean nativeZlib) throws IOException {
        if (nativeZlib && NativeZlib.unavailable() != null) {
            throw new IOException(NativeZlib.unavailable());
        }
        this.nativeZlib = nativeZlib;
        if (blockSize < DICT) {
            throw new IllegalArgumentException("block size must be at least 32 KiB");
        }
        this.out = out;
        this.raw = raw;
        this.level = level;
        this.blockSize = blockSize;
        int n = Math.max(1, threads);
        this.pending = new ArrayBlockingQueue<>(n * 2 + 2);
        AtomicInteger id = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "pgzip-" + id.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.engine = ThreadLocal.withInitial(() -> {
            Engine e;
            try {
                e = this.nativeZlib ? nativeEngine(this.level, this.blockSize) : javaEngine(this.level);
            } catch (IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
            engines.add(e);
            return e;
        });
        this.buf = new byte[blockSize];
        // gzip header: magic, deflate, no flags, mtime 0, no extra flags, OS = Unix
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        this.writer = new Thread(this::writeLoop, "pgzip-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int n) throws IOException {
        ensureOpen();
        while (n > 0) {
            int c = Math.min(n, blockSize - len);
            System.arraycopy(b, off, buf, len, c);
            len += c;
            off += c;
            n -= c;
            if (len == blockSize) {
                submit(false);
            }
        }
    }

    /**
     * Reports a failure of the writer thread, if any. Compressed blocks are written by that
     * thread as they complete; the current block is not cut short.
     */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        checkFailure();
    }

    /** Completes the gzip member (and flushes {@code raw}) without closing the underlying streams. */
    public void finish() throws IOException {
        ensureOpen();
        if (finished) {
            return;
        }
        finished = true;
        try {
            submit(true);
            put(END);
            joinWriter();
            checkFailure();
            byte[] trailer = new byte[8];
            putLe(trailer, 0, (int) crc);
            putLe(trailer, 4, (int) total);
            out.write(trailer);
            out.flush();
            if (raw != null) {
                raw.flush();
            }
        } finally {
            shutdown();
        }
    }

    /** Which deflate implementation compresses: the system zlib or the JDK's. */
    public static String implementation() {
        String v = NativeZlib.version();
        return NativeZlib.unavailable() == null ? "system zlib " + (v == null ? "" : v) : "JDK zlib (java.util.zip)";
    }

    /** True when this stream deflates with the system zlib. */
    boolean usesNativeZlib() {
        return nativeZlib;
    }

    /** Total uncompressed bytes written so far. */
    public long uncompressedBytes() {
        return submitted + len;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (!finished) {
                finish();
            }
        } finally {
            closed = true;
            shutdown();
            try {
                out.close();
            } finally {
                if (raw != null) {
                    raw.close();
                }
            }
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (finished) {
            throw new IOException("gzip member already finished");
        }
    }

    private void checkFailure() throws IOException {
        Throwable t = failure;
        if (t == null) {
            return;
        }
        if (t instanceof IOException e) {
            throw new IOException(e.getMessage(), e);
        }
        throw new IOException("compression failed: " + t, t);
    }

    private void submit(boolean last) throws IOException {
        checkFailure();
        final byte[] in = buf;
        final int inLen = len;
        final byte[] dict = prev;
        final int dictLen = prevLen;
        Future<Result> f;
        try {
            f = pool.submit(() -> compress(in, inLen, dict, dictLen, last));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            checkFailure();
            throw new IOException("compression stopped", e);
        }
        put(f);
        submitted += inLen;
        prev = in;
        prevLen = inLen;
        buf = last ? null : new byte[blockSize];
        len = 0;
    }

    private void put(Future<Result> f) throws IOException {
        try {
            // the writer keeps draining after a failure, so this never blocks for good
            pending.put(f);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        }
    }

    private void joinWriter() throws IOException {
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        }
    }

    /** The writer thread: takes the blocks in submission order and writes them out. */
    private void writeLoop() {
        while (true) {
            Future<Result> f;
            try {
                f = pending.take();
            } catch (InterruptedException e) {
                if (failure == null) {
                    failure = new InterruptedIOException("compression interrupted");
                }
                return;
            }
            if (f == END) {
                return;
            }
            if (failure != null) {
                f.cancel(false);
                continue;
            }
            try {
                Result r = f.get();
                if (raw != null) {
                    raw.write(r.input(), 0, r.inputLength());
                }
                out.write(r.data(), 0, r.length());
                crc = crc32Combine(crc, r.crc() & 0xffffffffL, r.inputLength());
                total += r.inputLength();
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    private Result compress(byte[] in, int inLen, byte[] dict, int dictLen, boolean last) throws IOException {
        int n = dict == null ? 0 : Math.min(DICT, dictLen);
        Result r = engine.get().compress(dict, dictLen - n, n, in, inLen, last);
        CRC32 c = new CRC32();
        c.update(in, 0, inLen);
        return new Result(r.data(), r.length(), (int) c.getValue(), in, inLen);
    }

    private static Engine nativeEngine(int level, int blockSize) throws IOException {
        NativeZlib.Stream z = new NativeZlib.Stream(level, blockSize, DICT);
        return new Engine() {
            @Override
            public Result compress(byte[] dict, int dictOff, int dictLen, byte[] in, int inLen, boolean last)
                    throws IOException {
                byte[] o = z.compress(dict, dictOff, dictLen, in, inLen, last);
                return new Result(o, o.length, 0, null, 0);
            }

            @Override
            public void end() {
                z.end();
            }
        };
    }

    private static Engine javaEngine(int level) {
        Deflater d = new Deflater(level, true);
        return new Engine() {
            @Override
            public Result compress(byte[] dict, int dictOff, int dictLen, byte[] in, int inLen, boolean last) {
                d.reset();
                if (dictLen > 0) {
                    d.setDictionary(dict, dictOff, dictLen);
                }
                d.setInput(in, 0, inLen);
                byte[] o = new byte[inLen + (inLen >> 3) + 1024];
                int olen = 0;
                if (last) {
                    d.finish();
                    while (!d.finished()) {
                        if (olen == o.length) {
                            o = java.util.Arrays.copyOf(o, o.length * 2);
                        }
                        olen += d.deflate(o, olen, o.length - olen);
                    }
                } else {
                    while (true) {
                        int space = o.length - olen;
                        int n = d.deflate(o, olen, space, Deflater.SYNC_FLUSH);
                        olen += n;
                        if (n < space && d.needsInput()) {
                            break;
                        }
                        if (olen == o.length) {
                            o = java.util.Arrays.copyOf(o, o.length * 2);
                        }
                    }
                }
                return new Result(o, olen, 0, null, 0);
            }

            @Override
            public void end() {
                d.end();
            }
        };
    }

    private void shutdown() {
        if (writer.isAlive()) {
            // an aborted stream: stop the writer without writing more
            if (failure == null) {
                failure = new IOException("stream closed before finish");
            }
            pending.clear();
            pending.offer(END);
        }
        pool.shutdownNow();
        try {
            // native state may be freed only when no worker is inside deflate
            if (!pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        synchronized (engines) {
            for (Engine e : engines) {
                e.end();
            }
            engines.clear();
        }
    }

    private static void putLe(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    // ---- CRC-32 combination: crc(A||B) from crc(A), crc(B) and len(B), arithmetic in GF(2)[x] mod P ----

    private static final long POLY = 0xedb88320L;
    private static final long[] X2N = new long[32];

    static {
        long p = 1L << 30; // x^1
        X2N[0] = p;
        for (int n = 1; n < 32; n++) {
            X2N[n] = p = multModP(p, p);
        }
    }

    private static long multModP(long a, long b) {
        long m = 1L << 31;
        long p = 0;
        while (true) {
            if ((a & m) != 0) {
                p ^= b;
                if ((a & (m - 1)) == 0) {
                    break;
                }
            }
            m >>>= 1;
            b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
        }
        return p;
    }

    private static long x2nModP(long n, int k) {
        long p = 1L << 31; // x^0
        while (n != 0) {
            if ((n & 1) != 0) {
                p = multModP(X2N[k & 31], p);
            }
            n >>>= 1;
            k++;
        }
        return p;
    }

    /** The CRC-32 of A followed by B. */
    static long crc32Combine(long crcA, long crcB, long lenB) {
        if (lenB == 0) {
            return crcA;
        }
        return multModP(x2nModP(lenB, 3), crcA) ^ crcB;
    }
}
