package io.ww4j.http;

import io.ww4j.node.Addresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data an iPXE script or {@code grub.cfg.ww} sees: upstream's {@code templateVars}
 * (spec/protocol.md §2.1), field for field with Go's names, so that a site's upstream templates
 * render unchanged. It is a struct, not a map: an unknown field such as {@code .ContainerName} is a
 * render error (500) as in Go, while a missing key of {@code .Tags} prints {@code <no value>}.
 */
@SuppressWarnings({"checkstyle:MemberName", "checkstyle:MethodName"})
public final class IpxeVars {
    public String Message = "";
    public String WaitTime = "";
    public String Hostname = "";
    public String Fqdn = "";
    public String Id = "";
    public String Cluster = "";
    public String ImageName = "";
    public String Ipxe = "";
    public String Hwaddr = "";
    public String Ipaddr = "";
    public String Ipaddr6 = "";
    public String Port = "";
    public String Authority = "";
    public boolean TLS;
    public String KernelArgs = "";
    public String KernelVersion = "";
    public String Root = "";
    /** Netdev name → device, iterated in sorted key order as Go's range does. */
    public Map<String, NetDev> NetDevs = Collections.emptyMap();
    public Map<String, String> Tags = Collections.emptyMap();

    /** What an unknown node gets (unconfigured.ipxe): only the hwaddr is filled in. */
    static IpxeVars unknown(String hwaddr) {
        IpxeVars v = new IpxeVars();
        v.Hwaddr = hwaddr;
        return v;
    }

    /** Upstream's {@code node.NetDev} as templates see it; IPs are Go {@code net.IP} (nil prints {@code <nil>}). */
    public static final class NetDev {
        public String Type;
        public String OnBoot;
        public String Device;
        public String Hwaddr;
        public InetAddress Ipaddr;
        public InetAddress Netmask;
        public InetAddress Gateway;
        public InetAddress Ipaddr6;
        public String PrefixLen6;
        public InetAddress Gateway6;
        public String MTU;
        public Map<String, String> Tags;
        private final boolean primary;

        NetDev(BootNode.NetDev d) {
            Type = d.type();
            OnBoot = d.onboot();
            Device = d.device();
            Hwaddr = d.hwaddr();
            Ipaddr = ip(d.ipaddr());
            Netmask = ip(d.netmask());
            Gateway = ip(d.gateway());
            Ipaddr6 = ip(d.ipaddr6());
            PrefixLen6 = d.prefixlen6();
            Gateway6 = ip(d.gateway6());
            MTU = d.mtu();
            Tags = new TreeMap<>(d.tags());
            primary = d.primary();
        }

        public boolean Primary() {
            return primary;
        }

        /** {@code ip/bits} from Ipaddr and Netmask, "" when either is missing. */
        public String IpCIDR() {
            if (Ipaddr == null || Netmask == null) {
                return "";
            }
            int bits = 0;
            for (byte b : Netmask.getAddress()) {
                bits += Integer.bitCount(b & 0xff);
            }
            return Ipaddr.getHostAddress() + "/" + bits;
        }
    }

    static Map<String, NetDev> netDevs(Map<String, BootNode.NetDev> devs) {
        Map<String, NetDev> m = new TreeMap<>();
        devs.forEach((name, d) -> m.put(name, new NetDev(d)));
        return Collections.unmodifiableMap(m);
    }

    /**
     * Go's {@code net.ParseIP}: an IPv4 or IPv6 literal, else null. Never a name lookup (no DNS on
     * the request path); a CIDR suffix is ignored as nodes.conf values sometimes carry one.
     */
    static InetAddress ip(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        String t = s.indexOf('/') >= 0 ? s.substring(0, s.indexOf('/')) : s;
        try {
            if (t.indexOf(':') >= 0) {
                // contains ':': the JDK parses it as an IPv6 literal or fails, it never resolves it
                for (int i = 0; i < t.length(); i++) {
                    char c = t.charAt(i);
                    if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                        return null;
                    }
                }
                return InetAddress.getByName(t);
            }
            byte[] b = new byte[4];
            int part = 0;
            int value = 0;
            int digits = 0;
            for (int i = 0; i <= t.length(); i++) {
                char c = i < t.length() ? t.charAt(i) : '.';
                if (c == '.') {
                    // Go rejects empty parts, leading zeros and octets above 255
                    if (digits == 0 || value > 255 || part > 3 || digits > 1 && t.charAt(i - digits) == '0') {
                        return null;
                    }
                    b[part++] = (byte) value;
                    value = 0;
                    digits = 0;
                } else if (c >= '0' && c <= '9' && digits < 3) {
                    value = value * 10 + (c - '0');
                    digits++;
                } else {
                    return null;
                }
            }
            return part == 4 ? InetAddress.getByAddress(b) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Go's {@code net.IP.String()} of a configured address: IPv6 compressed and lower case; text kept if not an IP. */
    static String goIp(String s) {
        InetAddress a = ip(s);
        if (!(a instanceof java.net.Inet6Address)) {
            return a == null ? s : a.getHostAddress();
        }
        return Addresses.ipv6Text(a.getAddress());
    }
}
