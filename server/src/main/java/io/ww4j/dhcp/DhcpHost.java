package io.ww4j.dhcp;

import java.net.Inet4Address;
import java.util.List;

/**
 * What the DHCP server hands a known network device: its fixed address and the settings that go
 * with it. Null fields (and {@code mtu == 0}, an empty list, an empty domain) are simply not sent.
 *
 * @param nodeId   the node's id (for logs and the boot trace)
 * @param hostname option 12, or null (upstream sends it for the primary netdev only)
 */
public record DhcpHost(String nodeId, String hostname, Inet4Address ip, Inet4Address netmask,
                       Inet4Address gateway, int mtu, List<Inet4Address> dns, String domain) {
    public DhcpHost {
        dns = dns == null ? List.of() : List.copyOf(dns);
        domain = domain == null ? "" : domain;
    }
}
