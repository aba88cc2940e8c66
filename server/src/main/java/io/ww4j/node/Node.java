package io.ww4j.node;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node: the profile fields plus the node-only ones (spec §1.2). The same class holds a raw
 * record (as stored) and a merged one (from {@link Merge}); a merged node carries the source of
 * every value for {@code node list -a}. Instances handed out by a {@link NodeRegistry} are shared
 * and must be treated as read-only; {@link #copy()} them before changing anything.
 */
public final class Node extends Profile {
    /** WWbool as text. */
    public String discoverable = "";
    public String assetKey = "";

    /**
     * Merged nodes only: field path (YAML keys joined by '.', e.g. {@code kernel.args},
     * {@code network devices.default.ipaddr}, {@code tags.rack}) to its source: a profile id,
     * {@code SUPERSEDED}, "" for a value set only on the node, or for lists the contributing
     * ids joined by ','. Null on raw records.
     */
    public Map<String, String> sources;
    /** Merged nodes only: list path to the raw concatenation of all contributions, {@code ~x} included. */
    public Map<String, List<String>> rawLists;

    public Node() {}

    public Node(String id) {
        super(id);
    }

    public boolean isDiscoverable() {
        return WWBool.isTrue(discoverable);
    }

    public boolean isMerged() {
        return sources != null;
    }

    /** The source of a merged value ({@code "--"}-style empty string when set on the node only). */
    public String source(String path) {
        return sources == null ? "" : sources.getOrDefault(path, "");
    }

    @Override
    public Node copy() {
        Node n = new Node();
        copyInto(n);
        n.discoverable = discoverable;
        n.assetKey = assetKey;
        if (sources != null) {
            n.sources = new HashMap<>(sources);
            n.rawLists = new HashMap<>(rawLists);
        }
        return n;
    }
}
