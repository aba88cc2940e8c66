package io.ww4j.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryRegistryTest {
    private static InMemoryRegistry demo() {
        return InMemoryRegistry.of(NodesConfReader.read(Path.of("..", "nodes", "demo", "nodes.conf")));
    }

    @Test
    void lookupsReturnMergedNodes() {
        InMemoryRegistry r = demo();
        Node n1 = r.byHwaddr("52-54-00-00-00-01".toUpperCase()).orElseThrow();
        assertEquals("n1", n1.id);
        assertTrue(n1.isMerged());
        assertEquals("/sbin/init", n1.init); // from the default profile
        assertEquals("default", n1.primaryNetwork);
        assertEquals("n2", r.byIpaddr("10.0.2.102").orElseThrow().id);
        assertEquals("n4", r.byId("n4").orElseThrow().id);
        assertEquals(List.of("crashkernel=no", "net.ifnames=1", "console=ttyS0,115200"),
                r.byId("n4").orElseThrow().kernel.args);
        assertEquals(List.of("n1", "n2", "n3", "n4"), r.all().stream().map(n -> n.id).toList());
        assertFalse(r.byHwaddr("52:54:00:00:00:99").isPresent());
        assertFalse(r.byIpaddr("10.9.9.9").isPresent());
    }

    @Test
    void discoveryClaimsTheDiscoverableNodeOnce() {
        InMemoryRegistry r = demo();
        long g = r.generation();
        Node claimed = r.getOrDiscover("52:54:00:AA:BB:CC").orElseThrow();
        assertEquals("n3", claimed.id);
        assertFalse(claimed.isDiscoverable());
        assertEquals("52:54:00:aa:bb:cc", claimed.netDevs.get("default").hwaddr);
        assertTrue(r.generation() > g);
        assertEquals("n3", r.byHwaddr("52:54:00:aa:bb:cc").orElseThrow().id);
        // nothing left to discover
        assertFalse(r.getOrDiscover("52:54:00:aa:bb:cd").isPresent());
        // a known MAC is returned without discovery
        assertEquals("n1", r.getOrDiscover("52:54:00:00:00:01").orElseThrow().id);
    }
}
