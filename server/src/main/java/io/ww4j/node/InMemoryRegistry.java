package io.ww4j.node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link NodeRegistry} held in memory, with transactional writes ({@link #write}). Readers
 * follow a volatile reference to an immutable {@link Snapshot}; writers are serialised, build the
 * next state, check it (addresses valid, MAC/IP unique with the holder named), let
 * {@link #persist} store it, and only then publish it. {@code NodeStore} persists to H2; this
 * class alone keeps changes in memory (tests, tools).
 */
public class InMemoryRegistry implements NodeRegistry {
    private static final Logger log = LoggerFactory.getLogger(InMemoryRegistry.class);

    protected volatile Snapshot snap;
    /** Serialises writers (discovery included). */
    protected final Object writeLock = new Object();
    /** Unique address key ({@code hw:mac}, {@code ip:addr}) to the node holding it; guarded by writeLock. */
    private Map<String, String> addrIndex;

    protected InMemoryRegistry(NodesConf raw) {
        this.snap = Snapshot.build(raw, 1, warner());
        this.addrIndex = indexAddresses(raw, false);
    }

    public static InMemoryRegistry of(NodesConf conf) {
        return new InMemoryRegistry(conf.copy());
    }

    protected static Consumer<String> warner() {
        return w -> log.warn("{}", w);
    }

    // ---- reads ----

    @Override
    public Optional<Node> byHwaddr(String mac) {
        if (mac == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(snap.views().byMac.get(Addresses.normalizeHwaddr(mac)));
    }

    @Override
    public Optional<Node> byIpaddr(String ip) {
        return ip == null ? Optional.empty() : Optional.ofNullable(snap.views().byIp.get(ip));
    }

    @Override
    public Optional<Node> byId(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(snap.views().byId.get(id));
    }

    @Override
    public List<Node> all() {
        return snap.views().all;
    }

    @Override
    public NodesConf raw() {
        return snap.raw;
    }

    @Override
    public long generation() {
        return snap.generation;
    }

    // ---- writes ----

    /**
     * Runs {@code work} as one transaction: all of its changes are checked, persisted and
     * published together, or (on any exception) none are. Writers are serialised.
     */
    public <T> T write(Function<Tx, T> work) {
        synchronized (writeLock) {
            Tx tx = new Tx(snap.raw);
            T result = work.apply(tx);
            if (!tx.isEmpty()) {
                commit(tx);
            }
            return result;
        }
    }

    /** Runs {@code work} as one transaction (see {@link #write(Function)}). */
    public void update(Consumer<Tx> work) {
        write(tx -> {
            work.accept(tx);
            return null;
        });
    }

    /** What a commit changes, as handed to {@link #persist}. */
    /**
     * What a commit changes, as handed to {@link #persist}: {@code addresses} holds the new own
     * addresses of changed nodes, except those in {@code addressesUnchanged}.
     */
    protected record Change(NodesConf next, boolean replaceAll, Map<String, Node> nodes, Map<String, Profile> profiles,
            Map<String, Map<String, String>> addresses, java.util.Set<String> addressesUnchanged) {}

    private void commit(Tx tx) {
        Snapshot cur = snap;
        NodesConf next = new NodesConf();
        NodesConf start = tx.replacement != null ? tx.replacement : cur.raw;
        next.profiles.putAll(start.profiles);
        next.nodes.putAll(start.nodes);
        tx.profiles.forEach((id, p) -> {
            if (p == null) {
                next.profiles.remove(id);
            } else {
                p.id = id;
                Validation.check(p);
                next.profiles.put(id, p);
            }
        });
        tx.nodes.forEach((id, n) -> {
            if (n == null) {
                next.nodes.remove(id);
            } else {
                n.id = id;
                Validation.check(n);
                next.nodes.put(id, n);
            }
        });
        Map<String, Map<String, String>> newAddrs = new HashMap<>();
        java.util.Set<String> unchangedAddrs = new java.util.HashSet<>();
        Map<String, String> index;
        if (tx.replacement != null) {
            next.nodes.values().forEach(Validation::check);
            next.profiles.values().forEach(Validation::check);
            index = indexAddresses(next, true);
            next.nodes.values().forEach(n -> newAddrs.put(n.id, Validation.ownAddresses(n)));
        } else {
            index = new HashMap<>(addrIndex);
            for (String id : tx.nodes.keySet()) {
                Node old = cur.raw.nodes.get(id);
                if (old != null) {
                    Validation.ownAddresses(old).keySet().forEach(k -> index.remove(k, id));
                }
            }
            tx.nodes.forEach((id, n) -> {
                if (n != null) {
                    Map<String, String> own = Validation.ownAddresses(n);
                    own.forEach((key, netdev) -> claim(index, key, n, netdev));
                    newAddrs.put(id, own);
                }
            });
            // Nodes whose own addresses did not change keep their address rows untouched.
            for (String id : tx.nodes.keySet()) {
                Node old = cur.raw.nodes.get(id);
                Map<String, String> own = newAddrs.get(id);
                if (old != null && own != null && own.equals(Validation.ownAddresses(old))) {
                    newAddrs.remove(id);
                    unchangedAddrs.add(id);
                }
            }
        }
        persist(new Change(next, tx.replacement != null, tx.nodes, tx.profiles, newAddrs, unchangedAddrs));
        addrIndex = index;
        boolean profilesChanged = tx.replacement != null || !tx.profiles.isEmpty();
        snap = profilesChanged ? Snapshot.build(next, cur.generation + 1, warner())
                : cur.withNodes(next, cur.generation + 1, tx.nodes.keySet(), warner());
    }

    private static void claim(Map<String, String> index, String key, Node n, String netdev) {
        String holder = index.putIfAbsent(key, n.id);
        if (holder != null && !holder.equals(n.id)) {
            throw new NodesConfException(Validation.describe(key) + " of node " + n.id + " (netdev " + netdev
                    + ") is already used by node " + holder);
        }
    }

    private static Map<String, String> indexAddresses(NodesConf conf, boolean strict) {
        Map<String, String> index = new HashMap<>();
        for (Node n : conf.nodes.values()) {
            Map<String, String> own;
            try {
                own = Validation.ownAddresses(n);
            } catch (NodesConfException e) {
                if (strict) {
                    throw e;
                }
                log.warn("{}", e.getMessage());
                continue;
            }
            for (Map.Entry<String, String> e : own.entrySet()) {
                if (strict) {
                    claim(index, e.getKey(), n, e.getValue());
                } else if (index.putIfAbsent(e.getKey(), n.id) != null) {
                    log.warn("{} of node {} is already used by node {}", Validation.describe(e.getKey()), n.id,
                            index.get(e.getKey()));
                }
            }
        }
        return index;
    }

    /** Stores a checked change; throwing aborts the commit with nothing published. Here: nothing to store. */
    protected void persist(Change change) {
    }

    // ---- discovery (spec §3.1), under the write lock as a whole ----

    @Override
    public Optional<Node> getOrDiscover(String mac) {
        Optional<Node> known = byHwaddr(mac);
        if (known.isPresent() || mac == null) {
            return known;
        }
        String norm;
        try {
            norm = Addresses.hwaddr(mac);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
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
            update(tx -> {
                Node raw = tx.editNode(c.nodeId);
                raw.netDevs.computeIfAbsent(c.netdev, k -> new NetDev()).hwaddr = norm;
                raw.discoverable = "";
            });
            log.info("{} (node {} automatically configured)", norm, c.nodeId);
            return byId(c.nodeId);
        }
    }

    protected record Claim(String nodeId, String netdev) {}

    /** First discoverable node by (cluster name, id) with a netdev: its primary, else the first with a hwaddr. */
    protected static Optional<Claim> findDiscoverable(Snapshot s) {
        List<Node> candidates = new ArrayList<>();
        for (Node n : s.views().all) {
            if (n.isDiscoverable() && !n.netDevs.isEmpty()) {
                candidates.add(n);
            }
        }
        candidates.sort(Comparator.comparing((Node n) -> n.clusterName).thenComparing(n -> n.id));
        for (Node n : candidates) {
            if (n.primaryNetDev() != null) {
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
