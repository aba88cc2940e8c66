package io.ww4j.dhcp;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ww4j.config.WarewulfConf;
import io.ww4j.status.BootEvent;
import io.ww4j.status.StatusTracker;
import io.ww4j.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real DHCP clients (busybox udhcpc, ISC dhclient, nmap, a relay) inside network namespaces,
 * against the server bound on port 67 to the root-namespace end of a veth pair.
 */
class DhcpClientsTest {
    static final String KNOWN = "52:54:00:aa:00:01";
    static final String UNKNOWN = "52:54:00:aa:00:99";

    @TempDir Path tmp;
    final StatusTracker status = new StatusTracker();
    final LeaseStore leases = LeaseStore.memory();

    @BeforeAll
    static void root() {
        assumeTrue(ExternalTool.isRoot(), "needs root for network namespaces");
        ExternalTool.require("ip", "iproute2");
    }

    DhcpServer server(Netns n, List<String> interfaces) throws Exception {
        WarewulfConf c = new WarewulfConf();
        c.ipaddr = n.hostIp;
        c.netmask = "255.255.255.0";
        c.dhcp.rangeStart = n.prefix + "100";
        c.dhcp.rangeEnd = n.prefix + "110";
        c.dhcp.interfaces = interfaces;
        DhcpNodes nodes = DhcpNodes.of(Map.of(KNOWN, new DhcpHost("n1", "n1", Packets.ip(n.prefix + "10"),
                Packets.ip("255.255.255.0"), Packets.ip(n.hostIp), 1400, List.of(), "")));
        DhcpSettings s = DhcpSettings.from(c);
        DhcpServer srv = new DhcpServer(s, new DhcpEngine(s, nodes, leases, status,
                System::currentTimeMillis));
        srv.start();
        return srv;
    }

    Path script() throws Exception {
        Path p = tmp.resolve("udhcpc.sh");
        Files.writeString(p, "#!/bin/sh\necho \"event=$1 ip=$ip subnet=$subnet router=$router mtu=$mtu hostname=$hostname"
                + " siaddr=$siaddr boot_file=$boot_file\"\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    Netns.Result udhcpc(Netns n, String... extra) throws Exception {
        Path busybox = ExternalTool.require("busybox", "busybox");
        List<String> cmd = new java.util.ArrayList<>(List.of(busybox.toString(), "udhcpc", "-i", n.nsIf, "-f", "-q", "-n",
                "-t", "4", "-T", "2", "-s", script().toString()));
        cmd.addAll(List.of(extra));
        return n.exec(60, cmd.toArray(String[]::new));
    }

    @Test
    void udhcpcGetsStaticAddressWithSettingsAndPxeBootFile() throws Exception {
        try (Netns n = Netns.create(KNOWN); DhcpServer srv = server(n, List.of(n.hostIf))) {
            Netns.Result r = udhcpc(n, "-V", "PXEClient:Arch:00007:UNDI:003016", "-x", "0x5d:0007");
            assertEquals(0, r.code(), r.output());
            assertTrue(r.output().contains("event=bound ip=" + n.prefix + "10 subnet=255.255.255.0 router=" + n.hostIp
                    + " mtu=1400 hostname=n1 siaddr=" + n.hostIp + " boot_file=/warewulf/ipxe-snponly-x86_64.efi"), r.output());
            List<String> stages = status.trace("n1").stream().map(BootEvent::stage).toList();
            assertTrue(stages.containsAll(List.of("DISCOVER", "OFFER", "REQUEST", "ACK")), stages.toString());
        }
    }

    @Test
    void udhcpcUnknownGetsRangeAddressAndKeepsItInIpxe() throws Exception {
        try (Netns n = Netns.create(UNKNOWN); DhcpServer srv = server(n, List.of(n.hostIf))) {
            Netns.Result pxe = udhcpc(n, "-V", "PXEClient:Arch:00000:UNDI:002001", "-x", "0x5d:0000", "-x", "0x3d:01" + UNKNOWN.replace(":", ""));
            assertEquals(0, pxe.code(), pxe.output());
            assertTrue(pxe.output().contains("event=bound ip=" + n.prefix + "100 "), pxe.output());
            assertTrue(pxe.output().contains("boot_file=/warewulf/undionly.kpxe"), pxe.output());
            // iPXE phase: another client identifier, same MAC → same lease; boot file is the iPXE script URL
            Netns.Result ipxe = udhcpc(n, "-x", "0x4d:69505845", "-x", "0x3d:ff00000001");
            assertEquals(0, ipxe.code(), ipxe.output());
            assertTrue(ipxe.output().contains("event=bound ip=" + n.prefix + "100 "), ipxe.output());
            assertTrue(ipxe.output().contains("boot_file=http://" + n.hostIp + ":9873/ipxe/${mac:hexhyp}?assetkey=${asset}&uuid=${uuid}"), ipxe.output());
            assertEquals(List.of(UNKNOWN + " " + n.prefix + "100"),
                    leases.load().stream().map(l -> l.mac() + " " + l.address()).toList());
        }
    }

    @Test
    void dhclientGetsStaticAndRangeAddresses() throws Exception {
        Path dhclient = ExternalTool.require("dhclient", "isc-dhcp-client");
        for (String mac : List.of(KNOWN, UNKNOWN)) {
            try (Netns n = Netns.create(mac); DhcpServer srv = server(n, List.of(n.hostIf))) {
                Path pid = tmp.resolve("dhclient-" + mac.replace(":", "") + ".pid");
                Netns.Result r = n.exec(90, dhclient.toString(), "-1", "-v", "-sf", "/bin/true",
                        "-lf", tmp.resolve("dhclient.leases").toString(), "-pf", pid.toString(), n.nsIf);
                try {
                    String want = mac.equals(KNOWN) ? n.prefix + "10" : n.prefix + "100";
                    assertEquals(0, r.code(), r.output());
                    assertTrue(r.output().contains("bound to " + want), r.output());
                } finally {
                    if (Files.exists(pid)) { // dhclient forks into the background once bound
                        Netns.run(10, List.of("kill", Files.readString(pid).strip()));
                    }
                }
            }
        }
    }

    @Test
    void nmapSeesOfferWithBootServer() throws Exception {
        Path nmap = ExternalTool.require("nmap", "nmap");
        try (Netns n = Netns.create(KNOWN); DhcpServer srv = server(n, List.of(n.hostIf))) {
            n.addAddress("169.254.77.2/16"); // nmap skips interfaces without an IPv4 address
            Netns.Result r = n.exec(120, nmap.toString(), "-e", n.nsIf, "--script", "broadcast-dhcp-discover",
                    "--script-args", "broadcast-dhcp-discover.mac=" + KNOWN + ",broadcast-dhcp-discover.timeout=10");
            assertTrue(r.output().contains("IP Offered: " + n.prefix + "10"), r.output());
            assertTrue(r.output().contains("Server Identifier: " + n.hostIp), r.output());
            assertTrue(r.output().contains("TFTP Server Name: " + n.hostIp), r.output());
            assertTrue(r.output().contains("Hostname: n1"), r.output());
        }
    }

    @Test
    void relayedRequestIsAnsweredToTheRelay() throws Exception {
        ExternalTool.require("python3", "python3");
        try (Netns n = Netns.create("52:54:00:aa:00:50"); DhcpServer srv = server(n, List.of(n.hostIf))) {
            String relay = n.prefix + "2";
            n.addAddress(relay + "/24");
            DHCPPacket d = Packets.request(DHCPConstants.DHCPDISCOVER, KNOWN); // a client behind the relay
            d.setGiaddr(Packets.ip(relay));
            d.setHops((byte) 1);
            byte[] agent = {1, 6, 's', 'w', '1', '/', '1', '7'};
            d.setOptionRaw(DHCPConstants.DHO_DHCP_AGENT_OPTIONS, agent);
            String hex = HexFormat.of().formatHex(d.serialize());
            String py = "import socket,sys\n"
                    + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                    + "s.bind(('" + relay + "',67)); s.settimeout(20)\n"
                    + "s.sendto(bytes.fromhex(sys.argv[1]),('" + n.hostIp + "',67))\n"
                    + "data,src=s.recvfrom(2048)\n"
                    + "print(src[0], data.hex())\n";
            Netns.Result r = n.exec(60, "python3", "-c", py, hex);
            assertEquals(0, r.code(), r.output());
            String[] f = r.output().strip().split(" ");
            assertEquals(n.hostIp, f[0]);
            byte[] b = HexFormat.of().parseHex(f[1]);
            DHCPPacket reply = DHCPPacket.getPacket(b, 0, b.length, true);
            assertEquals(DHCPConstants.DHCPOFFER, reply.getDHCPMessageType());
            assertEquals(Packets.ip(n.prefix + "10"), reply.getYiaddr());
            assertEquals(Packets.ip(relay), reply.getGiaddr());
            assertArrayEquals(agent, reply.getOptionRaw(DHCPConstants.DHO_DHCP_AGENT_OPTIONS));
        }
    }

    @Test
    void answersOnlyOnTheConfiguredInterface() throws Exception {
        try (Netns a = Netns.create(KNOWN); Netns b = Netns.create(KNOWN); DhcpServer srv = server(a, List.of(a.hostIf))) {
            Netns.Result other = udhcpc(b);
            assertNotEquals(0, other.code(), "no lease on the interface that is not served: " + other.output());
            assertFalse(other.output().contains("event=bound"), other.output());
            long before = srv.stats().received();
            assertEquals(0, before, "nothing from the unserved interface reached the server");
            Netns.Result served = udhcpc(a);
            assertEquals(0, served.code(), served.output());
            assertTrue(served.output().contains("event=bound ip=" + a.prefix + "10 "), served.output());
        }
    }
}
