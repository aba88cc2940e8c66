package io.ww4j.dhcp;

import io.ww4j.config.WarewulfConf;
import java.net.Inet4Address;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of warewulf.conf the DHCP server uses, checked once at start.
 *
 * @param serverIp   {@code ipaddr}: identifies the server and is where boot files are fetched
 *                   from; null means "the address of the interface the request came in on"
 * @param rangeStart first dynamic address, or null when no range is configured
 * @param ipxe       {@code tftp.ipxe}: option 93 value (upper-case hex, {@code 00:0B}) to binary
 */
public record DhcpSettings(Mode mode, Inet4Address serverIp, Inet4Address netmask, Inet4Address rangeStart,
                           Inet4Address rangeEnd, int leaseTime, int port, int httpPort, boolean grubboot,
                           Map<String, String> ipxe, List<String> interfaces) {

    public enum Mode { SERVER, PROXY, OFF }

    /** Port a PXE client asks a proxyDHCP server on after its first exchange. */
    public static final int PXE_PORT = 4011;

    public static DhcpSettings from(WarewulfConf conf) {
        Mode mode = switch (conf.dhcp.mode.strip().toLowerCase(Locale.ROOT)) {
            case "server", "" -> Mode.SERVER;
            case "proxy" -> Mode.PROXY;
            case "off" -> Mode.OFF;
            default -> throw new IllegalArgumentException("dhcp.mode: expected server, proxy or off, got '" + conf.dhcp.mode + "'");
        };
        if (!conf.dhcp.enabled) {
            mode = Mode.OFF;
        }
        Inet4Address ip = conf.ipaddr.isBlank() ? null : addr(conf.ipaddr, "ipaddr");
        Inet4Address mask = conf.netmask.isBlank() ? null : addr(conf.netmask, "netmask");
        Inet4Address rs = null;
        Inet4Address re = null;
        if (!conf.dhcp.rangeStart.isBlank() || !conf.dhcp.rangeEnd.isBlank()) {
            if (conf.dhcp.rangeStart.isBlank() || conf.dhcp.rangeEnd.isBlank()) {
                throw new IllegalArgumentException("dhcp: set both 'range start' and 'range end', or neither");
            }
            rs = addr(conf.dhcp.rangeStart, "dhcp.range start");
            re = addr(conf.dhcp.rangeEnd, "dhcp.range end");
            if (Integer.compareUnsigned(Ip4.of(rs), Ip4.of(re)) > 0) {
                throw new IllegalArgumentException("dhcp: range start " + conf.dhcp.rangeStart + " is after range end " + conf.dhcp.rangeEnd);
            }
        }
        if (conf.dhcp.leaseTime <= 0) {
            throw new IllegalArgumentException("dhcp.lease time must be positive, got " + conf.dhcp.leaseTime);
        }
        Map<String, String> ipxe = new LinkedHashMap<>();
        conf.tftp.ipxe.forEach((k, v) -> ipxe.put(k.strip().toUpperCase(Locale.ROOT), v));
        return new DhcpSettings(mode, ip, mask, rs, re, conf.dhcp.leaseTime, conf.dhcp.port, conf.warewulf.port,
                conf.warewulf.grubboot, ipxe, List.copyOf(conf.dhcp.interfaces));
    }

    private static Inet4Address addr(String s, String key) {
        try {
            return Ip4.parseAddr(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    /** Replies go to the client port, one above the server port (67 → 68). */
    public int clientPort() {
        return port + 1;
    }

    /**
     * The first end of the dynamic range outside the network {@code address & mask}, or null when
     * the whole range lies inside it (or there is no range).
     */
    public Inet4Address rangeAddressOutside(int address, int mask) {
        if (rangeStart == null) {
            return null;
        }
        int network = address & mask;
        for (Inet4Address a : List.of(rangeStart, rangeEnd)) {
            if ((Ip4.of(a) & mask) != network) {
                return a;
            }
        }
        return null;
    }
}
