package io.ww4j.cli;

import io.ww4j.node.Node;
import io.ww4j.node.NodeStore;
import io.ww4j.node.NodesConf;
import io.ww4j.node.Tx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The node data the commands read and change: the H2 node store ({@link NodeStore}). Inside
 * warewulfd this is the daemon's own open store, so a change is visible to the DHCP, TFTP and
 * HTTP servers on their next lookup; in-process (no daemon) wwctl opens the store itself, which
 * on a first start imports nodes.conf. Writes are one store transaction: checked, committed
 * and only then published; a failing edit changes nothing.
 */
final class NodeDb {
    private final NodeStore store;

    private NodeDb(NodeStore store) {
        this.store = store;
    }

    static NodeDb of(Session s) {
        return new NodeDb(store(s));
    }

    /**
     * The node database of this invocation: the daemon's own, or opened in-process (first-start
     * import included). In-process the rows are read over plain JDBC: a Hibernate boot per
     * command would cost more than the command.
     */
    static NodeStore store(Session s) {
        boolean daemon = s.context().isDaemon();
        return s.context().component(NodeStore.class, () -> NodeStore.openForDaemon(s.conf(), daemon));
    }

    NodeStore store() {
        return store;
    }

    /** The unmerged profiles and nodes (read-only). */
    NodesConf raw() {
        return store.raw();
    }

    /** Every merged node, sorted by id. */
    List<Node> merged() {
        return store.all();
    }

    /**
     * Runs {@code edit} as one store transaction. The edit may throw ({@link CliException}, or
     * the store's validation); then nothing is written.
     */
    void update(Consumer<Tx> edit) {
        store.update(edit);
    }

    /** Ids of nodes and profiles whose own profile list names {@code profileId}. */
    List<String> usersOf(String profileId) {
        List<String> users = new ArrayList<>();
        raw().nodes.forEach((id, n) -> {
            if (n.profiles.contains(profileId)) {
                users.add(id);
            }
        });
        raw().profiles.forEach((id, p) -> {
            if (!id.equals(profileId) && p.profiles.contains(profileId)) {
                users.add(id);
            }
        });
        return users;
    }
}
