package io.ww4j.dhcp;

import io.ww4j.node.NetDev;
import io.ww4j.node.Node;
import io.ww4j.node.NodeRegistry;
import java.net.Inet4Address;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node database as the DHCP server sees it: a netdev with a hwaddr and an IPv4 address is a
 * static lease. Reads go to the registry's current snapshot on every packet, so a changed node is
 * served at once. As upstream's dhcpd template, the hostname goes with the primary netdev only.
 */
public final class RegistryDhcpNodes implements DhcpNodes {
    private static final Logger log = LoggerFactory.getLogger(RegistryDhcpNodes.class);
    private final NodeRegistry registry;

    public RegistryDhcpNodes(NodeRegistry registry) {
        this.registry = registry;
    }

    @Override
    public DhcpHost byMac(String mac) {
        Node node = registry.byHwaddr(mac).orElse(null);
        if (node == null) {
            return null;
        }
        NetDev primary = node.primaryNetDev();
        for (NetDev nd : node.netDevs.values()) {
            if (!nd.hwaddr.replace('-', ':').toLowerCase(Locale.ROOT).equals(mac)) {
                continue;
            }
            Inet4Address ip = addr(node, "ipaddr", nd.ipaddr);
            if (ip == null) {
                return null; // known node without an address on this netdev: treat as unknown (range)
            }
            int mtu = 0;
            if (!nd.mtu.isBlank()) {
                try {
                    mtu = Integer.parseInt(nd.mtu.strip());
                } catch (NumberFormatException e) {
                    log.warn("node {}: mtu '{}' is not a number, not sent", node.id, nd.mtu);
                }
            }
            return new DhcpHost(node.id, nd == primary ? node.id : null, ip, addr(node, "netmask", nd.netmask),
                    addr(node, "gateway", nd.gateway), mtu, List.of(), "");
        }
        return null;
    }

    @Override
    public boolean isStaticAddress(Inet4Address ip) {
        return registry.byIpaddr(ip.getHostAddress()).isPresent();
    }

    private static Inet4Address addr(Node node, String what, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        int slash = v.indexOf('/');
        try {
            return Ip4.parseAddr(slash > 0 ? v.substring(0, slash) : v);
        } catch (IllegalArgumentException e) {
            log.warn("node {}: {} '{}' is not an IPv4 address, not sent", node.id, what, value);
            return null;
        }
    }
}
