package io.ww4j.status;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-node boot state, shared by every protocol server the daemon runs.
 *
 * <p>Two views: the per-node trace of the last {@value #TRACE_LENGTH} {@link BootEvent}s (keyed by
 * node id, or by MAC for clients that are not known nodes), and upstream's {@code /status} table
 * ({@link NodeStatus} per configured node: stage, sent, ipaddr, last seen). Thread-safe.
 *
 * <p>Unlike upstream, a request from an unknown node never creates a table row under the empty
 * node id; it is kept in the trace under its MAC instead.
 */
public final class StatusTracker {
    static final int TRACE_LENGTH = 64;

    private final Map<String, Deque<BootEvent>> traces = new ConcurrentHashMap<>();
    private final Map<String, NodeStatus> table = new ConcurrentHashMap<>();

    /** Records an event; events with neither node id nor MAC are not attributable and are dropped. */
    public void record(BootEvent e) {
        String key = key(e);
        if (key == null) {
            return;
        }
        Deque<BootEvent> trace = traces.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (trace) {
            trace.addLast(e);
            while (trace.size() > TRACE_LENGTH) {
                trace.removeFirst();
            }
        }
    }

    private static String key(BootEvent e) {
        if (e.nodeId() != null && !e.nodeId().isEmpty()) {
            return e.nodeId();
        }
        if (e.hwaddr() != null && !e.hwaddr().isEmpty()) {
            return e.hwaddr();
        }
        return null;
    }

    /** The newest event of a node (or unknown MAC), if any. */
    public Optional<BootEvent> last(String nodeIdOrMac) {
        Deque<BootEvent> trace = traces.get(nodeIdOrMac);
        if (trace == null) {
            return Optional.empty();
        }
        synchronized (trace) {
            return Optional.ofNullable(trace.peekLast());
        }
    }

    /** The trace of a node, oldest first. */
    public List<BootEvent> trace(String nodeIdOrMac) {
        Deque<BootEvent> trace = traces.get(nodeIdOrMac);
        if (trace == null) {
            return List.of();
        }
        synchronized (trace) {
            return new ArrayList<>(trace);
        }
    }

    /** Every key (node id or MAC) that has a trace. */
    public List<String> keys() {
        return new ArrayList<>(traces.keySet());
    }

    // ---- upstream's /status table ----

    /**
     * Sets the configured nodes (start and every reload): rows of nodes that still exist are kept,
     * new nodes get blank rows, rows of removed nodes are dropped (upstream's reload semantics).
     */
    public synchronized void setNodes(Collection<String> nodeIds) {
        Set<String> keep = new HashSet<>(nodeIds);
        table.keySet().removeIf(id -> !keep.contains(id));
        for (String id : nodeIds) {
            table.putIfAbsent(id, NodeStatus.blank(id));
        }
    }

    /** A provisioning request of a known node reached its end: updates its row. */
    public void update(String nodeId, String stage, String sent, String ipaddr, long unixSeconds) {
        if (nodeId == null || nodeId.isEmpty()) {
            return;
        }
        table.put(nodeId, new NodeStatus(nodeId, stage, sent, ipaddr, unixSeconds));
    }

    public Optional<NodeStatus> status(String nodeId) {
        return Optional.ofNullable(table.get(nodeId));
    }

    /** The table sorted by node id. */
    public Map<String, NodeStatus> table() {
        return new TreeMap<>(table);
    }

    /** Number of nodes per stage ("" for never seen). */
    public Map<String, Long> nodesPerStage() {
        Map<String, Long> counts = new TreeMap<>();
        for (NodeStatus s : table.values()) {
            counts.merge(s.stage(), 1L, Long::sum);
        }
        return counts;
    }

    /** The table as upstream's JSON: {@code {"nodes": {id: {...}}}}, 2-space indent, no trailing newline. */
    public String toJson() {
        Map<String, NodeStatus> rows = table();
        StringBuilder b = new StringBuilder("{\n  \"nodes\": {");
        boolean first = true;
        for (NodeStatus s : rows.values()) {
            b.append(first ? "\n" : ",\n");
            first = false;
            b.append("    ").append(quote(s.nodeName())).append(": {\n");
            b.append("      \"node name\": ").append(quote(s.nodeName())).append(",\n");
            b.append("      \"stage\": ").append(quote(s.stage())).append(",\n");
            b.append("      \"sent\": ").append(quote(s.sent())).append(",\n");
            b.append("      \"ipaddr\": ").append(quote(s.ipaddr())).append(",\n");
            b.append("      \"last seen\": ").append(s.lastSeen()).append("\n    }");
        }
        b.append(first ? "}\n}" : "\n  }\n}");
        return b.toString();
    }

    /** JSON string literal the way Go's encoder writes it (including its HTML-safe escapes). */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> b.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
