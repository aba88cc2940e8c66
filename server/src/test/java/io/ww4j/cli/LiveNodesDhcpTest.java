package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ww4j.daemon.Warewulfd;
import io.ww4j.testing.ExternalTool;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Set;
import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node added with wwctl through the running daemon's control socket is answered by the
 * daemon's DHCP server on the next packet: no restart, no reload.
 */
class LiveNodesDhcpTest {
    /** Server port P, client port P+1; random so parallel runs on one machine do not collide. */
    static final int PORT = 20001 + 2 * new java.util.Random().nextInt(10000);
    static final String MAC = "52:54:00:cc:00:07";

    @TempDir
    Path tmp;

    @Test
    void nodeAddedThroughWwctlIsServedByDhcpWithoutRestart() throws Exception {
        assumeTrue(ExternalTool.isRoot(), "SO_BINDTODEVICE needs root");
        try (Harness h = new Harness(tmp)) {
            String conf = Files.readString(h.confFile).replace("""
                    dhcp:
                      enabled: false
                      mode: "off"
                    """, """
                    dhcp:
                      enabled: true
                      port: %d
                      interfaces:
                      - lo
                    """.formatted(PORT));
            Files.writeString(h.confFile, conf);
            Set<String> wanted = Set.of("nodes", "dhcp", "control socket");
            try (Warewulfd d = Warewulfd.start(h.conf(), Warewulfd.SERVICES.stream()
                    .filter(s -> wanted.contains(s.name())).toList());
                 DatagramSocket sock = new DatagramSocket(null)) {
                sock.setReuseAddress(true);
                sock.setBroadcast(true);
                sock.bind(new InetSocketAddress(PORT + 1));
                sock.setSoTimeout(3_000);

                assertNull(offer(sock, 1), "unknown MAC, no range: no answer");
                Harness.Result add = h.viaDaemon("node", "add", "n7", "--hwaddr", MAC, "--ipaddr", "127.0.0.7",
                        "--netmask", "255.0.0.0");
                assertEquals(0, add.code(), add.all());
                DHCPPacket o = offer(sock, 2);
                assertEquals("127.0.0.7", o == null ? null : o.getYiaddr().getHostAddress(), "offer after wwctl node add");
                assertEquals("n7", o.getOptionAsString(DHCPConstants.DHO_HOST_NAME));

                Harness.Result set = h.viaDaemon("node", "set", "n7", "--ipaddr", "127.0.0.8", "-y");
                assertEquals(0, set.code(), set.all());
                assertEquals("127.0.0.8", offer(sock, 3).getYiaddr().getHostAddress(), "offer after wwctl node set");

                Harness.Result del = h.viaDaemon("node", "delete", "n7", "-y");
                assertEquals(0, del.code(), del.all());
                assertNull(offer(sock, 4), "deleted node: no answer");
            }
        }
    }

    /** Sends a DISCOVER for {@link #MAC} to the server on lo; its OFFER, or null after the timeout. */
    private static DHCPPacket offer(DatagramSocket sock, int xid) throws Exception {
        DHCPPacket p = new DHCPPacket();
        p.setOp(DHCPConstants.BOOTREQUEST);
        p.setHtype((byte) 1);
        p.setHlen((byte) 6);
        p.setXid(xid);
        p.setFlags((short) 0x8000);
        p.setChaddr(HexFormat.ofDelimiter(":").parseHex(MAC));
        p.setDhcp(true);
        p.setDHCPMessageType(DHCPConstants.DHCPDISCOVER);
        byte[] b = p.serialize();
        sock.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", PORT)));
        byte[] buf = new byte[1500];
        while (true) {
            DatagramPacket d = new DatagramPacket(buf, buf.length);
            try {
                sock.receive(d);
            } catch (SocketTimeoutException e) {
                return null;
            }
            DHCPPacket r = DHCPPacket.getPacket(d.getData(), 0, d.getLength(), false);
            if (r.getXid() == xid && r.getDHCPMessageType() == DHCPConstants.DHCPOFFER) {
                return r;
            }
        }
    }
}
