package io.ww4j.dhcp;

import static io.ww4j.dhcp.Packets.ip;
import static io.ww4j.dhcp.Packets.wire;
import static org.dhcp4java.DHCPConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import io.ww4j.config.WarewulfConf;
import io.ww4j.node.LeaseTable;
import io.ww4j.node.NodeStore;
import io.ww4j.status.BootEvent;
import io.ww4j.status.StatusTracker;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DHCP decisions without sockets: DORA, NAK, relay, renewals, dynamic range, PXE/iPXE/GRUB, proxy. */
class DhcpEngineTest {
    static final String KNOWN = "52:54:00:00:00:01";
    static final String UNKNOWN = "52:54:00:00:00:99";
    static final InetSocketAddress FROM = new InetSocketAddress("0.0.0.0", 68);
    static final java.net.Inet4Address ME = ip("10.9.0.1");

    final AtomicLong now = new AtomicLong(1_000_000);
    final StatusTracker status = new StatusTracker();
    @TempDir Path tmp;

    WarewulfConf conf() {
        WarewulfConf c = new WarewulfConf();
        c.ipaddr = "10.9.0.1";
        c.netmask = "255.255.255.0";
        c.dhcp.rangeStart = "10.9.0.100";
        c.dhcp.rangeEnd = "10.9.0.102";
        c.dhcp.leaseTime = 600;
        return c;
    }

    DhcpNodes nodes() {
        return DhcpNodes.of(Map.of(KNOWN, new DhcpHost("n1", "n1", ip("10.9.0.10"), ip("255.255.255.0"),
                ip("10.9.0.254"), 9000, List.of(ip("10.9.0.53")), "cluster"),
                "52:54:00:00:00:02", new DhcpHost("n2", "n2", ip("10.9.0.100"), null, null, 0, null, null)));
    }

    DhcpEngine engine(WarewulfConf c, LeaseStore store) {
        return new DhcpEngine(DhcpSettings.from(c), nodes(), store, status, now::get);
    }

    DhcpEngine engine() {
        return engine(conf(), LeaseStore.none());
    }

    static DHCPPacket selecting(String mac, DHCPPacket offer) {
        DHCPPacket r = Packets.request(DHCPREQUEST, mac);
        r.setOptionAsInetAddress(DHO_DHCP_SERVER_IDENTIFIER, offer.getOptionAsInetAddr(DHO_DHCP_SERVER_IDENTIFIER));
        r.setOptionAsInetAddress(DHO_DHCP_REQUESTED_ADDRESS, offer.getYiaddr());
        return r;
    }

    @Test
    void knownNodeGetsItsStaticAddressAndSettings() throws Exception {
        DhcpEngine e = engine();
        DhcpEngine.Reply offer = e.handle(wire(Packets.request(DHCPDISCOVER, KNOWN)), ME, 67, FROM);
        DHCPPacket o = offer.packet();
        assertEquals(DHCPOFFER, o.getDHCPMessageType());
        assertEquals(ip("10.9.0.10"), o.getYiaddr());
        assertEquals(new InetSocketAddress("255.255.255.255", 68), offer.to());
        DHCPPacket ack = e.handle(wire(selecting(KNOWN, o)), ME, 67, FROM).packet();
        assertEquals(DHCPACK, ack.getDHCPMessageType());
        assertEquals(ip("10.9.0.10"), ack.getYiaddr());
        assertEquals(ip("255.255.255.0"), ack.getOptionAsInetAddr(DHO_SUBNET_MASK));
        assertEquals(ip("10.9.0.254"), ack.getOptionAsInetAddrs(DHO_ROUTERS)[0]);
        assertEquals((short) 9000, ack.getOptionAsShort(DHO_INTERFACE_MTU));
        assertEquals("n1", ack.getOptionAsString(DHO_HOST_NAME));
        assertEquals("cluster", ack.getOptionAsString(DHO_DOMAIN_NAME));
        assertEquals(ip("10.9.0.53"), ack.getOptionAsInetAddrs(DHO_DOMAIN_NAME_SERVERS)[0]);
        assertEquals(600, ack.getOptionAsInteger(DHO_DHCP_LEASE_TIME));
        assertEquals(300, ack.getOptionAsInteger(DHO_DHCP_RENEWAL_TIME));
        assertEquals(ME, ack.getOptionAsInetAddr(DHO_DHCP_SERVER_IDENTIFIER));
        List<String> stages = status.trace("n1").stream().map(BootEvent::stage).toList();
        assertEquals(List.of("DISCOVER", "OFFER", "REQUEST", "ACK"), stages);
    }

    @Test
    void wrongAddressIsNakedAndOtherServersChoiceIsSilent() throws Exception {
        DhcpEngine e = engine();
        DHCPPacket r = Packets.request(DHCPREQUEST, KNOWN);
        r.setOptionAsInetAddress(DHO_DHCP_REQUESTED_ADDRESS, ip("10.9.0.77")); // INIT-REBOOT with a stale address
        DhcpEngine.Reply nak = e.handle(wire(r), ME, 67, FROM);
        assertEquals(DHCPNAK, nak.packet().getDHCPMessageType());
        assertEquals(new InetSocketAddress("255.255.255.255", 68), nak.to());
        DHCPPacket other = Packets.request(DHCPREQUEST, KNOWN);
        other.setOptionAsInetAddress(DHO_DHCP_SERVER_IDENTIFIER, ip("10.9.0.2"));
        other.setOptionAsInetAddress(DHO_DHCP_REQUESTED_ADDRESS, ip("10.9.0.10"));
        assertNull(e.handle(wire(other), ME, 67, FROM));
    }

    @Test
    void renewalIsUnicastToTheClient() throws Exception {
        DHCPPacket r = Packets.request(DHCPREQUEST, KNOWN);
        r.setFlags((short) 0);
        r.setCiaddr(ip("10.9.0.10"));
        DhcpEngine.Reply ack = engine().handle(wire(r), ME, 67, new InetSocketAddress("10.9.0.10", 68));
        assertEquals(DHCPACK, ack.packet().getDHCPMessageType());
        assertEquals(new InetSocketAddress("10.9.0.10", 68), ack.to());
        assertEquals(ip("10.9.0.10"), ack.packet().getCiaddr());
    }

    @Test
    void relayedRequestGoesBackToTheRelayWithOption82() throws Exception {
        DHCPPacket d = Packets.request(DHCPDISCOVER, KNOWN);
        d.setGiaddr(ip("10.50.0.1"));
        d.setHops((byte) 1);
        byte[] agent = {1, 4, 'p', 'o', 'r', 't', 2, 3, 'r', 'i', 'd'};
        d.setOptionRaw(DHO_DHCP_AGENT_OPTIONS, agent);
        DhcpEngine.Reply offer = engine().handle(wire(d), ME, 67, new InetSocketAddress("10.50.0.1", 67));
        assertEquals(new InetSocketAddress("10.50.0.1", 67), offer.to());
        assertEquals(ip("10.50.0.1"), offer.packet().getGiaddr());
        assertArrayEquals(agent, offer.packet().getOptionRaw(DHO_DHCP_AGENT_OPTIONS));
    }

    @Test
    void dynamicRangeSkipsStaticAddressesKeepsOneLeasePerMacAndFills() throws Exception {
        DhcpEngine e = engine();
        // PXE ROM phase
        DHCPPacket o1 = e.handle(wire(Packets.pxe(DHCPDISCOVER, UNKNOWN, 0)), ME, 67, FROM).packet();
        assertEquals(ip("10.9.0.101"), o1.getYiaddr(), "10.9.0.100 belongs to n2");
        DHCPPacket a1 = e.handle(wire(selecting(UNKNOWN, o1)), ME, 67, FROM).packet();
        assertEquals(DHCPACK, a1.getDHCPMessageType());
        // iPXE phase: other client id, same MAC → same address
        DHCPPacket o2 = e.handle(wire(Packets.ipxe(DHCPDISCOVER, UNKNOWN)), ME, 67, FROM).packet();
        assertEquals(ip("10.9.0.101"), o2.getYiaddr());
        // a second unknown takes the last one; a third finds the range full
        DHCPPacket o3 = e.handle(wire(Packets.request(DHCPDISCOVER, "52:54:00:00:00:98")), ME, 67, FROM).packet();
        assertEquals(ip("10.9.0.102"), o3.getYiaddr());
        assertNull(e.handle(wire(Packets.request(DHCPDISCOVER, "52:54:00:00:00:97")), ME, 67, FROM));
        // someone else asking for the bound address is refused
        DHCPPacket steal = Packets.request(DHCPREQUEST, "52:54:00:00:00:97");
        steal.setOptionAsInetAddress(DHO_DHCP_REQUESTED_ADDRESS, ip("10.9.0.101"));
        assertEquals(DHCPNAK, e.handle(wire(steal), ME, 67, FROM).packet().getDHCPMessageType());
        // after release the address is free again
        DHCPPacket rel = Packets.request(DHCPRELEASE, UNKNOWN);
        rel.setCiaddr(ip("10.9.0.101"));
        assertNull(e.handle(wire(rel), ME, 67, FROM));
        assertEquals(ip("10.9.0.101"), e.handle(wire(Packets.request(DHCPDISCOVER, "52:54:00:00:00:97")), ME, 67, FROM).packet().getYiaddr());
    }

    @Test
    void offersExpireAndDeclinedAddressesAreAvoided() throws Exception {
        DhcpEngine e = engine();
        DHCPPacket o = e.handle(wire(Packets.request(DHCPDISCOVER, UNKNOWN)), ME, 67, FROM).packet();
        DHCPPacket dec = Packets.request(DHCPDECLINE, UNKNOWN);
        dec.setOptionAsInetAddress(DHO_DHCP_REQUESTED_ADDRESS, o.getYiaddr());
        e.handle(wire(dec), ME, 67, FROM);
        assertNotEquals(o.getYiaddr(), e.handle(wire(Packets.request(DHCPDISCOVER, UNKNOWN)), ME, 67, FROM).packet().getYiaddr());
    }

    @Test
    void leasesSurviveARestartInTheNodeDatabase() throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("db/ww4j");
        DHCPPacket o;
        try (NodeStore db = NodeStore.open(url)) {
            DhcpEngine e = engine(conf(), new DbLeaseStore(db.leases()));
            o = e.handle(wire(Packets.request(DHCPDISCOVER, UNKNOWN)), ME, 67, FROM).packet();
            e.handle(wire(selecting(UNKNOWN, o)), ME, 67, FROM);
            // the binding is in the table as soon as the ACK is built, no flush needed
            assertEquals(List.of(new LeaseTable.Row(UNKNOWN, o.getYiaddr().getHostAddress(), now.get() + 600_000)),
                    db.leases().load());
        }
        try (NodeStore db = NodeStore.open(url)) {
            DhcpEngine again = engine(conf(), new DbLeaseStore(db.leases()));
            assertEquals(o.getYiaddr().getHostAddress(), again.leaseOf(UNKNOWN).address());
            assertTrue(again.leaseOf(UNKNOWN).bound());
            // the restarted server does not give it to anyone else
            DHCPPacket other = again.handle(wire(Packets.request(DHCPDISCOVER, "52:54:00:00:00:98")), ME, 67, FROM).packet();
            assertNotEquals(o.getYiaddr(), other.getYiaddr());
        }
    }

    @Test
    void renewalsAreWrittenInBatchesReleasesAtOnce() throws Exception {
        try (NodeStore db = NodeStore.open("jdbc:h2:file:" + tmp.resolve("db/ww4j"))) {
            DhcpEngine e = engine(conf(), new DbLeaseStore(db.leases()));
            DHCPPacket o = e.handle(wire(Packets.request(DHCPDISCOVER, UNKNOWN)), ME, 67, FROM).packet();
            e.handle(wire(selecting(UNKNOWN, o)), ME, 67, FROM);
            long bound = now.get() + 600_000;
            for (int i = 0; i < 5; i++) {
                now.addAndGet(300_000);
                DHCPPacket renew = Packets.request(DHCPREQUEST, UNKNOWN);
                renew.setCiaddr(o.getYiaddr());
                assertEquals(DHCPACK, e.handle(wire(renew), ME, 67, FROM).packet().getDHCPMessageType());
            }
            // renewals only queued: the row still carries the first expiry
            assertEquals(bound, db.leases().load().get(0).expires());
            assertEquals(1, e.flushLeases(), "five renewals of one lease coalesce into one write");
            assertEquals(now.get() + 600_000, db.leases().load().get(0).expires());
            assertEquals(0, e.flushLeases());
            DHCPPacket rel = Packets.request(DHCPRELEASE, UNKNOWN);
            rel.setCiaddr(o.getYiaddr());
            e.handle(wire(rel), ME, 67, FROM);
            assertEquals(List.of(), db.leases().load());
        }
    }

    @Test
    void bootFilePerArchitectureAndIpxeUrl() throws Exception {
        DhcpEngine e = engine();
        Map<Integer, String> want = Map.of(0, "/warewulf/undionly.kpxe", 7, "/warewulf/ipxe-snponly-x86_64.efi",
                9, "/warewulf/ipxe-snponly-x86_64.efi", 11, "/warewulf/snponly.efi");
        for (var w : want.entrySet()) {
            DHCPPacket o = e.handle(wire(Packets.pxe(DHCPDISCOVER, KNOWN, w.getKey())), ME, 67, FROM).packet();
            assertEquals(w.getValue(), o.getFile(), "arch " + w.getKey());
            assertEquals(ME, o.getSiaddr());
        }
        assertEquals("", e.handle(wire(Packets.pxe(DHCPDISCOVER, KNOWN, 6)), ME, 67, FROM).packet().getFile());
        DHCPPacket i = e.handle(wire(Packets.ipxe(DHCPDISCOVER, KNOWN)), ME, 67, FROM).packet();
        assertEquals("http://10.9.0.1:9873/ipxe/${mac:hexhyp}?assetkey=${asset}&uuid=${uuid}", i.getFile());
        DHCPPacket h = Packets.request(DHCPDISCOVER, KNOWN);
        h.setOptionAsString(DHO_VENDOR_CLASS_IDENTIFIER, "HTTPClient:Arch:00016:UNDI:003001");
        DHCPPacket ho = e.handle(wire(h), ME, 67, FROM).packet();
        assertEquals("http://10.9.0.1:9873/efiboot/shim.efi", ho.getFile());
        assertEquals("HTTPClient", ho.getOptionAsString(DHO_VENDOR_CLASS_IDENTIFIER));
    }

    @Test
    void grubMode() throws Exception {
        WarewulfConf c = conf();
        c.warewulf.grubboot = true;
        DhcpEngine e = engine(c, LeaseStore.none());
        assertEquals("http://10.9.0.1:9873/ipxe/${mac:hexhyp}", e.handle(wire(Packets.pxe(DHCPDISCOVER, KNOWN, 0)), ME, 67, FROM).packet().getFile());
        assertEquals("warewulf/shim.efi", e.handle(wire(Packets.pxe(DHCPDISCOVER, KNOWN, 7)), ME, 67, FROM).packet().getFile());
    }

    @Test
    void proxyModeGivesBootInfoOnlyToPxeClients() throws Exception {
        WarewulfConf c = conf();
        c.dhcp.mode = "proxy";
        DhcpEngine e = engine(c, LeaseStore.none());
        assertNull(e.handle(wire(Packets.request(DHCPDISCOVER, UNKNOWN)), ME, 67, FROM), "not a PXE client");
        DhcpEngine.Reply o = e.handle(wire(Packets.pxe(DHCPDISCOVER, UNKNOWN, 7)), ME, 67, FROM);
        assertEquals(DHCPOFFER, o.packet().getDHCPMessageType());
        assertEquals(ip("0.0.0.0"), o.packet().getYiaddr());
        assertEquals("PXEClient", o.packet().getOptionAsString(DHO_VENDOR_CLASS_IDENTIFIER));
        assertEquals("/warewulf/ipxe-snponly-x86_64.efi", o.packet().getFile());
        assertNull(o.packet().getOptionRaw(DHO_DHCP_LEASE_TIME));
        InetSocketAddress client = new InetSocketAddress("10.9.0.150", 68);
        DHCPPacket r = Packets.pxe(DHCPREQUEST, UNKNOWN, 7);
        r.setCiaddr(ip("10.9.0.150"));
        DhcpEngine.Reply ack = e.handle(wire(r), ME, DhcpSettings.PXE_PORT, client);
        assertEquals(DHCPACK, ack.packet().getDHCPMessageType());
        assertEquals(client, ack.to());
        assertNull(e.handle(wire(Packets.pxe(DHCPREQUEST, UNKNOWN, 7)), ME, 67, FROM), "port 67 requests belong to the real server");
    }

    @Test
    void informGetsSettingsButNoLease() throws Exception {
        DHCPPacket r = Packets.request(DHCPINFORM, KNOWN);
        r.setCiaddr(ip("10.9.0.10"));
        DhcpEngine.Reply ack = engine().handle(wire(r), ME, 67, FROM);
        assertEquals(DHCPACK, ack.packet().getDHCPMessageType());
        assertNull(ack.packet().getOptionRaw(DHO_DHCP_LEASE_TIME));
        assertEquals(ip("0.0.0.0"), ack.packet().getYiaddr());
        assertEquals(new InetSocketAddress("10.9.0.10", 68), ack.to());
    }

    /**
     * Requests arriving through an interface whose network does not hold the dynamic range (here
     * loopback, 127.0.0.1/8, with the range in 10.9.0.0/24) get no range address; known nodes are
     * still answered. A range inside that network is served.
     */
    @Test
    void rangeIsOnlyServedOnTheNetworkItBelongsTo() throws Exception {
        java.net.Inet4Address lo = ip("127.0.0.1");
        DhcpEngine e = engine();
        assertNull(e.handle(wire(Packets.request(DHCPDISCOVER, UNKNOWN)), lo, 67, FROM), "range address offered on a foreign network");
        DHCPPacket init = Packets.request(DHCPREQUEST, UNKNOWN);
        init.setOptionAsInetAddress(DHO_DHCP_REQUESTED_ADDRESS, ip("10.9.0.101"));
        assertNull(e.handle(wire(init), lo, 67, FROM), "range address acknowledged on a foreign network");
        assertEquals(ip("10.9.0.10"), e.handle(wire(Packets.request(DHCPDISCOVER, KNOWN)), lo, 67, FROM).packet().getYiaddr());
        // the same range through an address that is not this host's (no network known): served, as before
        assertEquals(ip("10.9.0.101"), e.handle(wire(Packets.request(DHCPDISCOVER, UNKNOWN)), ME, 67, FROM).packet().getYiaddr());

        WarewulfConf c = conf();
        c.dhcp.rangeStart = "127.0.0.100";
        c.dhcp.rangeEnd = "127.0.0.102";
        DHCPPacket offer = engine(c, LeaseStore.none()).handle(wire(Packets.request(DHCPDISCOVER, UNKNOWN)), lo, 67, FROM).packet();
        assertEquals(ip("127.0.0.100"), offer.getYiaddr());
    }

    @Test
    void unknownClientWithoutRangeIsNotAnswered() throws Exception {
        WarewulfConf c = conf();
        c.dhcp.rangeStart = "";
        c.dhcp.rangeEnd = "";
        assertNull(engine(c, LeaseStore.none()).handle(wire(Packets.request(DHCPDISCOVER, UNKNOWN)), ME, 67, FROM));
    }

    @Test
    void badSettingsAreNamed() {
        WarewulfConf c = conf();
        c.dhcp.rangeEnd = "10.9.0.1";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DhcpSettings.from(c)).getMessage().contains("after range end"));
        WarewulfConf d = conf();
        d.dhcp.mode = "bogus";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DhcpSettings.from(d)).getMessage().contains("dhcp.mode"));
    }

    @Test
    void malformedPacketsAreRefusedWithAReason() {
        byte[] good = Packets.request(DHCPDISCOVER, KNOWN).serialize();
        assertThrows(BadPacketException.class, () -> DhcpEngine.parse(good, 200));
        byte[] cookie = good.clone();
        cookie[236] = 0;
        assertTrue(assertThrows(BadPacketException.class, () -> DhcpEngine.parse(cookie, cookie.length)).getMessage().contains("cookie"));
        byte[] longOpt = good.clone();
        longOpt[240] = 12;
        longOpt[241] = (byte) 250; // hostname runs far past the end
        assertTrue(assertThrows(BadPacketException.class, () -> DhcpEngine.parse(longOpt, longOpt.length)).getMessage().contains("past the end"));
        Set<String> ok = new HashSet<>();
        assertDoesNotThrow(() -> ok.add(DhcpEngine.mac(DhcpEngine.parse(good, good.length))));
        assertEquals(Set.of(KNOWN), ok);
    }
}
