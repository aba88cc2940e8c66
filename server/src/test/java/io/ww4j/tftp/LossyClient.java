package io.ww4j.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A TFTP read client over a raw DatagramSocket that drops every n-th DATA packet it receives, as
 * if the network lost it. It behaves like a well-written client otherwise: ACKs each window,
 * ACKs the last in-order block once when it sees a gap (RFC 7440), re-ACKs on its own timeout.
 */
final class LossyClient {
    private LossyClient() {}

    static byte[] fetch(int port, String name, int dropEvery, String... options) throws IOException {
        try (TftpFixture.Raw raw = new TftpFixture.Raw()) {
            byte[] rrq = TftpFixture.rrq(name, "octet", options);
            raw.send(rrq, port);
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            int blksize = 512;
            int window = 1;
            long expect = 1; // next block wanted (absolute)
            int inWindow = 0;
            boolean gapReported = false;
            int received = 0;
            int dropped = 0;
            int silences = 0;
            boolean started = false;
            while (true) {
                ByteBuffer p = raw.receive(300);
                if (p == null) {
                    assertTrue(++silences < 50, "server went silent");
                    if (!started) {
                        raw.send(rrq, port);
                    } else {
                        raw.sendToPeer(TftpFixture.ack(expect - 1));
                    }
                    continue;
                }
                silences = 0;
                started = true;
                int op = TftpFixture.opcode(p);
                if (op == 6) { // OACK
                    Map<String, String> o = TftpFixture.oackOptions(p);
                    blksize = Integer.parseInt(o.getOrDefault("blksize", "512"));
                    window = Integer.parseInt(o.getOrDefault("windowsize", "1"));
                    raw.sendToPeer(TftpFixture.ack(0));
                    continue;
                }
                if (op == 5) {
                    fail("server sent an error: " + new String(p.array(), p.arrayOffset() + 4, p.remaining() - 5));
                }
                assertEquals(3, op, "DATA expected");
                if (++received % dropEvery == 0) {
                    dropped++;
                    continue; // "lost"
                }
                int len = p.remaining() - 4;
                if (TftpFixture.block(p) == (int) (expect & 0xFFFF)) {
                    data.write(p.array(), p.arrayOffset() + 4, len);
                    expect++;
                    gapReported = false;
                    if (len < blksize) {
                        raw.sendToPeer(TftpFixture.ack(expect - 1));
                        assertTrue(dropped > 0 || received < dropEvery, "the client never dropped anything");
                        return data.toByteArray();
                    }
                    if (++inWindow >= window) {
                        raw.sendToPeer(TftpFixture.ack(expect - 1));
                        inWindow = 0;
                    }
                } else if (window > 1 && !gapReported) {
                    raw.sendToPeer(TftpFixture.ack(expect - 1));
                    gapReported = true;
                    inWindow = 0;
                }
            }
        }
    }
}
