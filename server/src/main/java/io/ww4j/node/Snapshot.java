package io.ww4j.node;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An immutable state of the database: the raw records and, built on first use, the merged
 * nodes with their lookup indexes. One is made per committed write; readers follow a volatile
 * reference to the current one. The merged views are built lazily so that a one-shot command
 * (e.g. {@code wwctl db import}) never pays for a merge it does not read.
 */
final class Snapshot {
    final NodesConf raw;
    final long generation;
    private final Consumer<String> warn;
    /** When set: the previous snapshot's views and the nodes that changed since (profiles unchanged). */
    private Snapshot base;
    private Collection<String> changed;
    private volatile Views views;

    /** The merged nodes and indexes. */
    static final class Views {
        final Map<String, Node> byId;
        final List<Node> all;
        final Map<String, Node> byMac;
        final Map<String, Node> byIp;

        Views(Map<String, Node> byId) {
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
    }

    private Snapshot(NodesConf raw, long generation, Consumer<String> warn) {
        this.raw = raw;
        this.generation = generation;
        this.warn = warn;
    }

    /** A snapshot of {@code raw}; every node is merged on first read. */
    static Snapshot build(NodesConf raw, long generation, Consumer<String> warn) {
        return new Snapshot(raw, generation, warn);
    }

    /** The next snapshot after {@code changedNodes} changed (profiles unchanged): only those are re-merged. */
    Snapshot withNodes(NodesConf newRaw, long newGeneration, Collection<String> changedNodes, Consumer<String> warn) {
        Snapshot s = new Snapshot(newRaw, newGeneration, warn);
        if (views == null) {
            return s; // nothing merged yet here either: the next reader merges everything once
        }
        s.base = this;
        s.changed = List.copyOf(changedNodes);
        return s;
    }

    Views views() {
        Views v = views;
        if (v == null) {
            synchronized (this) {
                v = views;
                if (v == null) {
                    v = compute();
                    views = v;
                    base = null; // let the previous state go
                    changed = null;
                }
            }
        }
        return v;
    }

    private Views compute() {
        if (base != null) {
            Map<String, Node> merged = new HashMap<>(base.views().byId);
            for (String id : changed) {
                Node n = raw.nodes.get(id);
                if (n == null) {
                    merged.remove(id);
                } else {
                    merged.put(id, merge(n));
                }
            }
            return new Views(merged);
        }
        Map<String, Node> merged = new HashMap<>(raw.nodes.size() * 2);
        for (Node n : raw.nodes.values()) {
            merged.put(n.id, merge(n));
        }
        return new Views(merged);
    }

    private Node merge(Node n) {
        return Merge.merge(n, raw.profiles, w -> warn.accept("node " + n.id + ": " + w));
    }
}
