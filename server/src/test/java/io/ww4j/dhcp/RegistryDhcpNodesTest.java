package io.ww4j.dhcp;

import static org.junit.jupiter.api.Assertions.*;

import io.ww4j.node.InMemoryRegistry;
import io.ww4j.node.NodesConfReader;
import org.junit.jupiter.api.Test;

/** Static leases come from the merged node (profile settings included). */
class RegistryDhcpNodesTest {
    static final String NODES = """
            nodeprofiles:
              default:
                network devices:
                  default:
                    netmask: 255.255.255.0
                    gateway: 10.0.0.254
                    mtu: "9000"
            nodes:
              n1:
                profiles:
                - default
                primary network: default
                network devices:
                  default:
                    hwaddr: 52:54:00:CC:00:01
                    ipaddr: 10.0.0.11
                  ib:
                    hwaddr: 52:54:00:cc:00:02
                    ipaddr: 10.1.0.11
            """;

    @Test
    void mergedNetdevBecomesStaticLease() {
        RegistryDhcpNodes nodes = new RegistryDhcpNodes(InMemoryRegistry.of(NodesConfReader.parse(NODES, "nodes.conf")));
        DhcpHost h = nodes.byMac("52:54:00:cc:00:01");
        assertNotNull(h);
        assertEquals("n1", h.nodeId());
        assertEquals("n1", h.hostname());
        assertEquals(Packets.ip("10.0.0.11"), h.ip());
        assertEquals(Packets.ip("255.255.255.0"), h.netmask());
        assertEquals(Packets.ip("10.0.0.254"), h.gateway());
        assertEquals(9000, h.mtu());
        DhcpHost ib = nodes.byMac("52:54:00:cc:00:02");
        assertEquals(Packets.ip("10.1.0.11"), ib.ip());
        assertNull(ib.hostname(), "hostname only with the primary netdev");
        assertNull(nodes.byMac("52:54:00:cc:00:03"));
        assertTrue(nodes.isStaticAddress(Packets.ip("10.0.0.11")));
        assertFalse(nodes.isStaticAddress(Packets.ip("10.0.0.12")));
    }
}
