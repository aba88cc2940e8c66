package io.ww4j.cli;

import io.ww4j.node.Hostlist;
import io.ww4j.node.Ipmi;
import io.ww4j.node.NetDev;
import io.ww4j.node.Node;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfException;
import io.ww4j.node.NodesConfReader;
import io.ww4j.node.Tx;
import io.ww4j.status.BootEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wwctl node ...} (spec §2.2). */
@Command(name = "node", aliases = "nodes", description = "Node management",
        footer = "All node ranges can use brackets to identify node ranges. For example, n00[00-4].cluster[0-1] "
                + "would expand to n0000.cluster0, n0001.cluster0, ... n0004.cluster1.")
final class NodeCommand extends WwCommand {
    /** The subcommands, added by {@link Wwctl#commandLine} (only the one a command line names). */
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(
            NodeCommand.Add.class,
            NodeCommand.Set.class,
            NodeCommand.Unset.class,
            NodeCommand.ListCmd.class,
            NodeCommand.Delete.class,
            NodeCommand.Edit.class,
            NodeCommand.Export.class,
            NodeCommand.Import.class,
            NodeCommand.Status.class,
            NodeCommand.Sensors.class);

    @Override
    protected int run() {
        Commands.usage(spec, session());
        return 0;
    }

    /** Expanded patterns matched exactly against ids, in pattern order, without duplicates. */
    static List<String> match(List<String> patterns, Map<String, ?> records, List<String> unknown) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (String name : Hostlist.expand(patterns)) {
            if (name.isEmpty()) {
                continue;
            }
            if (records.containsKey(name)) {
                ids.add(name);
            } else if (unknown != null && !unknown.contains(name)) {
                unknown.add(name);
            }
        }
        return new ArrayList<>(ids);
    }

    static void checkProfiles(FieldFlags f, NodesConf raw) {
        List<String> missing = f.unknownProfiles(raw.profiles.keySet());
        if (!missing.isEmpty()) {
            throw new CliException("profile does not exist: " + String.join(", ", missing));
        }
    }

    @Command(name = "add", aliases = {"new", "create"}, description = "Add new node(s)")
    static final class Add extends WwCommand {
        @Mixin
        FieldFlags flags;
        @Mixin
        FieldFlags.NodeOnly nodeOnly;
        @Parameters(arity = "1..*", paramLabel = "NODENAME")
        List<String> names;

        @Override
        protected int run() {
            Session s = session();
            NodeDb db = NodeDb.of(s);
            flags.validate(nodeOnly);
            checkProfiles(flags, db.raw());
            List<String> ids = Hostlist.expand(names).stream().filter(n -> !n.isEmpty()).toList();
            if (ids.isEmpty()) {
                throw new CliException("no node names given");
            }
            db.update(tx -> {
                int i = 0;
                for (String id : ids) {
                    if (tx.node(id).isPresent()) {
                        throw new CliException("failed to add node: nodename already exists: " + id);
                    }
                    Node n = new Node(id);
                    if (flags.profiles == null && tx.profile("default").isPresent()) {
                        n.profiles.add("default");
                    }
                    flags.apply(n, nodeOnly, i++);
                    tx.putNode(n);
                }
            });
            ids.forEach(id -> s.info("Added node: %s", id));
            return 0;
        }
    }

    @Command(name = "set", aliases = "modify", description = "Configure node properties")
    static final class Set extends WwCommand {
        @Mixin
        FieldFlags flags;
        @Mixin
        FieldFlags.NodeOnly nodeOnly;
        @Mixin
        FieldFlags.Deletes deletes;
        @Option(names = {"-a", "--all"}, description = "Set all nodes")
        boolean all;
        @Option(names = {"-y", "--yes"}, description = "Set 'yes' to all questions asked")
        boolean yes;
        @Option(names = {"-f", "--force"}, hidden = true, description = "Force configuration (deprecated)")
        boolean force;
        @Parameters(arity = "0..*", paramLabel = "PATTERN")
        List<String> patterns = new ArrayList<>();

        @Override
        protected int run() {
            Session s = session();
            NodeDb db = NodeDb.of(s);
            flags.validate(nodeOnly);
            checkProfiles(flags, db.raw());
            if (patterns.isEmpty() && !all) {
                throw new CliException("no nodes specified; use --all to modify all nodes");
            }
            Map<String, Node> raw = db.raw().nodes;
            List<String> ids;
            if (all) {
                s.warn("this command will modify all nodes");
                ids = new ArrayList<>(raw.keySet());
            } else {
                List<String> unknown = new ArrayList<>();
                ids = match(patterns, raw, unknown);
                unknown.forEach(u -> s.warn("No match for node: %s", u));
                if (ids.isEmpty()) {
                    throw new CliException("No match for node: " + String.join(",", patterns));
                }
            }
            return previewAndApply(s, db, ids, true, yes, this::edit);
        }

        private void edit(io.ww4j.node.Profile n) {
            flags.apply(n, nodeOnly, 0);
            FieldFlags.applyDeletes(n, deletes, flags.netname, flags.diskName);
        }
    }

    /**
     * Shared by node/profile set and unset: {@code edit} applied to a copy of each record for
     * the change summary, then the prompt (or -y), then applied again to the stored records in
     * one transaction (records deleted meanwhile are skipped).
     */
    static int previewAndApply(Session s, NodeDb db, List<String> ids, boolean nodes, boolean yes,
                               java.util.function.Consumer<io.ww4j.node.Profile> edit) {
        NodesConf raw = db.raw();
        Map<String, List<String>> changes = new LinkedHashMap<>();
        for (String id : ids) {
            io.ww4j.node.Profile before = nodes ? raw.nodes.get(id) : raw.profiles.get(id);
            io.ww4j.node.Profile after = before.copy();
            edit.accept(after);
            changes.put(id, ChangeSummary.diff(before, after));
        }
        String summary = ChangeSummary.render(changes);
        if (summary.isEmpty()) {
            s.info("No changes to apply.");
            return 0;
        }
        long changed = changes.values().stream().filter(l -> !l.isEmpty()).count();
        if (yes) {
            s.out().print("Applying following changes:\n\n" + summary);
        } else {
            s.out().print(summary + "\n");
            if (!s.confirm("Apply these changes to " + changed + " " + (nodes ? "node(s)" : "profile(s)") + "?")) {
                return 0;
            }
        }
        db.update(tx -> {
            for (String id : ids) {
                if (nodes && tx.node(id).isPresent()) {
                    edit.accept(tx.editNode(id));
                } else if (!nodes && tx.profile(id).isPresent()) {
                    edit.accept(tx.editProfile(id));
                }
            }
        });
        return 0;
    }

    @Command(name = "unset", description = "Unset node fields")
    static final class Unset extends WwCommand {
        @Mixin
        UnsetFlags flags;
        @Option(names = {"-e", "--discoverable"}, description = "Unset discoverable")
        boolean discoverable;
        @Option(names = "--asset", description = "Unset the asset key")
        boolean asset;
        @Option(names = {"-y", "--yes"}, description = "Set 'yes' to all questions asked")
        boolean yes;
        @Option(names = {"-f", "--force"}, description = "Skip nodes that do not exist")
        boolean force;
        @Parameters(arity = "1..*", paramLabel = "PATTERN")
        List<String> patterns;

        @Override
        protected int run() {
            Session s = session();
            NodeDb db = NodeDb.of(s);
            FieldFlags f = flags.toFieldFlags();
            FieldFlags.NodeOnly no = new FieldFlags.NodeOnly();
            no.discoverable = discoverable ? "UNDEF" : null;
            no.asset = asset ? "UNDEF" : null;
            if (!flags.any() && !discoverable && !asset) {
                throw new CliException("no fields specified to unset");
            }
            Map<String, Node> raw = db.raw().nodes;
            List<String> unknown = new ArrayList<>();
            List<String> ids = match(patterns, raw, unknown);
            if (!unknown.isEmpty() && !force) {
                throw new CliException("node not found: " + unknown.get(0));
            }
            return previewAndApply(s, db, ids, true, yes, n -> flags.apply(n, f, no));
        }
    }

    @Command(name = "list", aliases = "ls", description = "List nodes")
    static final class ListCmd extends WwCommand {
        @Option(names = {"-n", "--net"}, description = "Show node network configurations")
        boolean net;
        @Option(names = {"-i", "--ipmi"}, description = "Show node IPMI configurations")
        boolean ipmi;
        @Option(names = {"-a", "--all"}, description = "Show all node configurations")
        boolean all;
        @Option(names = {"-l", "--long"}, description = "Show long or wide format")
        boolean longFormat;
        @Option(names = {"-y", "--yaml"}, description = "Show node configuration in yaml format")
        boolean yaml;
        @Option(names = {"-j", "--json"}, description = "Show node configuration in json format")
        boolean json;
        @Parameters(arity = "0..*", paramLabel = "PATTERN")
        List<String> patterns = new ArrayList<>();

        @Override
        protected int run() {
            Session s = session();
            NodeDb db = NodeDb.of(s);
            List<Node> nodes = db.merged();
            if (!patterns.isEmpty()) {
                Map<String, Node> byId = new TreeMap<>();
                nodes.forEach(n -> byId.put(n.id, n));
                java.util.Set<String> wanted = new java.util.HashSet<>(match(patterns, byId, null));
                nodes = nodes.stream().filter(n -> wanted.contains(n.id)).toList();
            }
            s.out().print(NodeListing.render(nodes, yaml, json, all, ipmi, net, longFormat));
            return 0;
        }
    }

    @Command(name = "delete", aliases = {"rm", "del", "remove"}, description = "Delete a node")
    static final class Delete extends WwCommand {
        @Option(names = {"-y", "--yes"}, description = "Set 'yes' to all questions asked")
        boolean yes;
        @Parameters(arity = "1..*", paramLabel = "NODE")
        List<String> patterns;

        @Override
        protected int run() {
            Session s = session();
            NodeDb db = NodeDb.of(s);
            List<String> unknown = new ArrayList<>();
            List<String> ids = match(patterns, db.raw().nodes, unknown);
            unknown.forEach(u -> s.error("No match for node: %s", u));
            if (ids.isEmpty()) {
                s.info("No nodes found");
                return 0;
            }
            if (!yes && !s.confirm("Are you sure you want to delete " + ids.size() + " nodes(s)")) {
                return 0;
            }
            db.update(tx -> ids.forEach(tx::deleteNode));
            return 0;
        }
    }

    @Command(name = "edit", description = "Edit node(s) with editor")
    static final class Edit extends WwCommand {
        @Option(names = "--noheader", description = "Do not print the header")
        boolean noHeader;
        @Parameters(arity = "0..*", paramLabel = "NODENAME")
        List<String> patterns = new ArrayList<>();

        @Override
        protected int run() {
            Session s = session();
            NodeDb db = NodeDb.of(s);
            List<String> ids;
            if (patterns.isEmpty()) {
                ids = new ArrayList<>(db.raw().nodes.keySet());
            } else {
                List<String> unknown = new ArrayList<>();
                ids = match(patterns, db.raw().nodes, unknown);
                unknown.forEach(u -> s.warn("No match for node: %s", u));
                if (ids.isEmpty()) {
                    throw new CliException("No match for node: " + String.join(",", patterns));
                }
            }
            return RecordEdit.nodes(s, db, ids, noHeader);
        }
    }

    @Command(name = "export", description = "Export nodes as YAML (merged)")
    static final class Export extends WwCommand {
        @Parameters(arity = "0..*", paramLabel = "NODENAME")
        List<String> patterns = new ArrayList<>();

        @Override
        protected int run() {
            Session s = session();
            NodeDb db = NodeDb.of(s);
            Map<String, Node> out = new TreeMap<>();
            Map<String, Node> merged = new TreeMap<>();
            db.merged().forEach(n -> merged.put(n.id, n));
            List<String> ids = patterns.isEmpty() ? new ArrayList<>(merged.keySet()) : match(patterns, merged, null);
            ids.forEach(id -> out.put(id, merged.get(id)));
            s.out().print(Formats.yaml2(out));
            return 0;
        }
    }

    @Command(name = "import", description = "Import nodes from a YAML file (a map of node name to node)")
    static final class Import extends WwCommand {
        @Option(names = {"-y", "--yes"}, description = "Set 'yes' to all questions asked")
        boolean yes;
        @Parameters(index = "0", paramLabel = "FILE")
        String file;

        @Override
        protected int run() {
            Session s = session();
            NodeDb db = NodeDb.of(s);
            NodesConf in;
            try {
                in = NodesConfReader.read(s.resolve(file));
            } catch (NodesConfException e) {
                throw new CliException(e.getMessage());
            }
            in.warnings.forEach(w -> s.warn("%s", w));
            if (!yes && !s.confirm("Are you sure you want to modify " + in.nodes.size() + " nodes")) {
                return 0;
            }
            // ww4j: an imported record replaces the stored one (upstream merged field by field).
            db.update(tx -> {
                if (!in.nodeMapOnly) {
                    in.profiles.values().forEach(tx::putProfile);
                }
                in.nodes.values().forEach(tx::putNode);
            });
            return 0;
        }
    }

    @Command(name = "status", description = "View the provisioning status of nodes")
    static final class Status extends WwCommand {
        @Option(names = {"-w", "--watch"}, description = "Watch the status: redraw every --update ms until interrupted")
        boolean watch;
        @Option(names = {"-U", "--update"}, defaultValue = "500", description = "Update interval in ms (with --watch)")
        int update;
        @Option(names = {"-t", "--time"}, defaultValue = "0", description = "Only show nodes seen within this many seconds")
        int time;
        @Option(names = {"-l", "--last"}, description = "Sort by last seen")
        boolean last;
        @Option(names = {"-r", "--reverse"}, description = "Reverse the sort order")
        boolean reverse;
        @Option(names = {"-u", "--unknown"}, description = "Show only nodes never seen")
        boolean unknown;
        @Option(names = "--trace", description = "Show every boot event of the nodes (DHCP, TFTP, HTTP, agent), oldest first (ww4j)")
        boolean trace;
        @Parameters(arity = "0..*", paramLabel = "NODENAME")
        List<String> patterns = new ArrayList<>();

        @Override
        protected int run() throws InterruptedException {
            Session s = session();
            NodeDb db = NodeDb.of(s);
            if (!watch) {
                s.out().print(render(s, db, false));
                return 0;
            }
            if (update <= 0) {
                throw new CliException("--update must be a positive number of milliseconds");
            }
            // Until the user interrupts: in-process Ctrl-C ends the JVM; through the daemon the
            // client going away makes the next write fail, which ends the loop.
            boolean colour = s.interactive() && s.env("NO_COLOR") == null;
            var out = s.out();
            while (true) {
                out.print("\033[H\033[2J" + render(s, db, colour));
                out.flush();
                if (out.checkError()) {
                    return 0;
                }
                Thread.sleep(update);
            }
        }

        /** The table (upstream's printf layout), re-read from the live node list and status tracker. */
        private String render(Session s, NodeDb db, boolean colour) {
            Map<String, Node> merged = new TreeMap<>();
            db.merged().forEach(n -> merged.put(n.id, n));
            List<String> ids = patterns.isEmpty() ? new ArrayList<>(merged.keySet()) : match(patterns, merged, null);
            record Row(String id, Optional<BootEvent> ev) {}
            List<Row> rows = new ArrayList<>();
            Instant now = Instant.now();
            for (String id : ids) {
                Optional<BootEvent> ev = s.context().status().last(id);
                if (unknown && ev.isPresent()) {
                    continue;
                }
                if (time > 0 && (ev.isEmpty() || Duration.between(ev.get().time(), now).getSeconds() > time)) {
                    continue;
                }
                rows.add(new Row(id, ev));
            }
            if (last) {
                rows.sort(java.util.Comparator.comparing((Row r) -> r.ev().map(BootEvent::time).orElse(Instant.MIN)));
            }
            if (reverse) {
                java.util.Collections.reverse(rows);
            }
            if (trace) {
                // ww4j extension: the whole boot of each node, one line per event.
                Table t = new Table("NODENAME", "TIME", "PROTOCOL", "STAGE", "FILE", "RESULT");
                for (Row r : rows) {
                    for (BootEvent e : s.context().status().trace(r.id())) {
                        t.row(r.id(), e.time().toString(), e.protocol().name(), stageName(e.stage()),
                                e.file().isEmpty() ? "--" : e.file(), e.ok() ? "ok" : "failed: " + e.detail());
                    }
                }
                return t.render();
            }
            long interval = s.conf().warewulf.updateInterval;
            StringBuilder b = new StringBuilder();
            b.append(String.format("%-20s %-20s %-25s %-10s%n", "NODENAME", "STAGE", "SENT", "LASTSEEN (s)"));
            b.append("=".repeat(80)).append('\n');
            for (Row r : rows) {
                if (r.ev().isEmpty()) {
                    String line = String.format("%-20s %-20s %-25s %-10s", r.id(), "--", "--", "--");
                    b.append(colour ? "\033[90m" + line + "\033[0m" : line).append('\n');
                } else {
                    BootEvent e = r.ev().get();
                    long ago = Duration.between(e.time(), now).getSeconds();
                    String line = String.format("%-20s %-20s %-25s %-10d", r.id(), stageName(e.stage()),
                            e.file().isEmpty() ? "--" : e.file(), ago);
                    // As upstream: red when silent for two update intervals, yellow after one (plus slack).
                    String c = !colour ? null : ago >= 2 * interval ? "\033[31m" : ago >= interval + 5 ? "\033[33m" : null;
                    b.append(c == null ? line : c + line + "\033[0m").append('\n');
                }
            }
            return b.toString();
        }

        private static String stageName(String stage) {
            return switch (stage) {
                case "SYSTEM" -> "SYSTEM OVERLAY";
                case "RUNTIME" -> "RUNTIME OVERLAY";
                case "EFIBOOT" -> "EFI";
                default -> stage;
            };
        }
    }

    @Command(name = "sensors", description = "Show node's IPMI sensor information")
    static final class Sensors extends WwCommand {
        @Option(names = {"-F", "--full"}, description = "Show the full sensor list (sensor list instead of sdr list)")
        boolean full;
        @Option(names = {"-s", "--show"}, description = "Show the command instead of running it")
        boolean show;
        @Option(names = "--fanout", defaultValue = "50", description = "Ignored, as upstream (always 50)")
        int fanout;
        @Parameters(arity = "0..*", paramLabel = "PATTERN")
        List<String> patterns = new ArrayList<>();

        @Override
        protected int run() throws InterruptedException {
            return PowerCommand.run(session(), patterns, full ? io.ww4j.power.Bmc.Cmd.SensorList : io.ww4j.power.Bmc.Cmd.SDRList,
                    show, 50, true);
        }
    }

    static String ipOrNil(String ip) {
        return ip == null || ip.isEmpty() ? "<nil>" : ip;
    }

    static boolean emptyIpmi(Ipmi i) {
        return i.isEmpty();
    }

    static boolean emptyNet(NetDev n) {
        return n.isEmpty();
    }
}
