package io.ww4j.daemon;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire format between wwctl and warewulfd on the control socket: frames of
 * {@code type:u8 length:u32 payload}. The client sends one REQUEST, then only answers what the
 * daemon asks for (stdin, a prompt, an editor session); the daemon streams STDOUT/STDERR frames
 * and ends with EXIT. Nothing is read and written at the same time on either side.
 */
public final class ControlProtocol {
    private ControlProtocol() {}

    public static final int VERSION = 1;

    // client -> daemon
    public static final byte REQUEST = 'R';
    public static final byte STDIN_DATA = 'I';
    public static final byte PROMPT_ANSWER = 'A';
    public static final byte EDITED = 'E';
    // daemon -> client
    public static final byte STDOUT = 'o';
    public static final byte STDERR = 'e';
    public static final byte STDIN_WANTED = 'i';
    public static final byte PROMPT = 'p';
    public static final byte EDIT = 'd';
    public static final byte EXIT = 'x';

    /** Largest frame either side accepts (an edited nodes file can be large). */
    public static final int MAX_FRAME = 64 << 20;

    /** Environment variables the client forwards; the rest of its environment stays private. */
    public static final List<String> FORWARDED_ENV = List.of("WAREWULFCONF", "EDITOR", "VISUAL", "TERM", "NO_COLOR",
            "HOME", "USER", "LANG", "TZ");

    public record Frame(byte type, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    public static void write(DataOutputStream out, byte type, byte[] payload) throws IOException {
        out.writeByte(type);
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    public static Frame read(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed");
        }
        int len = in.readInt();
        if (len < 0 || len > MAX_FRAME) {
            throw new IOException("bad frame length " + len);
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        return new Frame((byte) type, payload);
    }

    public static byte[] encodeRequest(CommandRequest r) {
        var buf = new java.io.ByteArrayOutputStream();
        try (var out = new DataOutputStream(buf)) {
            out.writeInt(VERSION);
            out.writeInt(r.argv().size());
            for (String a : r.argv()) {
                writeString(out, a);
            }
            writeString(out, r.cwd());
            out.writeInt(r.env().size());
            for (var e : r.env().entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
            out.writeBoolean(r.interactive());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return buf.toByteArray();
    }

    public static CommandRequest decodeRequest(byte[] payload) throws IOException {
        var in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("wwctl speaks protocol " + version + ", warewulfd speaks " + VERSION);
        }
        int argc = in.readInt();
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < argc; i++) {
            argv.add(readString(in));
        }
        String cwd = readString(in);
        int envc = in.readInt();
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < envc; i++) {
            env.put(readString(in), readString(in));
        }
        boolean interactive = in.readBoolean();
        return new CommandRequest(argv, cwd, env, interactive);
    }

    public static byte[] intPayload(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    public static int intOf(byte[] p) {
        return ((p[0] & 255) << 24) | ((p[1] & 255) << 16) | ((p[2] & 255) << 8) | (p[3] & 255);
    }

    /** An edit request: the file suffix, then the text. */
    public static byte[] encodeEdit(String suffix, String text) {
        var buf = new java.io.ByteArrayOutputStream();
        try (var out = new DataOutputStream(buf)) {
            writeString(out, suffix);
            writeString(out, text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return buf.toByteArray();
    }

    public static String[] decodeEdit(byte[] payload) throws IOException {
        var in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        return new String[] {readString(in), readString(in)};
    }

    /** An edit answer: ok flag, then the edited text or an error message. */
    public static byte[] encodeEdited(boolean ok, String text) {
        var buf = new java.io.ByteArrayOutputStream();
        try (var out = new DataOutputStream(buf)) {
            out.writeBoolean(ok);
            writeString(out, text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return buf.toByteArray();
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > MAX_FRAME) {
            throw new IOException("bad string length " + len);
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
