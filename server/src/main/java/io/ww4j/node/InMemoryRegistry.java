package io.ww4j.node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link NodeRegistry} over a parsed nodes.conf, kept in memory only. Discovery changes the
 * in-memory copy (nothing is persisted). Useful in tests and tools; the daemon uses
 * {@code NodeStore}, which shares the same snapshot machinery.
 */
public class InMemoryRegistry implements NodeRegistry {
    private static final Logger log = LoggerFactory.getLogger(InMemoryRegistry.class);

    protected volatile Snapshot snap;
    protected final Object writeLock = new Object();

    protected InMemoryRegistry(NodesConf raw) {
        this.snap = Snapshot.build(raw, 1, warner());
    }

    public static InMemoryRegistry of(NodesConf conf) {
        return new InMemoryRegistry(conf.copy());
    }

    protected static Consumer<String> warner() {
        return w -> log.warn("{}", w);
    }

    @Override
    public Optional<Node> byHwaddr(String mac) {
        if (mac == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(snap.byMac.get(Addresses.normalizeHwaddr(mac)));
    }

    @Override
    public Optional<Node> byIpaddr(String ip) {
        return ip == null ? Optional.empty() : Optional.ofNullable(snap.byIp.get(ip));
    }

    @Override
    public Optional<Node> byId(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(snap.byId.get(id));
    }

    @Override
    public List<Node> all() {
        return snap.all;
    }

    @Override
    public NodesConf raw() {
        return snap.raw;
    }

    @Override
    public long generation() {
        return snap.generation;
    }

    @Override
    public Optional<Node> getOrDiscover(String mac) {
        Optional<Node> known = byHwaddr(mac);
        if (known.isPresent() || mac == null) {
            return known;
        }
        String norm = Addresses.hwaddr(mac);
        synchronized (writeLock) {
            known = byHwaddr(norm); // another thread may have claimed it meanwhile
            if (known.isPresent()) {
                return known;
            }
            Optional<Claim> claim = findDiscoverable(snap);
            if (claim.isEmpty()) {
                return Optional.empty();
            }
            Claim c = claim.get();
            Node raw = snap.raw.nodes.get(c.nodeId).copy();
            raw.netDevs.computeIfAbsent(c.netdev, k -> new NetDev()).hwaddr = norm;
            raw.discoverable = "";
            commitDiscovery(raw);
            log.info("{} (node {} automatically configured)", norm, c.nodeId);
            return byId(c.nodeId);
        }
    }

    /** Persists a discovered node and publishes a new snapshot; called with the write lock held. */
    protected void commitDiscovery(Node raw) {
        NodesConf next = snap.raw.copy();
        next.nodes.put(raw.id, raw);
        snap = snap.withNodes(next, snap.generation + 1, List.of(raw.id), warner());
    }

    protected record Claim(String nodeId, String netdev) {}

    /** First discoverable node by (cluster name, id) with a netdev: its primary, else the first with a hwaddr. */
    protected static Optional<Claim> findDiscoverable(Snapshot s) {
        List<Node> candidates = new ArrayList<>();
        for (Node n : s.all) {
            if (n.isDiscoverable() && !n.netDevs.isEmpty()) {
                candidates.add(n);
            }
        }
        candidates.sort(Comparator.comparing((Node n) -> n.clusterName).thenComparing(n -> n.id));
        for (Node n : candidates) {
            NetDev p = n.primaryNetDev();
            if (p != null) {
                return Optional.of(new Claim(n.id, n.primaryNetwork));
            }
            for (var e : n.netDevs.entrySet()) {
                if (!e.getValue().hwaddr.isEmpty()) {
                    return Optional.of(new Claim(n.id, e.getKey()));
                }
            }
        }
        return Optional.empty();
    }
}
