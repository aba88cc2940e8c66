package io.ww4j.node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An immutable merged view of one state of the database with lookup indexes. Built once per
 * committed write; readers just follow a volatile reference to the current one.
 */
final class Snapshot {
    final NodesConf raw;
    final long generation;
    final Map<String, Node> byId;
    final List<Node> all;
    final Map<String, Node> byMac;
    final Map<String, Node> byIp;

    private Snapshot(NodesConf raw, long generation, Map<String, Node> byId) {
        this.raw = raw;
        this.generation = generation;
        this.byId = byId;
        List<Node> sorted = new ArrayList<>(byId.values());
        sorted.sort((a, b) -> a.id.compareTo(b.id));
        this.all = Collections.unmodifiableList(sorted);
        Map<String, Node> mac = new HashMap<>(byId.size() * 2);
        Map<String, Node> ip = new HashMap<>(byId.size() * 2);
        for (Node n : sorted) {
            for (NetDev nd : n.netDevs.values()) {
                if (!nd.hwaddr.isEmpty() && !n.isDiscoverable()) {
                    mac.putIfAbsent(Addresses.normalizeHwaddr(nd.hwaddr), n);
                }
                if (!nd.ipaddr.isEmpty()) {
                    ip.putIfAbsent(nd.ipaddr, n);
                }
                if (!nd.ipaddr6.isEmpty()) {
                    ip.putIfAbsent(nd.ipaddr6, n);
                }
            }
        }
        this.byMac = mac;
        this.byIp = ip;
    }

    /** Merges every node of {@code raw}. */
    static Snapshot build(NodesConf raw, long generation, Consumer<String> warn) {
        Map<String, Node> merged = new HashMap<>(raw.nodes.size() * 2);
        for (Node n : raw.nodes.values()) {
            merged.put(n.id, Merge.merge(n, raw.profiles, w -> warn.accept("node " + n.id + ": " + w)));
        }
        return new Snapshot(raw, generation, merged);
    }

    /**
     * A new snapshot after {@code changedNodes} changed (profiles unchanged): only those are
     * re-merged. {@code raw} must already hold the new state.
     */
    Snapshot withNodes(NodesConf newRaw, long newGeneration, Iterable<String> changedNodes, Consumer<String> warn) {
        Map<String, Node> merged = new HashMap<>(byId);
        for (String id : changedNodes) {
            Node n = newRaw.nodes.get(id);
            if (n == null) {
                merged.remove(id);
            } else {
                merged.put(id, Merge.merge(n, newRaw.profiles, w -> warn.accept("node " + id + ": " + w)));
            }
        }
        return new Snapshot(newRaw, newGeneration, merged);
    }
}
