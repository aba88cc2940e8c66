package io.ww4j.status;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-node boot trace: the last {@value #TRACE_LENGTH} events of each node (keyed by node id, or
 * by MAC for clients that are not known nodes) and the latest one. Thread-safe; every protocol
 * server records into the one tracker the daemon creates.
 */
public final class StatusTracker {
    static final int TRACE_LENGTH = 64;

    private final Map<String, Deque<BootEvent>> traces = new ConcurrentHashMap<>();

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
}
