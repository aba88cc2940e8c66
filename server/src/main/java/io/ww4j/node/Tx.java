package io.ww4j.node;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The changes of one write transaction (see {@link InMemoryRegistry#write}). Records handed out
 * by {@link #editNode}/{@link #editProfile} are private copies; nothing is visible to readers
 * until the whole transaction commits, and nothing changes if it fails.
 */
public final class Tx {
    private final NodesConf base;
    final Map<String, Node> nodes = new LinkedHashMap<>();       // id -> new record, null = delete
    final Map<String, Profile> profiles = new LinkedHashMap<>(); // id -> new record, null = delete
    NodesConf replacement;

    Tx(NodesConf base) {
        this.base = base;
    }

    /** The committed state this transaction started from (read-only). */
    public NodesConf committed() {
        return base;
    }

    /** The node as this transaction sees it (pending changes included); read-only. */
    public Optional<Node> node(String id) {
        if (nodes.containsKey(id)) {
            return Optional.ofNullable(nodes.get(id));
        }
        if (replacement != null) {
            return Optional.ofNullable(replacement.nodes.get(id));
        }
        return Optional.ofNullable(base.nodes.get(id));
    }

    public Optional<Profile> profile(String id) {
        if (profiles.containsKey(id)) {
            return Optional.ofNullable(profiles.get(id));
        }
        if (replacement != null) {
            return Optional.ofNullable(replacement.profiles.get(id));
        }
        return Optional.ofNullable(base.profiles.get(id));
    }

    /** A mutable copy of an existing node, stored at commit. */
    public Node editNode(String id) {
        Node n = nodes.get(id);
        if (n != null) {
            return n;
        }
        Node copy = node(id).orElseThrow(() -> new NodesConfException("no such node: " + id)).copy();
        copy.sources = null;
        copy.rawLists = null;
        nodes.put(id, copy);
        return copy;
    }

    public Profile editProfile(String id) {
        Profile p = profiles.get(id);
        if (p != null) {
            return p;
        }
        Profile copy = profile(id).orElseThrow(() -> new NodesConfException("no such profile: " + id)).copy();
        profiles.put(id, copy);
        return copy;
    }

    /** Adds or replaces a node (raw record; the id is taken from {@code n.id}). */
    public void putNode(Node n) {
        nodes.put(n.id, n);
    }

    public void deleteNode(String id) {
        nodes.put(id, null);
    }

    public void putProfile(Profile p) {
        profiles.put(p.id, p);
    }

    public void deleteProfile(String id) {
        profiles.put(id, null);
    }

    /** Replaces the whole database with {@code conf} (later puts/deletes apply on top). */
    public void replaceAll(NodesConf conf) {
        nodes.clear();
        profiles.clear();
        replacement = conf;
    }

    boolean isEmpty() {
        return nodes.isEmpty() && profiles.isEmpty() && replacement == null;
    }
}
