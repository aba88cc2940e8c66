package io.ww4j.node;

import java.util.LinkedHashMap;
import java.util.Map;

/** Checks the address fields of a record before it is stored; messages name the record and field. */
public final class Validation {
    private Validation() {}

    /** Throws {@link NodesConfException} for a bad IP, MAC or netmask anywhere in {@code p}. */
    public static void check(Profile p) {
        String who = (p instanceof Node ? "node " : "profile ") + p.id;
        if (p.id == null || p.id.isEmpty()) {
            throw new NodesConfException("a " + (p instanceof Node ? "node" : "profile") + " needs a name");
        }
        ipv4(who, "ipmi.ipaddr", p.ipmi.ipaddr);
        ipv4(who, "ipmi.gateway", p.ipmi.gateway);
        netmask(who, "ipmi.netmask", p.ipmi.netmask);
        p.netDevs.forEach((name, nd) -> {
            String f = "network devices." + name + ".";
            if (!nd.hwaddr.isEmpty()) {
                guard(who, f + "hwaddr", () -> Addresses.hwaddr(nd.hwaddr));
            }
            ipv4(who, f + "ipaddr", nd.ipaddr);
            ipv4(who, f + "gateway", nd.gateway);
            netmask(who, f + "netmask", nd.netmask);
            if (!nd.ipaddr6.isEmpty()) {
                guard(who, f + "ipaddr6", () -> Addresses.ipv6(nd.ipaddr6));
            }
            if (!nd.gateway6.isEmpty()) {
                guard(who, f + "gateway6", () -> Addresses.ipv6(nd.gateway6));
            }
        });
    }

    /**
     * The unique addresses a node record holds itself: {@code hw:<mac>} and {@code ip:<addr>}
     * keys mapped to the netdev name. Throws if the node repeats one of its own.
     */
    public static Map<String, String> ownAddresses(Node n) {
        Map<String, String> out = new LinkedHashMap<>();
        n.netDevs.forEach((name, nd) -> {
            if (!nd.hwaddr.isEmpty()) {
                put(out, n, "hw:" + Addresses.normalizeHwaddr(nd.hwaddr), name);
            }
            if (!nd.ipaddr.isEmpty()) {
                put(out, n, "ip:" + nd.ipaddr, name);
            }
            if (!nd.ipaddr6.isEmpty()) {
                put(out, n, "ip:" + v6Key(nd.ipaddr6), name);
            }
        });
        return out;
    }

    /** One key per IPv6 address however it is spelled (invalid text is refused elsewhere). */
    private static String v6Key(String v6) {
        try {
            return Addresses.ipv6(v6);
        } catch (IllegalArgumentException e) {
            return v6.toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static void put(Map<String, String> out, Node n, String key, String netdev) {
        String prev = out.put(key, netdev);
        if (prev != null) {
            throw new NodesConfException(describe(key) + " appears twice on node " + n.id + " (netdevs " + prev
                    + " and " + netdev + ")");
        }
    }

    /** "hwaddr 52:54:..." or "ipaddr 10.0.0.1" for an address key. */
    public static String describe(String key) {
        return (key.startsWith("hw:") ? "hwaddr " : "ipaddr ") + key.substring(3);
    }

    private static void ipv4(String who, String field, String v) {
        if (!v.isEmpty()) {
            guard(who, field, () -> Addresses.ipv4(v));
        }
    }

    private static void netmask(String who, String field, String v) {
        if (!v.isEmpty()) {
            guard(who, field, () -> Addresses.netmask(v));
        }
    }

    private static void guard(String who, String field, Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            throw new NodesConfException(who + ": " + field + ": " + e.getMessage());
        }
    }
}
