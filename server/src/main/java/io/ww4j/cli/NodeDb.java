package io.ww4j.cli;

import io.ww4j.config.WarewulfConf;
import io.ww4j.node.Node;
import io.ww4j.node.NodeStore;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfException;
import io.ww4j.node.NodesConfWriter;
import io.ww4j.node.Profile;
import io.ww4j.node.Tx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The node data the commands read and change: the node database ({@link NodeStore}, the same
 * instance the daemon's DHCP, TFTP and HTTP servers read, so a change is served on the next
 * request). Writes are serialised by the store, applied to a fresh copy, checked, stored in one
 * transaction and only then published; a failing edit leaves everything as it was.
 *
 * <p>After each change {@code <sysconfdir>/warewulf/nodes.conf} is rewritten (temp file + fsync +
 * rename) as an export of the database, for upstream tools and admins that read it; the
 * database stays the truth (it imports nodes.conf only when empty, see {@link NodeStore#openForDaemon}).
 */
final class NodeDb {
    private final Path file;
    private final NodeStore store;

    private NodeDb(Path file, NodeStore store) {
        this.file = file;
        this.store = store;
    }

    static NodeDb of(Session s) {
        WarewulfConf conf = s.conf();
        return s.context().component(NodeDb.class, () -> {
            try {
                return new NodeDb(conf.nodesConf(), DbCommand.store(s));
            } catch (NodesConfException e) {
                throw new CliException(e.getMessage());
            }
        });
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
     * Runs {@code edit} on a copy of the current data and commits the result atomically. The
     * edit may throw {@link CliException}; then nothing is written.
     */
    synchronized void update(Consumer<NodesConf> edit) {
        try {
            store.update(tx -> {
                NodesConf before = tx.committed();
                NodesConf next = before.copy();
                edit.accept(next);
                stage(tx, before, next);
            });
        } catch (NodesConfException e) {
            throw new CliException(e.getMessage());
        }
        try {
            NodesConfWriter.writeFile(file, store.exportConf());
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
        }
    }

    /** Puts what {@code edit} changed into the transaction: only changed records are written. */
    private static void stage(Tx tx, NodesConf before, NodesConf next) {
        before.profiles.keySet().stream().filter(id -> !next.profiles.containsKey(id)).forEach(tx::deleteProfile);
        next.profiles.forEach((id, p) -> {
            Profile old = before.profiles.get(id);
            if (old == null || !NodesConfWriter.writeRecord(old).equals(NodesConfWriter.writeRecord(p))) {
                p.id = id;
                tx.putProfile(p);
            }
        });
        before.nodes.keySet().stream().filter(id -> !next.nodes.containsKey(id)).forEach(tx::deleteNode);
        next.nodes.forEach((id, n) -> {
            Node old = before.nodes.get(id);
            if (old == null || !NodesConfWriter.writeRecord(old).equals(NodesConfWriter.writeRecord(n))) {
                n.id = id;
                tx.putNode(n);
            }
        });
    }

    /** Ids of nodes whose own profile list names {@code profileId}. */
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
