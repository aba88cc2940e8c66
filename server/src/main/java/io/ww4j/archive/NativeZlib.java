package io.ww4j.archive;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * The system's zlib ({@code libz.so.1}) for raw deflate, through the Java 22+ foreign function
 * API. The JDK carries its own copy of zlib, built differently: on the image benchmark the
 * system library deflates the same bytes at the same level in about 6% less CPU time (pigz uses
 * it too). The code is compiled for Java 21, where that API is still a preview, so it is reached
 * by reflection once, at class load, and then called through method handles. Used only on
 * 64-bit Linux with Java 22+ and native access enabled ({@code --enable-native-access=ALL-UNNAMED},
 * as the launchers pass), so no warning is ever printed; otherwise {@link #unavailable()} says why
 * and callers use {@link java.util.zip.Deflater}.
 */
final class NativeZlib {
    private static final int Z_OK = 0;
    private static final int Z_STREAM_END = 1;
    private static final int Z_SYNC_FLUSH = 2;
    private static final int Z_FINISH = 4;
    private static final int Z_DEFLATED = 8;

    // struct z_stream on LP64: next_in@0, avail_in@8, total_in@16, next_out@24, avail_out@32, ...; 112 bytes
    private static final int ZS_SIZE = 112;
    private static final long NEXT_IN = 0;
    private static final long AVAIL_IN = 8;
    private static final long NEXT_OUT = 24;
    private static final long AVAIL_OUT = 32;

    private static final String UNAVAILABLE;
    private static final MethodHandle ZLIB_VERSION;   // ()long
    private static final MethodHandle DEFLATE_INIT2;  // (long,int,int,int,int,int,long,int)int
    private static final MethodHandle DEFLATE_RESET;  // (long)int
    private static final MethodHandle DEFLATE_DICT;   // (long,long,int)int
    private static final MethodHandle DEFLATE;        // (long,int)int
    private static final MethodHandle DEFLATE_END;    // (long)int
    private static final MethodHandle NEW_ARENA;      // ()Object
    private static final MethodHandle ALLOCATE;       // (Object arena,long size,long align)Object
    private static final MethodHandle CLOSE_ARENA;    // (Object)void
    private static final MethodHandle ADDRESS;        // (Object seg)long
    private static final MethodHandle COPY_IN;        // (Object array,int from,Object seg,long at,int n)void
    private static final MethodHandle COPY_OUT;       // (Object seg,long at,Object array,int to,int n)void
    private static final MethodHandle SET_INT;        // (Object seg,long at,int v)void
    private static final MethodHandle SET_LONG;       // (Object seg,long at,long v)void
    private static final MethodHandle GET_INT;        // (Object seg,long at)int

    static {
        String why = null;
        MethodHandle[] h = new MethodHandle[15];
        try {
            why = bind(h);
        } catch (Throwable t) {
            why = "system zlib not usable: " + t;
        }
        UNAVAILABLE = why;
        boolean ok = why == null;
        ZLIB_VERSION = ok ? h[0] : null;
        DEFLATE_INIT2 = ok ? h[1] : null;
        DEFLATE_RESET = ok ? h[2] : null;
        DEFLATE_DICT = ok ? h[3] : null;
        DEFLATE = ok ? h[4] : null;
        DEFLATE_END = ok ? h[5] : null;
        NEW_ARENA = ok ? h[6] : null;
        ALLOCATE = ok ? h[7] : null;
        CLOSE_ARENA = ok ? h[8] : null;
        ADDRESS = ok ? h[9] : null;
        COPY_IN = ok ? h[10] : null;
        COPY_OUT = ok ? h[11] : null;
        SET_INT = ok ? h[12] : null;
        SET_LONG = ok ? h[13] : null;
        GET_INT = ok ? h[14] : null;
    }

    private NativeZlib() {}

    /** Null when the system zlib is in use, else why not. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /** The system zlib's version string, or null. */
    static String version() {
        if (UNAVAILABLE != null) {
            return null;
        }
        try {
            return versionString((long) ZLIB_VERSION.invokeExact());
        } catch (Throwable t) {
            return null;
        }
    }

    private static String versionString(long p) throws Throwable {
        // a short C string: view 32 bytes at that address, stop at the NUL
        byte[] b = new byte[32];
        Class<?> seg = Class.forName("java.lang.foreign.MemorySegment");
        Object s = seg.getMethod("ofAddress", long.class).invoke(null, p);
        s = seg.getMethod("reinterpret", long.class).invoke(s, (long) b.length);
        COPY_OUT.invoke(s, 0L, b, 0, b.length);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String bind(MethodHandle[] h) throws Throwable {
        if (Runtime.version().feature() < 22) {
            return "needs Java 22 or newer (this is " + Runtime.version().feature() + ")";
        }
        if (!System.getProperty("os.name", "").equals("Linux") || !"64".equals(System.getProperty("sun.arch.data.model"))) {
            return "only on 64-bit Linux";
        }
        Method enabled = Module.class.getMethod("isNativeAccessEnabled");
        if (!(boolean) enabled.invoke(NativeZlib.class.getModule())) {
            return "native access is not enabled (--enable-native-access=ALL-UNNAMED)";
        }
        MethodHandles.Lookup lk = MethodHandles.publicLookup();
        Class<?> cLinker = Class.forName("java.lang.foreign.Linker");
        Class<?> cOption = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> cArena = Class.forName("java.lang.foreign.Arena");
        Class<?> cSeg = Class.forName("java.lang.foreign.MemorySegment");
        Class<?> cLookup = Class.forName("java.lang.foreign.SymbolLookup");
        Class<?> cFd = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> cLayout = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> cValue = Class.forName("java.lang.foreign.ValueLayout");
        Class<?> cOfInt = Class.forName("java.lang.foreign.ValueLayout$OfInt");
        Class<?> cOfLong = Class.forName("java.lang.foreign.ValueLayout$OfLong");
        Object jInt = cValue.getField("JAVA_INT").get(null);
        Object jLong = cValue.getField("JAVA_LONG").get(null);
        Object jByte = cValue.getField("JAVA_BYTE").get(null);
        Object linker = cLinker.getMethod("nativeLinker").invoke(null);
        Object global = cArena.getMethod("global").invoke(null);
        Object lib;
        try {
            lib = cLookup.getMethod("libraryLookup", String.class, cArena).invoke(null, "libz.so.1", global);
        } catch (java.lang.reflect.InvocationTargetException e) {
            return "libz.so.1 not found: " + e.getCause().getMessage();
        }
        Method find = cLookup.getMethod("find", String.class);
        Method fdOf = cFd.getMethod("of", cLayout, cLayout.arrayType());
        Method downcall = cLinker.getMethod("downcallHandle", cSeg, cFd, cOption.arrayType());
        // pointers are passed as 64-bit integers: the same registers in the LP64 calling conventions
        Function fn = (name, ret, args) -> {
            Optional<?> sym = (Optional<?>) find.invoke(lib, name);
            if (sym.isEmpty()) {
                throw new IOException("libz.so.1 has no " + name);
            }
            Object arr = Array.newInstance(cLayout, args.length);
            for (int i = 0; i < args.length; i++) {
                Array.set(arr, i, args[i]);
            }
            return (MethodHandle) downcall.invoke(linker, sym.get(), fdOf.invoke(null, ret, arr),
                    Array.newInstance(cOption, 0));
        };
        h[0] = fn.get("zlibVersion", jLong);
        h[1] = fn.get("deflateInit2_", jInt, jLong, jInt, jInt, jInt, jInt, jInt, jLong, jInt);
        h[2] = fn.get("deflateReset", jInt, jLong);
        h[3] = fn.get("deflateSetDictionary", jInt, jLong, jLong, jInt);
        h[4] = fn.get("deflate", jInt, jLong, jInt);
        h[5] = fn.get("deflateEnd", jInt, jLong);
        MethodType obj = MethodType.methodType(Object.class);
        h[6] = lk.findStatic(cArena, "ofShared", MethodType.methodType(cArena)).asType(obj);
        h[7] = lk.findVirtual(cArena, "allocate", MethodType.methodType(cSeg, long.class, long.class))
                .asType(MethodType.methodType(Object.class, Object.class, long.class, long.class));
        h[8] = lk.findVirtual(cArena, "close", MethodType.methodType(void.class))
                .asType(MethodType.methodType(void.class, Object.class));
        h[9] = lk.findVirtual(cSeg, "address", MethodType.methodType(long.class))
                .asType(MethodType.methodType(long.class, Object.class));
        h[10] = MethodHandles.insertArguments(lk.findStatic(cSeg, "copy", MethodType.methodType(void.class,
                        Object.class, int.class, cSeg, cValue, long.class, int.class)), 3, jByte)
                .asType(MethodType.methodType(void.class, Object.class, int.class, Object.class, long.class, int.class));
        h[11] = MethodHandles.insertArguments(lk.findStatic(cSeg, "copy", MethodType.methodType(void.class,
                        cSeg, cValue, long.class, Object.class, int.class, int.class)), 1, jByte)
                .asType(MethodType.methodType(void.class, Object.class, long.class, Object.class, int.class, int.class));
        h[12] = MethodHandles.insertArguments(lk.findVirtual(cSeg, "set",
                        MethodType.methodType(void.class, cOfInt, long.class, int.class)), 1, jInt)
                .asType(MethodType.methodType(void.class, Object.class, long.class, int.class));
        h[13] = MethodHandles.insertArguments(lk.findVirtual(cSeg, "set",
                        MethodType.methodType(void.class, cOfLong, long.class, long.class)), 1, jLong)
                .asType(MethodType.methodType(void.class, Object.class, long.class, long.class));
        h[14] = MethodHandles.insertArguments(lk.findVirtual(cSeg, "get",
                        MethodType.methodType(int.class, cOfInt, long.class)), 1, jInt)
                .asType(MethodType.methodType(int.class, Object.class, long.class));
        return null;
    }

    private interface Function {
        MethodHandle get(String name, Object ret, Object... args) throws Throwable;
    }

    /**
     * One raw-deflate stream with its native buffers; used by one thread at a time. Each call
     * compresses one block: reset, prime with up to 32 KiB of dictionary, then a sync flush (or
     * the final block when {@code last}).
     */
    static final class Stream {
        private final Object arena;
        private final Object zs;
        private final long zsAddr;
        private final Object in;
        private final long inAddr;
        private final int inCap;
        private final Object out;
        private final long outAddr;
        private final int outCap;
        private boolean ended;

        Stream(int level, int maxBlock, int maxDict) throws IOException {
            if (UNAVAILABLE != null) {
                throw new IOException(UNAVAILABLE);
            }
            try {
                arena = NEW_ARENA.invoke();
                zs = ALLOCATE.invoke(arena, (long) ZS_SIZE, 16L); // zeroed: zalloc/zfree/opaque = Z_NULL
                zsAddr = (long) ADDRESS.invoke(zs);
                inCap = maxDict + maxBlock;
                in = ALLOCATE.invoke(arena, (long) inCap, 16L);
                inAddr = (long) ADDRESS.invoke(in);
                // stored-block worst case plus the flush marker, with room to spare
                outCap = maxBlock + (maxBlock >> 3) + 1024;
                out = ALLOCATE.invoke(arena, (long) outCap, 16L);
                outAddr = (long) ADDRESS.invoke(out);
                long version = (long) ZLIB_VERSION.invokeExact();
                int rc = (int) DEFLATE_INIT2.invokeExact(zsAddr, level, Z_DEFLATED, -15, 8, 0, version, ZS_SIZE);
                if (rc != Z_OK) {
                    CLOSE_ARENA.invoke(arena);
                    throw new IOException("zlib deflateInit2 failed: " + rc);
                }
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException("system zlib: " + t, t);
            }
        }

        /** Compresses {@code src[0..len)} primed with {@code dict[dictOff..dictOff+dictLen)}; returns the deflate bytes. */
        byte[] compress(byte[] dict, int dictOff, int dictLen, byte[] src, int len, boolean last) throws IOException {
            if (dictLen + len > inCap) {
                throw new IllegalArgumentException("block of " + len + " bytes exceeds " + (inCap - dictLen));
            }
            try {
                check("deflateReset", (int) DEFLATE_RESET.invokeExact(zsAddr), Z_OK);
                if (dictLen > 0) {
                    COPY_IN.invokeExact((Object) dict, dictOff, in, 0L, dictLen);
                    check("deflateSetDictionary", (int) DEFLATE_DICT.invokeExact(zsAddr, inAddr, dictLen), Z_OK);
                }
                COPY_IN.invokeExact((Object) src, 0, in, (long) dictLen, len);
                SET_LONG.invokeExact(zs, NEXT_IN, inAddr + dictLen);
                SET_INT.invokeExact(zs, AVAIL_IN, len);
                SET_LONG.invokeExact(zs, NEXT_OUT, outAddr);
                SET_INT.invokeExact(zs, AVAIL_OUT, outCap);
                int rc = (int) DEFLATE.invokeExact(zsAddr, last ? Z_FINISH : Z_SYNC_FLUSH);
                check("deflate", rc, last ? Z_STREAM_END : Z_OK);
                int leftIn = (int) GET_INT.invokeExact(zs, AVAIL_IN);
                int leftOut = (int) GET_INT.invokeExact(zs, AVAIL_OUT);
                if (leftIn != 0 || leftOut == 0) {
                    throw new IOException("zlib deflate stopped early (" + leftIn + " bytes of input left)");
                }
                int n = outCap - leftOut;
                byte[] o = new byte[n];
                COPY_OUT.invokeExact(out, 0L, (Object) o, 0, n);
                return o;
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException("system zlib: " + t, t);
            }
        }

        private static void check(String what, int rc, int want) throws IOException {
            if (rc != want) {
                throw new IOException("zlib " + what + " returned " + rc);
            }
        }

        /** Frees the zlib state and the buffers. Only when no thread is inside {@link #compress}. */
        void end() {
            if (ended) {
                return;
            }
            ended = true;
            try {
                int ignored = (int) DEFLATE_END.invokeExact(zsAddr);
                CLOSE_ARENA.invoke(arena);
            } catch (Throwable t) {
                // nothing left to do with a stream that is going away
            }
        }
    }
}
