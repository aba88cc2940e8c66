package io.ww4j.http;

import java.util.List;
import java.util.Optional;

/**
 * How the HTTP server sees nodes: the merged view, looked up by MAC, plus discovery. Implemented
 * over the node registry by the daemon; tests use an in-memory one.
 */
public interface NodeView {
    /** The node owning this MAC (lowercase, colon separated); discoverable nodes are not matched. */
    Optional<BootNode> byHwaddr(String hwaddr);

    /**
     * Assigns an unknown MAC to the first {@code discoverable} node (spec/protocol.md §1.10),
     * atomically through the store, and returns the now-known node; empty when no node is
     * discoverable. Throws {@link DiscoveryException} on a store failure (the caller answers 503).
     */
    Optional<BootNode> discover(String hwaddr);

    /** Every configured node id (the /status table is pre-populated with these). */
    List<String> nodeIds();

    /** Grows with every change of the node set (reloads, discovery); 0 when never changing. */
    default long generation() {
        return 0;
    }

    /** Store failure during lookup or discovery. */
    final class DiscoveryException extends RuntimeException {
        public DiscoveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
