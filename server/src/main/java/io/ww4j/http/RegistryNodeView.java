package io.ww4j.http;

import io.ww4j.node.Node;
import io.ww4j.node.NodeRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link NodeView} over the node package's registry: merged nodes, discovery through the store. */
public final class RegistryNodeView implements NodeView {
    private final NodeRegistry registry;

    public RegistryNodeView(NodeRegistry registry) {
        this.registry = registry;
    }

    /** Converted nodes by MAC, each tagged with the registry generation it was read at. */
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(long generation, BootNode node) {}

    @Override
    public Optional<BootNode> byHwaddr(String hwaddr) {
        try {
            // Read the generation first: an entry is never older than the generation it is filed under.
            long gen = registry.generation();
            Cached c = cache.get(hwaddr);
            if (c != null && c.generation() == gen) {
                return Optional.of(c.node());
            }
            Optional<BootNode> n = registry.byHwaddr(hwaddr).map(RegistryNodeView::toBootNode);
            if (n.isPresent()) {
                if (cache.size() >= 200_000) {
                    cache.clear();
                }
                cache.put(hwaddr, new Cached(gen, n.get()));
            }
            return n;
        } catch (RuntimeException e) {
            throw new DiscoveryException("node lookup of " + hwaddr + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<BootNode> discover(String hwaddr) {
        try {
            return registry.getOrDiscover(hwaddr).map(RegistryNodeView::toBootNode);
        } catch (RuntimeException e) {
            throw new DiscoveryException("discovery of " + hwaddr + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> nodeIds() {
        return registry.all().stream().map(n -> n.id).toList();
    }

    @Override
    public long generation() {
        return registry.generation();
    }

    static BootNode toBootNode(Node n) {
        Map<String, BootNode.NetDev> devs = new LinkedHashMap<>();
        n.netDevs.forEach((name, d) -> devs.put(name, new BootNode.NetDev(d.device, d.hwaddr, d.ipaddr, d.netmask,
                d.gateway, d.ipaddr6, d.mtu, d.type, d.tags, d.onboot, d.prefixlen6, d.gateway6, d.primary)));
        return new BootNode(n.id, n.clusterName, n.imageName, n.ipxeTemplate, n.assetKey,
                n.kernel == null ? "" : n.kernel.version, n.kernel == null ? List.of() : n.kernel.args, n.root,
                n.tags, devs);
    }
}
