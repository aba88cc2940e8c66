package io.ww4j.daemon;

import io.ww4j.node.NodeStore;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports {@code nodes.conf} into the daemon's node store whenever the file changed since the
 * last look (size, mtime, inode). Interim: wwctl's node and profile commands still write
 * nodes.conf; once they write the store this finds the file unchanged and does nothing.
 */
final class NodesConfFollower {
    private static final Logger log = LoggerFactory.getLogger(NodesConfFollower.class);

    private final Path file;
    private final NodeStore store;
    private String seen;

    NodesConfFollower(Path file, NodeStore store) {
        this.file = file;
        this.store = store;
        this.seen = stat();
    }

    private String stat() {
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:size,lastModifiedTime,ino,ctime");
            return a.get("size") + "," + a.get("lastModifiedTime") + "," + a.get("ino") + "," + a.get("ctime");
        } catch (NoSuchFileException e) {
            return "-";
        } catch (IOException e) {
            return "?" + e.getMessage();
        }
    }

    synchronized void sync() {
        String now = stat();
        if (now.equals(seen) || now.equals("-")) {
            return;
        }
        NodesConf c = NodesConfReader.read(file);
        c.warnings.forEach(w -> log.warn("{}", w));
        store.importConf(c, false);
        seen = now;
        log.info("took {} nodes and {} profiles from the changed {}", c.nodes.size(), c.profiles.size(), file);
    }
}
