package io.ww4j.tftp;

import static io.ww4j.tftp.TftpFixture.ack;
import static io.ww4j.tftp.TftpFixture.block;
import static io.ww4j.tftp.TftpFixture.opcode;
import static io.ww4j.tftp.TftpFixture.rrq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.status.BootEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and odd packets: an error or silence, nothing from outside the root, and the server keeps serving. */
class TftpBadInputTest {
    @TempDir
    static Path tmp;
    static TftpFixture fx;

    @BeforeAll
    static void start() throws IOException {
        fx = new TftpFixture(tmp, false, 1000);
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    /** After every test: the server still serves a normal file, completely. */
    @AfterEach
    void stillServing() throws Exception {
        try (TftpFixture.Raw raw = new TftpFixture.Raw()) {
            byte[] got = fetch(raw, "f513");
            assertArrayEquals(Files.readAllBytes(fx.root.resolve("f513")), got);
        }
    }

    private static byte[] fetch(TftpFixture.Raw raw, String name) throws IOException {
        raw.send(rrq(name, "octet"), fx.port());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (true) {
            ByteBuffer p = raw.receive(30000);
            assertNotNull(p, "no DATA for " + name);
            assertEquals(3, opcode(p), "DATA expected for " + name + ", got " + describe(p));
            out.write(p.array(), p.arrayOffset() + 4, p.remaining() - 4);
            raw.sendToPeer(ack(block(p)));
            if (p.remaining() - 4 < 512) {
                return out.toByteArray();
            }
        }
    }

    /** Sends one packet to the request port and returns the error code of the reply (-1 for silence). */
    private static int errorFor(byte[] packet) throws IOException {
        try (TftpFixture.Raw raw = new TftpFixture.Raw()) {
            raw.send(packet, fx.port());
            ByteBuffer p = raw.receive(4000);
            if (p == null) {
                return -1;
            }
            assertEquals(5, opcode(p), "ERROR expected, got " + describe(p));
            return block(p); // the error code sits where a block number would
        }
    }

    private static String describe(ByteBuffer p) {
        return "opcode " + opcode(p) + " " + new String(p.array(), p.arrayOffset(), Math.min(p.remaining(), 80),
                StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", ".");
    }

    @Test
    void pathTraversalIsRefused() throws Exception {
        assertEquals(2, errorFor(rrq("../../etc/passwd", "octet")));
        assertEquals(2, errorFor(rrq("sub/../../secret", "octet")));
        assertEquals(2, errorFor(rrq("..\\secret", "octet")));
        assertEquals(2, errorFor(rrq("/../secret", "octet")));
    }

    @Test
    void absolutePathsStayInsideTheRoot() throws Exception {
        // a leading "/" means the TFTP root (DHCP hands out /warewulf/...): /etc/passwd is <root>/etc/passwd
        assertEquals(1, errorFor(rrq("/etc/passwd", "octet")));
        assertEquals(1, errorFor(rrq(fx.base.resolve("secret").toString(), "octet")));
        try (TftpFixture.Raw raw = new TftpFixture.Raw()) {
            assertEquals("inside\n", new String(fetch(raw, "/sub/inside"), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void symlinkOutOfTheRootIsRefused() throws Exception {
        assertEquals(2, errorFor(rrq("escape", "octet")));
        try (TftpFixture.Raw raw = new TftpFixture.Raw()) {
            assertEquals("inside\n", new String(fetch(raw, "link-inside"), StandardCharsets.US_ASCII));
        }
        BootEvent e = fx.status.trace("n0001").stream().filter(x -> x.file().equals("escape")).findFirst().orElseThrow();
        assertFalse(e.ok());
    }

    @Test
    void writeRequestIsRefused() throws Exception {
        byte[] wrq = rrq("upload", "octet");
        wrq[1] = 2;
        assertEquals(2, errorFor(wrq));
        assertFalse(Files.exists(fx.root.resolve("upload")));
    }

    @Test
    void unknownOpcodesAndStrayPackets() throws Exception {
        assertEquals(4, errorFor(new byte[] {0, 9, 'x', 0}));
        assertEquals(4, errorFor(new byte[] {(byte) 0xff, (byte) 0xff}));
        assertEquals(4, errorFor(new byte[] {0, 0, 1, 2, 3}));
        // replies sent to the request port get no answer
        assertEquals(-1, errorFor(ack(1)));
        assertEquals(-1, errorFor(new byte[] {0, 3, 0, 1, 'x'}));
        assertEquals(-1, errorFor(new byte[] {0, 5, 0, 1, 'x', 0}));
        assertEquals(-1, errorFor(new byte[] {0, 6, 'a', 0, '1', 0}));
    }

    @Test
    void zeroLengthAndHugePackets() throws Exception {
        assertEquals(-1, errorFor(new byte[0]));
        assertEquals(-1, errorFor(new byte[] {0}));
        byte[] big = new byte[65_000];
        Arrays.fill(big, (byte) 'a');
        big[0] = 0;
        big[1] = 1;
        int code = errorFor(big); // a 65 KB "RRQ" with no terminator
        assertTrue(code == 4 || code == -1, "code " + code);
        big[big.length - 1] = 0; // one 65 KB file name, no mode
        code = errorFor(big);
        assertTrue(code == 4 || code == -1, "code " + code);
        byte[] noMode = rrq("f513", "octet");
        assertEquals(4, errorFor(Arrays.copyOf(noMode, 7))); // "f513\0" and a cut-off mode
        assertEquals(4, errorFor(rrq("f513", "mail")));
        assertEquals(4, errorFor(new byte[] {0, 1, 0, 0}));
    }

    @Test
    void outOfRangeOptionValues() throws Exception {
        assertEquals(8, errorFor(rrq("f513", "octet", "blksize", "7")));
        assertEquals(8, errorFor(rrq("f513", "octet", "blksize", "-1")));
        assertEquals(8, errorFor(rrq("f513", "octet", "blksize", "9999999999999999999999")));
        assertEquals(8, errorFor(rrq("f513", "octet", "windowsize", "0")));
        assertEquals(8, errorFor(rrq("f513", "octet", "windowsize", "65536")));
        assertEquals(8, errorFor(rrq("f513", "octet", "timeout", "0")));
        assertEquals(8, errorFor(rrq("f513", "octet", "timeout", "256")));
        assertEquals(8, errorFor(rrq("f513", "octet", "tsize", "abc")));
        int code = errorFor(rrq("f513", "octet", "blksize")); // option without a value
        assertTrue(code == 4 || code == 8, "code " + code);
    }

    @Test
    void oversizedBlksizeIsClampedAndUnknownOptionsIgnored() throws Exception {
        try (TftpFixture.Raw raw = new TftpFixture.Raw()) {
            raw.send(rrq("f1048576", "octet", "blksize", "70000", "tsize", "0", "frobnicate", "1"), fx.port());
            ByteBuffer p = raw.receive(30000);
            assertNotNull(p);
            assertEquals(6, opcode(p));
            assertEquals(Map.of("blksize", "65464", "tsize", "1048576"), TftpFixture.oackOptions(p));
            raw.sendToPeer(ack(0));
            ByteBuffer d = raw.receive(30000);
            assertEquals(3, opcode(d));
            assertEquals(1, block(d));
            assertEquals(4 + 65464, d.remaining());
            // abort: the server ends the transfer
            raw.sendToPeer(new byte[] {0, 5, 0, 0, 'b', 'y', 'e', 0});
        }
        fx.awaitIdle();
    }

    /** EDK2 asks for tsize, then aborts with error 8 after the OACK to learn the size. */
    @Test
    void sizeProbeAbortAfterOack() throws Exception {
        try (TftpFixture.Raw raw = new TftpFixture.Raw()) {
            raw.send(rrq("warewulf/undionly.kpxe", "octet", "tsize", "0", "blksize", "1468"), fx.port());
            ByteBuffer p = raw.receive(30000);
            assertEquals(6, opcode(p));
            assertEquals("70000", TftpFixture.oackOptions(p).get("tsize"));
            raw.sendToPeer(new byte[] {0, 5, 0, 8, 0});
        }
        fx.awaitIdle();
    }

    /** Duplicate ACKs never trigger duplicate DATA (the Sorcerer's Apprentice bug). */
    @Test
    void duplicateAcksAreNotAnswered() throws Exception {
        try (TftpFixture.Raw raw = new TftpFixture.Raw()) {
            raw.send(rrq("f1048576", "octet", "timeout", "60"), fx.port());
            ByteBuffer p = raw.receive(30000);
            assertEquals(6, opcode(p));
            raw.sendToPeer(ack(0));
            p = raw.receive(30000);
            assertEquals(1, block(p));
            raw.sendToPeer(ack(1));
            raw.sendToPeer(ack(1));
            raw.sendToPeer(ack(1));
            raw.sendToPeer(ack(0));
            p = raw.receive(30000);
            assertEquals(2, block(p));
            // the timeout is 60 s: anything arriving now would be an answer to a duplicate ACK
            assertNull(raw.receive(1500), "server answered a duplicate ACK");
            // an ACK from the future (never sent) is ignored too
            raw.sendToPeer(ack(500));
            assertNull(raw.receive(500));
            raw.sendToPeer(new byte[] {0, 5, 0, 0, 0});
        }
        fx.awaitIdle();
    }

    /** A retransmitted RRQ from the same client port does not start a second transfer. */
    @Test
    void retransmittedRequestIsNotDoubled() throws Exception {
        try (TftpFixture.Raw raw = new TftpFixture.Raw()) {
            raw.send(rrq("f1048576", "octet", "timeout", "60"), fx.port());
            raw.send(rrq("f1048576", "octet", "timeout", "60"), fx.port());
            assertNotNull(raw.receive(30000));
            assertNull(raw.receive(1500), "second OACK: the RRQ was served twice");
            assertEquals(1, fx.server.activeTransfers());
            raw.sendToPeer(new byte[] {0, 5, 0, 0, 0});
        }
        fx.awaitIdle();
    }

    @Test
    void retransmitsWhenAcksDoNotCome() throws Exception {
        try (TftpFixture.Raw raw = new TftpFixture.Raw()) {
            raw.send(rrq("f513", "octet", "utimeout", "100000"), fx.port());
            assertEquals(6, opcode(raw.receive(30000)));
            ByteBuffer again = raw.receive(30000);
            assertNotNull(again, "OACK not retransmitted");
            assertEquals(6, opcode(again));
            raw.sendToPeer(ack(0));
            assertEquals(1, block(raw.receive(30000)));
            ByteBuffer d = raw.receive(30000);
            assertNotNull(d, "DATA not retransmitted");
            assertEquals(1, block(d));
            raw.sendToPeer(new byte[] {0, 5, 0, 0, 0});
        }
        fx.awaitIdle();
    }

    @Test
    void fullServerDropsRequestsUntilASlotFrees() throws Exception {
        try (TftpFixture small = new TftpFixture(tmp.resolve("one-slot"), false, 1);
             TftpFixture.Raw first = new TftpFixture.Raw();
             TftpFixture.Raw second = new TftpFixture.Raw()) {
            first.send(rrq("f1048576", "octet", "timeout", "60"), small.port());
            assertEquals(6, opcode(first.receive(30000)));
            second.send(rrq("f513", "octet"), small.port());
            assertNull(second.receive(1500), "served beyond tftp.max transfers");
            first.sendToPeer(new byte[] {0, 5, 0, 0, 0});
            small.awaitIdle();
            second.send(rrq("f513", "octet"), small.port()); // the client's retry
            ByteBuffer d = second.receive(30000);
            assertNotNull(d);
            assertEquals(3, opcode(d));
        }
    }
}
