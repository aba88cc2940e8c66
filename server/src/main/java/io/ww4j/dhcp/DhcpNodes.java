package io.ww4j.dhcp;

import java.net.Inet4Address;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The DHCP server's narrow read view of the node database: known network devices by MAC, and
 * whether an address belongs to one (so the dynamic range never hands it out).
 */
public interface DhcpNodes {
    /** The known device with this MAC (lower case, colon separated), or null. */
    DhcpHost byMac(String mac);

    /** True when some known device has this fixed address. */
    boolean isStaticAddress(Inet4Address ip);

    /** An immutable view over a fixed map of MAC to host. */
    static DhcpNodes of(Map<String, DhcpHost> hosts) {
        Map<String, DhcpHost> byMac = new HashMap<>();
        Set<Inet4Address> addresses = new HashSet<>();
        hosts.forEach((mac, h) -> {
            byMac.put(mac.toLowerCase(Locale.ROOT), h);
            if (h.ip() != null) {
                addresses.add(h.ip());
            }
        });
        return new DhcpNodes() {
            @Override
            public DhcpHost byMac(String mac) {
                return byMac.get(mac);
            }

            @Override
            public boolean isStaticAddress(Inet4Address ip) {
                return addresses.contains(ip);
            }
        };
    }

    static DhcpNodes empty() {
        return of(Map.of());
    }

    /** Convenience for callers holding a list of (mac, host) pairs. */
    static DhcpNodes of(Collection<Map.Entry<String, DhcpHost>> entries) {
        Map<String, DhcpHost> m = new HashMap<>();
        entries.forEach(e -> m.put(e.getKey(), e.getValue()));
        return of(m);
    }
}
