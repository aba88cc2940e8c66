package io.ww4j.dhcp;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ww4j.config.WarewulfConf;
import io.ww4j.status.StatusTracker;
import io.ww4j.testing.ExternalTool;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.Test;

/**
 * Malformed input against the real server on the loopback device: every bad packet is counted and
 * dropped, nothing crashes, and an INFORM sent between bursts is still answered.
 */
class DhcpBadInputTest {
    /** Server port P, client port P+1 (DHCP's fixed pair); random so parallel runs on one machine do not collide. */
    static final int PORT = 20000 + 2 * new java.util.Random().nextInt(10000);
    static final String KNOWN = "52:54:00:bb:00:01";

    @Test
    void malformedAndFuzzedPacketsAreDroppedAndServerKeepsAnswering() throws Exception {
        assumeTrue(ExternalTool.isRoot(), "SO_BINDTODEVICE needs root");
        WarewulfConf c = new WarewulfConf();
        c.ipaddr = "127.0.0.1";
        c.netmask = "255.0.0.0";
        c.dhcp.port = PORT;
        c.dhcp.interfaces = List.of("lo");
        DhcpSettings s = DhcpSettings.from(c);
        DhcpNodes nodes = DhcpNodes.of(Map.of(KNOWN, new DhcpHost("n1", "n1", Packets.ip("127.0.0.1"), null, null, 0, null, null)));
        try (DhcpServer srv = new DhcpServer(s, new DhcpEngine(s, nodes, LeaseStore.none(), new StatusTracker(), System::currentTimeMillis));
             DatagramSocket sock = new DatagramSocket(new InetSocketAddress("127.0.0.1", PORT + 1))) {
            srv.start();
            sock.setSoTimeout(10_000);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", PORT);
            int sent = 0;

            byte[] good = Packets.request(DHCPConstants.DHCPDISCOVER, KNOWN).serialize();
            byte[] truncated = java.util.Arrays.copyOf(good, 100);
            byte[] cookie = good.clone();
            cookie[237] = 0;
            byte[] pastEnd = good.clone();
            pastEnd[240] = 12;
            pastEnd[241] = (byte) 255;
            for (byte[] b : List.of(truncated, cookie, pastEnd, new byte[0], new byte[1])) {
                sock.send(new DatagramPacket(b, b.length, to));
                sent++;
            }
            assertAnswered(sock, to);
            sent++;
            awaitReceived(srv, sent);
            assertEquals(5, srv.stats().dropped(), srv.stats().toString());

            Random rnd = new Random(8);
            int fuzz = 3000;
            for (int i = 0; i < fuzz; i++) {
                byte[] b;
                if (i % 2 == 0) {
                    b = new byte[rnd.nextInt(600)];
                    rnd.nextBytes(b);
                } else {
                    b = good.clone();
                    for (int k = 0, n = 1 + rnd.nextInt(8); k < n; k++) {
                        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    }
                    if (rnd.nextBoolean()) {
                        b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
                    }
                }
                // never let a mutated packet name a real unicast destination (ciaddr, giaddr)
                for (int k = 12; k < 16 && k < b.length; k++) {
                    b[k] = 0;
                }
                for (int k = 24; k < 28 && k < b.length; k++) {
                    b[k] = 0;
                }
                sock.send(new DatagramPacket(b, b.length, to));
                sent++;
                if (i % 100 == 99) {
                    assertAnswered(sock, to); // paced, and proof the server still answers
                    sent++;
                }
            }
            awaitReceived(srv, sent);
            DhcpServer.Stats st = srv.stats();
            assertEquals(0, st.errors(), st.toString());
            assertEquals(st.received(), st.dropped() + st.ignored() + st.answered(), "every packet accounted for: " + st);
            assertTrue(st.dropped() >= 5 + fuzz / 2, "random packets are dropped: " + st);
        }
    }

    private static void assertAnswered(DatagramSocket sock, InetSocketAddress to) throws Exception {
        DHCPPacket inform = Packets.request(DHCPConstants.DHCPINFORM, KNOWN);
        inform.setCiaddr(InetAddress.getByName("127.0.0.1"));
        inform.setXid(0x0BADCAFE);
        byte[] b = inform.serialize();
        sock.send(new DatagramPacket(b, b.length, to));
        byte[] buf = new byte[1500];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                sock.receive(p);
            } catch (SocketTimeoutException e) {
                fail("server stopped answering");
            }
            DHCPPacket r = DHCPPacket.getPacket(p.getData(), 0, p.getLength(), false);
            if (r.getXid() == 0x0BADCAFE && r.getDHCPMessageType() == DHCPConstants.DHCPACK) {
                return;
            }
        }
    }

    private static void awaitReceived(DhcpServer srv, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (srv.stats().received() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(n, srv.stats().received(), "server saw every datagram");
    }
}
