package io.ww4j.node;

import java.util.Map;
import java.util.TreeMap;

/** One entry of {@code network devices:} (spec §1.6). The map key is the logical name. */
public final class NetDev {
    public String type = "";
    /** WWbool as text. */
    public String onboot = "";
    /** OS interface name (eth0, ib0). */
    public String device = "";
    /** MAC as written; compared case-insensitively, {@code -} equals {@code :}. */
    public String hwaddr = "";
    public String ipaddr = "";
    public String netmask = "";
    public String gateway = "";
    public String ipaddr6 = "";
    public String prefixlen6 = "";
    public String gateway6 = "";
    public String mtu = "";
    public Map<String, String> tags = new TreeMap<>();
    /** Computed by the merge (spec §1.11); never written. */
    public boolean primary;

    public boolean isEmpty() {
        return type.isEmpty() && onboot.isEmpty() && device.isEmpty() && hwaddr.isEmpty() && ipaddr.isEmpty()
                && netmask.isEmpty() && gateway.isEmpty() && ipaddr6.isEmpty() && prefixlen6.isEmpty()
                && gateway6.isEmpty() && mtu.isEmpty() && tags.isEmpty();
    }

    /** {@code a.b.c.d/len} from ipaddr and netmask, or "" (upstream's IpCIDR). */
    public String ipCidr() {
        if (ipaddr.isEmpty() || netmask.isEmpty()) {
            return "";
        }
        return ipaddr + "/" + Addresses.prefixLength(netmask);
    }

    /** {@code addr/prefix} for IPv6, or "". */
    public String ipCidr6() {
        if (ipaddr6.isEmpty()) {
            return "";
        }
        return ipaddr6 + "/" + (prefixlen6.isEmpty() ? "64" : prefixlen6);
    }

    public NetDev copy() {
        NetDev n = new NetDev();
        n.type = type;
        n.onboot = onboot;
        n.device = device;
        n.hwaddr = hwaddr;
        n.ipaddr = ipaddr;
        n.netmask = netmask;
        n.gateway = gateway;
        n.ipaddr6 = ipaddr6;
        n.prefixlen6 = prefixlen6;
        n.gateway6 = gateway6;
        n.mtu = mtu;
        n.tags = new TreeMap<>(tags);
        n.primary = primary;
        return n;
    }
}
