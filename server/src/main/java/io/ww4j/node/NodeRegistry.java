package io.ww4j.node;

import java.util.List;
import java.util.Optional;

/**
 * The narrow, read-mostly view of the node database for the protocol servers (DHCP, TFTP,
 * HTTP) and templates. Every node returned is MERGED (profiles applied, spec §1.9-1.11) and
 * shared: treat it as read-only ({@link Node#copy()} before changing anything). Reads are
 * lock-free lookups in an immutable snapshot that is replaced after every committed write, so
 * calling {@link #byHwaddr} on every packet is fine.
 *
 * <p>How to get one:
 * <ul>
 *   <li>in the daemon: {@code NodeStore store = NodeStore.open(conf);} ({@code conf} is the
 *       {@link io.ww4j.config.WarewulfConf}); a {@code NodeStore} is a NodeRegistry backed by
 *       the H2 database at {@code conf.databaseUrl()}, and also offers the writes;</li>
 *   <li>in tests or tools: {@code NodeRegistry r = InMemoryRegistry.of(NodesConfReader.read(path));}.</li>
 * </ul>
 */
public interface NodeRegistry {
    /**
     * The node with a netdev having this hardware address, compared case-insensitively with
     * '-' equal to ':'. As upstream (spec §3.1), nodes marked discoverable are not matched by
     * MAC; see {@link #getOrDiscover}.
     */
    Optional<Node> byHwaddr(String mac);

    /** The node with a netdev having this IPv4 (or IPv6) address. */
    Optional<Node> byIpaddr(String ip);

    Optional<Node> byId(String id);

    /** All merged nodes sorted by id (plain string order, as upstream's list commands). */
    List<Node> all();

    /** The unmerged profiles and nodes of the current snapshot (do not modify). */
    NodesConf raw();

    /** A counter that grows with every committed change; cheap to poll for cache invalidation. */
    long generation();

    /**
     * {@link #byHwaddr}, or else discovery (spec §3.1): claim the first discoverable node
     * (sorted by cluster name, then id) by writing {@code mac} into its primary netdev and
     * clearing {@code discoverable}, atomically. Empty when the MAC is unknown and no node is
     * discoverable.
     */
    Optional<Node> getOrDiscover(String mac);
}
