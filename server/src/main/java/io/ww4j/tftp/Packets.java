package io.ww4j.tftp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.net.tftp.TFTPPacket;
import org.apache.commons.net.tftp.TFTPPacketException;
import org.apache.commons.net.tftp.TFTPRequestPacket;

/**
 * TFTP wire format: request parsing (on commons-net's packet classes, guarded so that nothing
 * malformed escapes as an exception) and the packets the server sends (DATA, OACK, ERROR), which
 * are written straight into Netty buffers.
 */
final class Packets {
    static final int RRQ = 1;
    static final int WRQ = 2;
    static final int DATA = 3;
    static final int ACK = 4;
    static final int ERROR = 5;
    static final int OACK = 6;

    // RFC 1350 / RFC 2347 error codes
    static final int E_UNDEFINED = 0;
    static final int E_NOT_FOUND = 1;
    static final int E_ACCESS = 2;
    static final int E_ILLEGAL = 4;
    static final int E_UNKNOWN_TID = 5;
    static final int E_OPTIONS = 8;

    private Packets() {}

    /** A parsed read or write request. Options are keyed in lower case, in arrival order. */
    record Request(int opcode, String filename, boolean netascii, Map<String, String> options) {}

    /** Thrown for a request that cannot be parsed; the message goes back to the client. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** The opcode of a datagram, or -1 when it is too short to carry one. */
    static int opcode(ByteBuf b) {
        return b.readableBytes() < 2 ? -1 : b.getUnsignedShort(b.readerIndex());
    }

    /**
     * Parses an RRQ/WRQ with commons-net. commons-net assumes well-formed input in places (and
     * knows only "netascii" and "octet"), so every failure, checked or not, becomes {@link Malformed}.
     */
    static Request parseRequest(ByteBuf b, InetSocketAddress from) throws Malformed {
        int len = b.readableBytes();
        if (len < 4) {
            throw new Malformed("request too short");
        }
        byte[] bytes = new byte[len];
        b.getBytes(b.readerIndex(), bytes);
        if (bytes[len - 1] != 0) {
            throw new Malformed("request not NUL-terminated");
        }
        TFTPPacket p;
        try {
            p = TFTPPacket.newTFTPPacket(new DatagramPacket(bytes, len, from.getAddress(), from.getPort()));
        } catch (TFTPPacketException e) {
            throw new Malformed("malformed request: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new Malformed("malformed request");
        }
        if (!(p instanceof TFTPRequestPacket r)) {
            throw new Malformed("not a request");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : r.getOptions().entrySet()) {
            options.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        }
        return new Request(r.getType(), r.getFilename(), r.getMode() == 0, options);
    }

    /** The block number of an ACK, or -1 if this is not a well-formed ACK. */
    static int ackBlock(ByteBuf b) {
        if (b.readableBytes() < 4 || opcode(b) != ACK) {
            return -1;
        }
        return b.getUnsignedShort(b.readerIndex() + 2);
    }

    /** The message of an ERROR packet, for logs (never trusted beyond that). */
    static String errorText(ByteBuf b) {
        if (b.readableBytes() < 4) {
            return "";
        }
        int code = b.getUnsignedShort(b.readerIndex() + 2);
        int start = b.readerIndex() + 4;
        int end = b.indexOf(start, b.writerIndex(), (byte) 0);
        int n = Math.min(200, (end < 0 ? b.writerIndex() : end) - start);
        String text = b.toString(start, Math.max(0, n), StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7e]", "?");
        return "code " + code + (text.isEmpty() ? "" : " \"" + text + "\"");
    }

    static ByteBuf error(ByteBufAllocator alloc, int code, String message) {
        byte[] text = message.getBytes(StandardCharsets.US_ASCII);
        ByteBuf b = alloc.buffer(5 + text.length);
        b.writeShort(ERROR).writeShort(code).writeBytes(text).writeByte(0);
        return b;
    }

    static ByteBuf oack(ByteBufAllocator alloc, Map<String, String> accepted) {
        ByteBuf b = alloc.buffer(64);
        b.writeShort(OACK);
        for (Map.Entry<String, String> e : accepted.entrySet()) {
            b.writeCharSequence(e.getKey(), StandardCharsets.US_ASCII);
            b.writeByte(0);
            b.writeCharSequence(e.getValue(), StandardCharsets.US_ASCII);
            b.writeByte(0);
        }
        return b;
    }
}
