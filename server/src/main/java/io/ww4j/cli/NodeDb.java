package io.ww4j.cli;

import io.ww4j.config.WarewulfConf;
import io.ww4j.node.InMemoryRegistry;
import io.ww4j.node.Node;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfException;
import io.ww4j.node.NodesConfReader;
import io.ww4j.node.NodesConfWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The node data the commands read and change. Writes are serialised (one lock in the process,
 * an exclusive file lock across processes), applied to a fresh copy, written atomically and
 * only then published; a failing edit leaves everything as it was.
 *
 * <p>Interim storage: nodes.conf (temp file + fsync + rename) until the H2 {@code NodeStore}
 * of {@code io.ww4j.node} is on main; the commands only see {@link #raw()}, {@link #merged()}
 * and {@link #update}, so switching is local to this class.
 */
final class NodeDb {
    private final Path file;
    private final Path lockFile;
    private volatile InMemoryRegistry current;

    private NodeDb(Path file) {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
        this.current = InMemoryRegistry.of(read());
    }

    static NodeDb of(Session s) {
        WarewulfConf conf = s.conf();
        return s.context().component(NodeDb.class, () -> new NodeDb(conf.nodesConf()));
    }

    private NodesConf read() {
        if (!Files.isRegularFile(file)) {
            return new NodesConf();
        }
        try {
            return NodesConfReader.read(file);
        } catch (NodesConfException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** The unmerged profiles and nodes (read-only). */
    NodesConf raw() {
        return current.raw();
    }

    /** Every merged node, sorted by id. */
    List<Node> merged() {
        return current.all();
    }

    /**
     * Runs {@code edit} on a copy of the current data and commits the result atomically. The
     * edit may throw {@link CliException}; then nothing is written.
     */
    synchronized void update(Consumer<NodesConf> edit) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                // Another process may have written since we loaded: start from the file.
                NodesConf next = read().copy();
                edit.accept(next);
                NodesConfWriter.writeFile(file, NodesConfWriter.write(next));
                current = InMemoryRegistry.of(next);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
        }
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
