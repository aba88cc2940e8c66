package io.ww4j.cli;

import io.ww4j.node.NodeStore;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfException;
import io.ww4j.node.NodesConfReader;
import io.ww4j.node.NodesConfWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wwctl db import|export} (ww4j): the whole node database to and from an upstream-format
 * nodes.conf (unmerged). A v4.5 file is converted on import as {@code wwctl upgrade nodes} would.
 */
@Command(name = "db", description = "Import or export the whole node database as a nodes.conf file",
        subcommands = {DbCommand.Import.class, DbCommand.Export.class})
final class DbCommand extends WwCommand {

    @Override
    protected int run() {
        Commands.usage(spec, session());
        return 0;
    }

    static NodeStore store(Session s) {
        return NodeDb.store(s);
    }

    @Command(name = "import", description = "Load a nodes.conf (or a per-node YAML map) into the node database. "
            + "Replaces everything unless --merge is given.")
    static final class Import extends WwCommand {
        @Option(names = "--merge", description = "Keep what is in the database; add or replace the file's records.")
        boolean merge;

        @Option(names = {"-y", "--yes"}, description = "Replace without asking.")
        boolean yes;

        @Parameters(paramLabel = "FILE", description = "nodes.conf to import")
        String file;

        @Override
        protected int run() {
            Session s = session();
            Path path = s.resolve(file);
            // Open the database (Hibernate boot) while the file is parsed.
            CompletableFuture<NodeStore> opening = CompletableFuture.supplyAsync(() -> store(s));
            NodesConf in;
            try {
                in = NodesConfReader.read(path);
            } catch (NodesConfException e) {
                opening.handle((ok, failed) -> null).join(); // leave nothing half-open behind
                throw new CliException(e.getMessage());
            }
            in.warnings.forEach(w -> s.warn("%s", w));
            NodeStore store;
            try {
                store = opening.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            int haveNodes = store.raw().nodes.size();
            int haveProfiles = store.raw().profiles.size();
            if (!merge && !yes && (haveNodes > 0 || haveProfiles > 0)) {
                String what = in.nodeMapOnly ? haveNodes + " nodes" : haveNodes + " nodes and " + haveProfiles + " profiles";
                if (!s.confirm("Replace the " + what + " in the node database with the contents of " + file)) {
                    s.info("Nothing imported.");
                    return 0;
                }
            }
            try {
                store.importConf(in, merge);
            } catch (NodesConfException e) {
                throw new CliException(path + ": " + e.getMessage() + " (nothing imported)");
            }
            s.info("Imported %d nodes and %d profiles from %s%s", in.nodes.size(), in.profiles.size(), file,
                    in.convertedFromLegacy ? " (converted from the v4.5 format)" : "");
            return 0;
        }
    }

    @Command(name = "export", description = "Write the node database as a nodes.conf (to FILE, or to stdout).")
    static final class Export extends WwCommand {
        @Parameters(paramLabel = "FILE", arity = "0..1", description = "where to write (default: stdout)")
        String file;

        @Override
        protected int run() throws IOException {
            Session s = session();
            NodeStore store = store(s);
            NodesConf now = store.raw();
            String text = NodesConfWriter.write(now);
            if (file == null) {
                s.out().print(text);
                return 0;
            }
            NodesConfWriter.writeFile(s.resolve(file), text);
            s.info("Exported %d nodes and %d profiles to %s", now.nodes.size(), now.profiles.size(), file);
            return 0;
        }
    }
}
