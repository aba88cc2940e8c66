package io.ww4j.dhcp;

import static org.dhcp4java.DHCPConstants.BOOTREPLY;
import static org.dhcp4java.DHCPConstants.BOOTREQUEST;
import static org.dhcp4java.DHCPConstants.DHCPACK;
import static org.dhcp4java.DHCPConstants.DHCPDECLINE;
import static org.dhcp4java.DHCPConstants.DHCPDISCOVER;
import static org.dhcp4java.DHCPConstants.DHCPINFORM;
import static org.dhcp4java.DHCPConstants.DHCPNAK;
import static org.dhcp4java.DHCPConstants.DHCPOFFER;
import static org.dhcp4java.DHCPConstants.DHCPRELEASE;
import static org.dhcp4java.DHCPConstants.DHCPREQUEST;

import io.ww4j.status.BootEvent;
import io.ww4j.status.StatusTracker;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.dhcp4java.DHCPPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DHCP decisions, without sockets: given a parsed request and where it arrived, the reply to send
 * and where to send it (RFC 2131 §4.1 and §4.3), or null for none. Thread-safe.
 */
public final class DhcpEngine {
    private static final Logger log = LoggerFactory.getLogger(DhcpEngine.class);
    private static final byte OPT_CLIENT_ARCH = 93;
    private static final byte OPT_IPXE_ENCAP = (byte) 175;
    private static final byte OPT_CLIENT_UUID = 97;
    private static final byte OPT_MESSAGE = 56;
    private static final byte OPT_PARAM_LIST = 55;
    private static final int MIN_LEN = 240;
    private static final int FLAG_BROADCAST = 0x8000;

    /** A reply and the address it goes to. */
    public record Reply(DHCPPacket packet, InetSocketAddress to) {}

    private final DhcpSettings settings;
    private final StatusTracker status;
    private final LongSupplier clock;
    private final LeasePool pool;
    /** Per local interface address: may unknown clients reaching us through it get a range address? */
    private final Map<Inet4Address, Boolean> rangeServes = new ConcurrentHashMap<>();
    private volatile DhcpNodes nodes;

    public DhcpEngine(DhcpSettings settings, DhcpNodes nodes, LeaseStore store, StatusTracker status, LongSupplier clock) {
        this.settings = settings;
        this.nodes = nodes;
        this.status = status;
        this.clock = clock;
        DhcpNodes live = new DhcpNodes() {
            @Override
            public DhcpHost byMac(String mac) {
                return DhcpEngine.this.nodes.byMac(mac);
            }

            @Override
            public boolean isStaticAddress(Inet4Address ip) {
                return DhcpEngine.this.nodes.isStaticAddress(ip);
            }
        };
        this.pool = settings.rangeStart() == null ? null
                : new LeasePool(Ip4.of(settings.rangeStart()), Ip4.of(settings.rangeEnd()), live, store, clock.getAsLong());
    }

    /** Swaps in a new view of the nodes (after the node database changed). */
    public void nodes(DhcpNodes nodes) {
        this.nodes = nodes;
    }

    /** Writes renewals queued since the last call (see {@link LeasePool}); returns how many. */
    public int flushLeases() {
        return pool == null ? 0 : pool.flush();
    }

    /** The dynamic lease a MAC holds now, or null (for tests and status). */
    public Lease leaseOf(String mac) {
        return pool == null ? null : pool.leaseOf(mac);
    }

    // ---------------------------------------------------------------- parsing

    /** Checks a datagram and decodes it; every reason to refuse it is a {@link BadPacketException}. */
    public static DHCPPacket parse(byte[] b, int len) throws BadPacketException {
        if (len < MIN_LEN) {
            throw new BadPacketException("truncated: " + len + " bytes");
        }
        if ((b[236] & 0xFF) != 99 || (b[237] & 0xFF) != 130 || (b[238] & 0xFF) != 83 || (b[239] & 0xFF) != 99) {
            throw new BadPacketException("wrong magic cookie");
        }
        if (b[0] != BOOTREQUEST) {
            throw new BadPacketException("op " + b[0] + " is not BOOTREQUEST");
        }
        if (b[1] != 1 || b[2] != 6) {
            throw new BadPacketException("hardware type " + b[1] + "/length " + b[2] + " is not Ethernet");
        }
        // Walk the options ourselves first: the codec is lenient about lengths running past the end.
        int i = MIN_LEN;
        boolean end = false;
        while (i < len) {
            int code = b[i] & 0xFF;
            if (code == 0) {
                i++;
                continue;
            }
            if (code == 255) {
                end = true;
                break;
            }
            if (i + 1 >= len || i + 2 + (b[i + 1] & 0xFF) > len) {
                throw new BadPacketException("option " + code + " runs past the end of the packet");
            }
            i += 2 + (b[i + 1] & 0xFF);
        }
        if (!end) {
            throw new BadPacketException("options not terminated by END");
        }
        DHCPPacket p;
        try {
            p = DHCPPacket.getPacket(b, 0, len, true);
        } catch (RuntimeException e) { // DHCPBadPacketException and anything the codec trips over
            throw new BadPacketException("undecodable: " + e.getMessage());
        }
        if (!p.isDhcp() || p.isTruncated()) {
            throw new BadPacketException("not a complete DHCP packet");
        }
        byte[] type = p.getOptionRaw(org.dhcp4java.DHCPConstants.DHO_DHCP_MESSAGE_TYPE);
        if (type == null || type.length != 1) {
            throw new BadPacketException("no DHCP message type");
        }
        switch (type[0]) {
            case DHCPDISCOVER, DHCPREQUEST, DHCPDECLINE, DHCPRELEASE, DHCPINFORM -> { }
            default -> throw new BadPacketException("message type " + type[0] + " is not a client message");
        }
        return p;
    }

    // ---------------------------------------------------------------- dispatch

    /**
     * Answers one request.
     *
     * @param local     the address of the interface it came in on (null if unknown)
     * @param localPort the port it came in on (the DHCP port, or 4011 in proxy mode)
     * @param sender    where it came from
     */
    public Reply handle(DHCPPacket req, Inet4Address local, int localPort, InetSocketAddress sender) {
        String mac = mac(req);
        DhcpHost host = nodes.byMac(mac);
        String nodeId = host == null ? null : host.nodeId();
        byte type = req.getDHCPMessageType();
        Client c = Client.of(req);
        status.record(BootEvent.of(nodeId, mac, String.valueOf(sender), BootEvent.Protocol.DHCP, typeName(type), "", 0));
        Inet4Address me = local != null ? local : settings.serverIp();
        if (me == null) {
            log.warn("{} from {}: no server address known (set ipaddr in warewulf.conf)", typeName(type), mac);
            return null;
        }
        Reply reply = switch (settings.mode()) {
            case OFF -> null;
            case PROXY -> proxy(req, type, c, me, localPort, sender, mac);
            case SERVER -> server(req, type, c, me, sender, mac, host);
        };
        if (reply != null) {
            DHCPPacket r = reply.packet();
            status.record(BootEvent.of(nodeId, mac, String.valueOf(reply.to()), BootEvent.Protocol.DHCP,
                    typeName(r.getDHCPMessageType()), r.getFile(), 0));
        }
        return reply;
    }

    /**
     * Whether an unknown client whose request reached us directly through the interface holding
     * {@code local} may get an address from the dynamic range: only when the range lies inside
     * that interface's network. A server attached to another LAN (the office network of a laptop
     * running the demo as root, say) must not hand out foreign addresses there, as dnsmasq does not
     * either. Relayed requests (giaddr set) and addresses that are not this host's are not checked.
     */
    private boolean rangeServes(DHCPPacket req, Inet4Address local) {
        if (Ip4.of(req.getGiaddrRaw()) != 0) {
            return true;
        }
        return rangeServes.computeIfAbsent(local, this::rangeInsideNetworkOf);
    }

    private boolean rangeInsideNetworkOf(Inet4Address local) {
        int prefix = -1;
        try {
            NetworkInterface nif = NetworkInterface.getByInetAddress(local);
            if (nif != null) {
                for (InterfaceAddress a : nif.getInterfaceAddresses()) {
                    if (local.equals(a.getAddress())) {
                        prefix = a.getNetworkPrefixLength();
                        break;
                    }
                }
            }
        } catch (SocketException e) {
            log.debug("cannot read the network of {}: {}", local.getHostAddress(), e.toString());
        }
        if (prefix < 0 || prefix > 32) {
            return true;
        }
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        int network = Ip4.of(local) & mask;
        boolean inside = settings.rangeAddressOutside(network, mask) == null;
        if (!inside) {
            log.warn("dynamic range {}-{} is outside {}/{}, the network of the interface with {}: unknown clients "
                    + "there get no address (set dhcp.range start/end inside it, or limit dhcp.interfaces)",
                    settings.rangeStart().getHostAddress(), settings.rangeEnd().getHostAddress(), Ip4.format(network), prefix,
                    local.getHostAddress());
        }
        return inside;
    }

    private Reply server(DHCPPacket req, byte type, Client c, Inet4Address me, InetSocketAddress sender, String mac, DhcpHost host) {
        long now = clock.getAsLong();
        String who = host == null ? mac : host.nodeId() + " (" + mac + ")";
        switch (type) {
            case DHCPDISCOVER -> {
                Inet4Address ip = host != null ? host.ip() : null;
                if (ip == null && pool != null && rangeServes(req, me)) {
                    Inet4Address want = optAddr(req, org.dhcp4java.DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS);
                    long got = pool.offer(mac, want == null ? null : Ip4.of(want), now);
                    ip = got < 0 ? null : Ip4.addr((int) got);
                    if (got < 0) {
                        log.warn("DISCOVER from {}: dynamic range is full", who);
                    }
                }
                if (ip == null) {
                    log.debug("DISCOVER from {}: unknown and no dynamic range, not answering", who);
                    return null;
                }
                log.debug("DISCOVER from {} → OFFER {}", who, ip.getHostAddress());
                return addressReply(req, DHCPOFFER, c, me, ip, host, sender);
            }
            case DHCPREQUEST -> {
                Inet4Address sid = optAddr(req, org.dhcp4java.DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER);
                if (sid != null && !sid.equals(me) && !sid.equals(settings.serverIp())) {
                    if (pool != null) {
                        pool.forgetOffer(mac); // it chose another server
                    }
                    return null;
                }
                Inet4Address asked = optAddr(req, org.dhcp4java.DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS);
                int ciaddr = Ip4.of(req.getCiaddrRaw());
                if (asked == null && ciaddr == 0) {
                    log.debug("REQUEST from {} names no address, ignored", who);
                    return null;
                }
                int ip = asked != null ? Ip4.of(asked) : ciaddr;
                boolean ok;
                boolean ours;
                if (host != null) {
                    ours = true;
                    ok = host.ip() != null && Ip4.of(host.ip()) == ip;
                } else if (pool != null && rangeServes(req, me)) {
                    ours = sid != null || pool.inRange(ip);
                    ok = pool.commit(mac, ip, settings.leaseTime(), now);
                } else {
                    return null; // not a client of ours: stay silent (RFC 2131 §4.3.2)
                }
                if (!ok) {
                    if (!ours) {
                        return null;
                    }
                    log.info("NAK {}: {} is not its address", who, Ip4.format(ip));
                    return nak(req, me, "address " + Ip4.format(ip) + " is not yours");
                }
                log.info("ACK {} → {}", who, Ip4.format(ip));
                return addressReply(req, DHCPACK, c, me, Ip4.addr(ip), host, sender);
            }
            case DHCPRELEASE -> {
                int ciaddr = Ip4.of(req.getCiaddrRaw());
                log.info("RELEASE from {} of {}", who, Ip4.format(ciaddr));
                if (host == null && pool != null) {
                    pool.release(mac, ciaddr);
                }
                return null;
            }
            case DHCPDECLINE -> {
                Inet4Address asked = optAddr(req, org.dhcp4java.DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS);
                log.warn("DECLINE from {}: {} is in use by another machine", who, asked == null ? "?" : asked.getHostAddress());
                if (host == null && pool != null && asked != null) {
                    pool.decline(mac, Ip4.of(asked), now);
                }
                return null;
            }
            case DHCPINFORM -> {
                log.debug("INFORM from {}", who);
                return addressReply(req, DHCPACK, c, me, null, host, sender);
            }
            default -> {
                return null;
            }
        }
    }

    /** proxyDHCP: boot information only, and only for PXE/HTTP-boot clients. */
    private Reply proxy(DHCPPacket req, byte type, Client c, Inet4Address me, int localPort, InetSocketAddress sender, String mac) {
        if (!c.pxe() && !c.http()) {
            return null;
        }
        boolean onPxePort = localPort == DhcpSettings.PXE_PORT;
        if (!onPxePort && type != DHCPDISCOVER || onPxePort && type != DHCPREQUEST && type != DHCPINFORM) {
            return null;
        }
        DHCPPacket r = base(req, onPxePort ? DHCPACK : DHCPOFFER, me);
        boot(r, req, c, me, mac);
        r.setOptionAsString(org.dhcp4java.DHCPConstants.DHO_VENDOR_CLASS_IDENTIFIER, c.http() ? "HTTPClient" : "PXEClient");
        if (c.pxe() && !c.http()) {
            // PXE discovery control: no boot server discovery, use the file name given.
            r.setOptionRaw(org.dhcp4java.DHCPConstants.DHO_VENDOR_ENCAPSULATED_OPTIONS, new byte[] {6, 1, 8, (byte) 255});
        }
        byte[] uuid = req.getOptionRaw(OPT_CLIENT_UUID);
        if (uuid != null) {
            r.setOptionRaw(OPT_CLIENT_UUID, uuid);
        }
        log.debug("proxyDHCP {} from {} → boot file {}", typeName(type), mac, r.getFile());
        InetSocketAddress to = onPxePort ? sender : destination(req, false);
        return new Reply(r, to);
    }

    // ---------------------------------------------------------------- replies

    private Reply addressReply(DHCPPacket req, byte type, Client c, Inet4Address me, Inet4Address yiaddr, DhcpHost host, InetSocketAddress sender) {
        boolean inform = req.getDHCPMessageType() == DHCPINFORM;
        DHCPPacket r = base(req, type, me);
        if (yiaddr != null) {
            r.setYiaddr(yiaddr);
        }
        if (type == DHCPACK) {
            r.setCiaddrRaw(req.getCiaddrRaw());
        }
        if (!inform) {
            int lease = settings.leaseTime();
            r.setOptionAsInt(org.dhcp4java.DHCPConstants.DHO_DHCP_LEASE_TIME, lease);
            r.setOptionAsInt(org.dhcp4java.DHCPConstants.DHO_DHCP_RENEWAL_TIME, lease / 2);
            r.setOptionAsInt(org.dhcp4java.DHCPConstants.DHO_DHCP_REBINDING_TIME, (int) (lease * 7L / 8));
        }
        Inet4Address mask = host != null && host.netmask() != null ? host.netmask() : settings.netmask();
        if (mask != null) {
            r.setOptionAsInetAddress(org.dhcp4java.DHCPConstants.DHO_SUBNET_MASK, mask);
        }
        if (host != null) {
            if (host.gateway() != null) {
                r.setOptionAsInetAddresses(org.dhcp4java.DHCPConstants.DHO_ROUTERS, new InetAddress[] {host.gateway()});
            }
            if (host.mtu() > 0) {
                r.setOptionAsShort(org.dhcp4java.DHCPConstants.DHO_INTERFACE_MTU, (short) host.mtu());
            }
            if (host.hostname() != null && !host.hostname().isEmpty()) {
                r.setOptionAsString(org.dhcp4java.DHCPConstants.DHO_HOST_NAME, host.hostname());
            }
            if (!host.dns().isEmpty()) {
                r.setOptionAsInetAddresses(org.dhcp4java.DHCPConstants.DHO_DOMAIN_NAME_SERVERS, host.dns().toArray(new InetAddress[0]));
            }
            if (!host.domain().isEmpty()) {
                r.setOptionAsString(org.dhcp4java.DHCPConstants.DHO_DOMAIN_NAME, host.domain());
            }
        }
        boot(r, req, c, me, mac(req));
        InetSocketAddress to = inform && Ip4.of(req.getCiaddrRaw()) == 0 && Ip4.of(req.getGiaddrRaw()) == 0
                ? sender : destination(req, false);
        return new Reply(r, to);
    }

    private Reply nak(DHCPPacket req, Inet4Address me, String why) {
        DHCPPacket r = base(req, DHCPNAK, me);
        r.setOptionAsString(OPT_MESSAGE, why);
        if (Ip4.of(req.getGiaddrRaw()) != 0) {
            r.setFlags((short) (r.getFlags() | FLAG_BROADCAST));
        }
        return new Reply(r, destination(req, true));
    }

    private DHCPPacket base(DHCPPacket req, byte type, Inet4Address me) {
        DHCPPacket r = new DHCPPacket();
        r.setOp(BOOTREPLY);
        r.setHtype(req.getHtype());
        r.setHlen(req.getHlen());
        r.setHops((byte) 0);
        r.setXid(req.getXid());
        r.setFlags(req.getFlags());
        r.setGiaddrRaw(req.getGiaddrRaw());
        r.setChaddr(req.getChaddr());
        r.setDhcp(true);
        r.setDHCPMessageType(type);
        r.setOptionAsInetAddress(org.dhcp4java.DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER, me);
        byte[] agent = req.getOptionRaw(org.dhcp4java.DHCPConstants.DHO_DHCP_AGENT_OPTIONS);
        if (agent != null) {
            r.setOptionRaw(org.dhcp4java.DHCPConstants.DHO_DHCP_AGENT_OPTIONS, agent); // RFC 3046: echo unchanged
        }
        return r;
    }

    /** RFC 2131 §4.1: relay first, then a configured client, else broadcast (no ARP-less unicast from user space). */
    private InetSocketAddress destination(DHCPPacket req, boolean nak) {
        int giaddr = Ip4.of(req.getGiaddrRaw());
        if (giaddr != 0) {
            return new InetSocketAddress(Ip4.addr(giaddr), settings.port());
        }
        int ciaddr = Ip4.of(req.getCiaddrRaw());
        if (!nak && ciaddr != 0) {
            return new InetSocketAddress(Ip4.addr(ciaddr), settings.clientPort());
        }
        return new InetSocketAddress(Ip4.addr(-1), settings.clientPort());
    }

    // ---------------------------------------------------------------- boot information

    /** Sets next-server and the boot file (spec/protocol.md §4.1/§4.2). */
    private void boot(DHCPPacket r, DHCPPacket req, Client c, Inet4Address me, String mac) {
        r.setSiaddr(me);
        r.setOptionAsString(org.dhcp4java.DHCPConstants.DHO_TFTP_SERVER, me.getHostAddress()); // option 66, for firmware that ignores siaddr
        String base = "http://" + me.getHostAddress() + ":" + settings.httpPort();
        String file = null;
        if (settings.grubboot()) {
            if (c.pxe()) {
                String vc = c.vendorClass();
                file = vc.length() >= 20 && vc.substring(15, 20).equals("00000") ? base + "/ipxe/${mac:hexhyp}" : "warewulf/shim.efi";
            } else if (c.http()) {
                file = base + "/efiboot/shim.efi";
            }
        } else if (c.ipxe()) {
            file = base + "/ipxe/${mac:hexhyp}?assetkey=${asset}&uuid=${uuid}";
        } else if (c.http()) {
            file = base + "/efiboot/shim.efi";
        } else if (c.arch() != null) {
            String bin = settings.ipxe().get(c.arch());
            if (bin != null) {
                file = "/warewulf/" + bin.substring(bin.lastIndexOf('/') + 1);
            }
        }
        if (c.http()) {
            // UEFI HTTP boot only accepts an offer that says HTTPClient (upstream's dhcpd template omits it).
            r.setOptionAsString(org.dhcp4java.DHCPConstants.DHO_VENDOR_CLASS_IDENTIFIER, "HTTPClient");
        }
        if (file != null) {
            r.setFile(file);
            byte[] prl = req.getOptionRaw(OPT_PARAM_LIST);
            if (prl != null && contains(prl, org.dhcp4java.DHCPConstants.DHO_BOOTFILE)) {
                r.setOptionAsString(org.dhcp4java.DHCPConstants.DHO_BOOTFILE, file);
            }
        }
    }

    private static boolean contains(byte[] a, byte v) {
        for (byte b : a) {
            if (b == v) {
                return true;
            }
        }
        return false;
    }

    /** What the client told us about itself. */
    record Client(Integer archCode, String arch, String vendorClass, boolean ipxe) {
        boolean pxe() {
            return vendorClass.startsWith("PXEClient");
        }

        boolean http() {
            return vendorClass.startsWith("HTTPClient");
        }

        static Client of(DHCPPacket p) {
            byte[] a = p.getOptionRaw(OPT_CLIENT_ARCH);
            Integer code = null;
            String arch = null;
            if (a != null && a.length >= 2) {
                code = ((a[0] & 0xFF) << 8) | (a[1] & 0xFF);
                arch = String.format("%02X:%02X", a[0] & 0xFF, a[1] & 0xFF);
            }
            byte[] vc = p.getOptionRaw(org.dhcp4java.DHCPConstants.DHO_VENDOR_CLASS_IDENTIFIER);
            byte[] uc = p.getOptionRaw(org.dhcp4java.DHCPConstants.DHO_USER_CLASS);
            // iPXE sends user class "iPXE" as a plain string, not RFC 3004's length-prefixed list; accept both.
            boolean ipxe = (uc != null && new String(uc, StandardCharsets.ISO_8859_1).contains("iPXE"))
                    || p.getOptionRaw(OPT_IPXE_ENCAP) != null;
            return new Client(code, arch, vc == null ? "" : new String(vc, StandardCharsets.ISO_8859_1), ipxe);
        }
    }

    // ---------------------------------------------------------------- helpers

    static String mac(DHCPPacket p) {
        byte[] ch = p.getChaddr();
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Character.forDigit((ch[i] >> 4) & 15, 16)).append(Character.forDigit(ch[i] & 15, 16));
        }
        return sb.toString();
    }

    private static Inet4Address optAddr(DHCPPacket p, byte code) {
        byte[] v = p.getOptionRaw(code);
        return v != null && v.length == 4 ? Ip4.addr(Ip4.of(v)) : null;
    }

    static String typeName(Byte t) {
        if (t == null) {
            return "?";
        }
        return switch (t) {
            case DHCPDISCOVER -> "DISCOVER";
            case DHCPOFFER -> "OFFER";
            case DHCPREQUEST -> "REQUEST";
            case DHCPDECLINE -> "DECLINE";
            case DHCPACK -> "ACK";
            case DHCPNAK -> "NAK";
            case DHCPRELEASE -> "RELEASE";
            case DHCPINFORM -> "INFORM";
            default -> "TYPE" + t;
        };
    }
}
