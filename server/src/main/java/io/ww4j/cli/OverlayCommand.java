package io.ww4j.cli;

import io.ww4j.node.Hostlist;
import io.ww4j.node.NodeRegistry;
import io.ww4j.overlay.OverlayBuilder;
import io.ww4j.overlay.OverlayException;
import io.ww4j.template.RenderResult;
import io.ww4j.overlay.OverlayStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wwctl overlay}: the overlay store commands (spec/datamodel-cli.md §2, overlay rows). */
@Command(name = "overlay", description = "Warewulf Overlay Management",
        subcommands = {OverlayCommand.ListCmd.class, OverlayCommand.CreateCmd.class, OverlayCommand.DeleteCmd.class,
                OverlayCommand.MkdirCmd.class, OverlayCommand.ChmodCmd.class, OverlayCommand.ChownCmd.class,
                OverlayCommand.ImportCmd.class, OverlayCommand.ShowCmd.class, OverlayCommand.BuildCmd.class,
                OverlayCommand.EditCmd.class, OverlayCommand.InfoCmd.class})
final class OverlayCommand {
    private OverlayCommand() {}

    abstract static class Base extends WwCommand {
        OverlayStore store() {
            return OverlayStore.of(session().conf());
        }

        @Override
        protected int run() throws Exception {
            try {
                return exec(store());
            } catch (OverlayException e) {
                throw new CliException(e.getMessage());
            }
        }

        abstract int exec(OverlayStore s) throws Exception;
    }

    @Command(name = "list", aliases = "ls", description = "List Warewulf Overlays and files")
    static final class ListCmd extends Base {
        @Parameters(arity = "0..*", paramLabel = "OVERLAY")
        List<String> names = List.of();

        @Option(names = {"-a", "--all"}, description = "List the contents of overlays")
        boolean all;

        @Option(names = {"-l", "--long"}, description = "List 'long' of all overlay contents")
        boolean lng;

        @Option(names = {"-p", "--path"}, description = "List the overlay directory")
        boolean path;

        @Override
        int exec(OverlayStore s) {
            List<String> which = names.isEmpty() ? s.list() : names;
            Table t = lng ? new Table("PERM MODE", "UID", "GID", "OVERLAY", "FILE PATH", path ? "PATH" : "SITE")
                    : new Table("OVERLAY NAME", "FILES/DIRS", path ? "PATH" : "SITE");
            for (String name : which) {
                OverlayStore.Overlay o = s.get(name);
                List<OverlayStore.Entry> entries = s.walk(o).stream().filter(e -> !e.rel().isEmpty()).toList();
                Object last = path ? o.dir() : o.site();
                if (lng) {
                    for (OverlayStore.Entry e : entries) {
                        t.rawRow(goMode(e), e.uid(), e.gid(), name, "/" + e.rel(), last);
                    }
                } else if (all) {
                    if (entries.isEmpty()) {
                        t.rawRow(name, 0, last);
                    }
                    for (OverlayStore.Entry e : entries) {
                        t.rawRow(name, "/" + e.rel() + (e.kind() == OverlayStore.Kind.DIR ? "/" : ""), last);
                    }
                } else {
                    t.rawRow(name, entries.size(), last);
                }
            }
            t.print(session().out());
            return 0;
        }

        static String goMode(OverlayStore.Entry e) {
            String rwx = "rwxrwxrwx";
            StringBuilder b = new StringBuilder(e.kind() == OverlayStore.Kind.LINK ? "L" : "-");
            for (int i = 0; i < 9; i++) {
                b.append((e.mode() & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
            }
            return b.toString();
        }
    }

    @Command(name = "create", aliases = {"new", "add"}, description = "Initialize a new Overlay")
    static final class CreateCmd extends Base {
        @Parameters(paramLabel = "OVERLAY")
        String name;

        @Override
        int exec(OverlayStore s) {
            s.create(name);
            return 0;
        }
    }

    @Command(name = "delete", aliases = {"rm", "remove", "del"}, description = "Delete Warewulf Overlay or files")
    static final class DeleteCmd extends Base {
        @Parameters(index = "0", paramLabel = "OVERLAY")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "FILE")
        String file;

        @Option(names = {"-f", "--force"}, description = "Force deletion of a non-empty overlay")
        boolean force;

        @Option(names = {"-p", "--parents"}, description = "Remove empty parent directories")
        boolean parents;

        @Override
        int exec(OverlayStore s) {
            if (file == null) {
                s.delete(name, force);
            } else {
                s.deleteFile(name, file, force);
            }
            return 0;
        }
    }

    @Command(name = "mkdir", description = "Create a new directory within an Overlay")
    static final class MkdirCmd extends Base {
        @Parameters(index = "0", paramLabel = "OVERLAY")
        String name;

        @Parameters(index = "1", paramLabel = "DIR")
        String dir;

        @Option(names = {"-m", "--mode"}, defaultValue = "0755", description = "Permission mode for directory")
        String mode;

        @Override
        int exec(OverlayStore s) {
            s.mkdir(name, dir, Integer.parseInt(mode, 8));
            return 0;
        }
    }

    @Command(name = "chmod", description = "Change file permissions in an overlay")
    static final class ChmodCmd extends Base {
        @Parameters(index = "0", paramLabel = "OVERLAY")
        String name;

        @Parameters(index = "1", paramLabel = "FILENAME")
        String file;

        @Parameters(index = "2", paramLabel = "MODE")
        String mode;

        @Override
        int exec(OverlayStore s) {
            int m;
            try {
                m = Integer.parseInt(mode, 8);
            } catch (NumberFormatException e) {
                throw new CliException("could not convert mode " + mode + " to octal");
            }
            s.chmod(name, file, m);
            return 0;
        }
    }

    @Command(name = "chown", description = "Change file ownership within an overlay")
    static final class ChownCmd extends Base {
        @Parameters(index = "0", paramLabel = "OVERLAY")
        String name;

        @Parameters(index = "1", paramLabel = "FILENAME")
        String file;

        @Parameters(index = "2", paramLabel = "UID")
        int uid;

        @Parameters(index = "3", arity = "0..1", paramLabel = "GID")
        Integer gid;

        @Override
        int exec(OverlayStore s) {
            s.chown(name, file, uid, gid == null ? 0 : gid);
            return 0;
        }
    }

    @Command(name = "import", aliases = "cp", description = "Import a file into a Warewulf Overlay")
    static final class ImportCmd extends Base {
        @Parameters(index = "0", paramLabel = "OVERLAY")
        String name;

        @Parameters(index = "1", paramLabel = "FILE")
        String file;

        @Parameters(index = "2", arity = "0..1", paramLabel = "NEW_NAME")
        String newName;

        @Option(names = {"-o", "--overwrite"}, description = "Overwrite the file if it exists")
        boolean overwrite;

        @Option(names = {"-p", "--parents"}, description = "Create any necessary parent directories")
        boolean parents;

        @Option(names = "--workers", description = "Accepted, unused (as upstream)")
        Integer workers;

        @Override
        int exec(OverlayStore s) {
            Path src = session().resolve(file);
            if (!Files.isRegularFile(src)) {
                throw new CliException("could not read " + file);
            }
            String dest = newName != null ? newName : file;
            try {
                s.importFile(name, src, dest, parents, overwrite);
            } catch (OverlayException e) {
                if (e.getMessage().contains("already exists")) {
                    throw new CliException("a file with that name already exists in the overlay " + name);
                }
                throw e;
            }
            return 0;
        }
    }

    @Command(name = "show", aliases = "cat", description = "Show (cat) a file within a Warewulf Overlay")
    static final class ShowCmd extends Base {
        @Parameters(index = "0", paramLabel = "OVERLAY")
        String name;

        @Parameters(index = "1", paramLabel = "FILE")
        String file;

        @Option(names = {"-r", "--render"}, paramLabel = "NODE", description = "Node used for the variables in the template")
        String render;

        @Option(names = {"-q", "--quiet"}, description = "Do not print information about the rendered template")
        boolean quiet;

        @Override
        int exec(OverlayStore s) throws Exception {
            if (render != null) {
                return render(s);
            }
            OverlayStore.Overlay o = s.get(name);
            Path p = s.inside(o, file);
            if (!Files.isRegularFile(p) && Files.isRegularFile(p.resolveSibling(p.getFileName() + ".ww"))) {
                p = p.resolveSibling(p.getFileName() + ".ww");
            }
            if (!Files.isRegularFile(p)) {
                throw new CliException("file " + file + " does not exist within overlay " + name);
            }
            session().out().print(Files.readString(p));
            return 0;
        }

        /** Upstream's exact output (spec/overlays.md §3.5): per written slot, flags, name, content. */
        private int render(OverlayStore s) {
            OverlayBuilder.Shown shown = OverlayBuilding.builder(session(), OverlayBuilding.registry(session()))
                    .renderFile(render, name, file);
            if (!shown.isTemplate()) {
                session().warn("%s is not a template (no .ww suffix), rendering it anyway", file);
            }
            RenderResult r = shown.result();
            java.io.PrintStream out = session().out();
            List<RenderResult.Output> outs = r.outputs();
            if (r.aborted()) {
                if (!quiet) {
                    out.print("backupFile: " + r.backup() + "\n");
                    out.print("writeFile: false\n");
                }
                out.print(line(outs.isEmpty() ? "" : outs.get(0).content()));
                if (!quiet) {
                    out.print("Aborted\n");
                }
                return 0;
            }
            String defaultName = file.endsWith(".ww") ? file.substring(0, file.length() - 3) : file;
            for (int i = 0; i < outs.size(); i++) {
                RenderResult.Output o = outs.get(i);
                if (i == 0 && outs.size() > 1 && !o.isSymlink()) {
                    continue; // text before the first file() is not written
                }
                if (!quiet) {
                    out.print("backupFile: " + r.backup() + "\n");
                    out.print("writeFile: true\n");
                    out.print("Filename: " + (i == 0 ? defaultName : o.name()) + "\n");
                }
                if (o.isSymlink()) {
                    if (!quiet) {
                        out.print("Symlink: " + o.symlink() + "\n");
                    }
                } else {
                    out.print(line(o.content()));
                }
            }
            return 0;
        }

        /** wwlog adds a newline unless the message ends with one. */
        private static String line(String s) {
            return s.endsWith("\n") ? s : s + "\n";
        }
    }

    @Command(name = "build", description = "(Re)build node overlays")
    static final class BuildCmd extends Base {
        @Parameters(arity = "0..*", paramLabel = "NODE")
        List<String> names = List.of();

        @Option(names = "--workers", defaultValue = "0", description = "The number of parallel workers building overlays (<= 0: one per CPU)")
        int workers;

        @Override
        int exec(OverlayStore s) throws Exception {
            NodeRegistry reg = OverlayBuilding.registry(session());
            OverlayBuilder b = OverlayBuilding.builder(session(), reg);
            List<String> ids;
            if (names.isEmpty()) {
                ids = reg.all().stream().map(n -> n.id).toList();
            } else {
                ids = Hostlist.expand(names);
                List<String> missing = ids.stream().filter(id -> reg.byId(id).isEmpty()).toList();
                if (!missing.isEmpty()) {
                    throw new CliException("failed to find nodes: " + String.join(", ", missing));
                }
            }
            int n = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
            return OverlayBuilding.buildAll(session(), b, ids, n);
        }
    }

    /**
     * {@code overlay edit}: the file (or an empty new one) in $EDITOR where the user is; an
     * unchanged file is not written; the result goes to the site copy of the overlay (copy on
     * write), atomically, a new file with {@code --mode}.
     */
    @Command(name = "edit", description = "Edit or create a file within a Warewulf Overlay")
    static final class EditCmd extends Base {
        @Parameters(index = "0", paramLabel = "OVERLAY")
        String name;

        @Parameters(index = "1", paramLabel = "FILE")
        String file;

        @Option(names = {"-p", "--parents"}, description = "Create any necessary parent directories")
        boolean parents;

        @Option(names = {"-m", "--mode"}, defaultValue = "0755", description = "Permission mode for a new file")
        String mode;

        @Override
        int exec(OverlayStore s) throws Exception {
            int m;
            try {
                m = Integer.parseInt(mode, 8);
            } catch (NumberFormatException e) {
                throw new CliException("could not convert mode " + mode + " to octal");
            }
            OverlayStore.Overlay o = s.get(name);
            Path p = s.inside(o, file);
            if (p.equals(o.rootfs().toAbsolutePath().normalize()) || Files.isDirectory(p)) {
                throw new CliException(file + " is a directory in overlay " + name);
            }
            boolean exists = Files.isRegularFile(p);
            if (!exists && !Files.isDirectory(p.getParent()) && !parents) {
                throw new CliException("directory " + o.rootfs().toAbsolutePath().normalize().relativize(p.getParent())
                        + " does not exist in overlay " + name + " (use --parents)");
            }
            String before = exists ? Files.readString(p) : "";
            String after = session().edit(before, "-" + p.getFileName());
            if (exists && after.equals(before)) {
                session().verbose("%s in overlay %s is unchanged, not written", file, name);
                return 0;
            }
            s.writeFile(name, file, after.getBytes(java.nio.charset.StandardCharsets.UTF_8), m);
            return 0;
        }
    }

    /**
     * {@code overlay info}: a template's {@code wwdoc:} comment lines, then the node variables it
     * uses with the wwctl option that sets each (help text from the option itself).
     */
    @Command(name = "info", aliases = {"variables", "vars"}, description = "Show the documentation and variables of a template")
    static final class InfoCmd extends Base {
        @Parameters(index = "0", paramLabel = "OVERLAY")
        String name;

        @Parameters(index = "1", paramLabel = "FILE")
        String file;

        /** Variable, its option and type (help comes from the option's description). */
        private static final String[][] VARIABLES = {
            {".Comment", "--comment", "string"}, {".ClusterName", "--cluster", "string"},
            {".ImageName", "--image", "string"}, {".Ipxe", "--ipxe", "string"},
            {".RuntimeOverlay", "--runtime-overlays", "[]string"}, {".SystemOverlay", "--system-overlays", "[]string"},
            {".Kernel.Version", "--kernelversion", "string"}, {".Kernel.Args", "--kernelargs", "[]string"},
            {".Init", "--init", "string"}, {".Root", "--root", "string"},
            {".PrimaryNetDev", "--primarynet", "string"}, {".Profiles", "--profile", "[]string"},
            {".Tags", "--tagadd", "map[string]string"},
            {".Ipmi.UserName", "--ipmiuser", "string"}, {".Ipmi.Password", "--ipmipass", "string"},
            {".Ipmi.Ipaddr", "--ipmiaddr", "IP"}, {".Ipmi.Gateway", "--ipmigateway", "IP"},
            {".Ipmi.Netmask", "--ipminetmask", "IP"}, {".Ipmi.Port", "--ipmiport", "string"},
            {".Ipmi.Interface", "--ipmiinterface", "string"}, {".Ipmi.EscapeChar", "--ipmiescapechar", "string"},
            {".Ipmi.Write", "--ipmiwrite", "bool"}, {".Ipmi.Template", "--ipmitemplate", "string"},
            {".Ipmi.Tags", "--ipmitagadd", "map[string]string"},
        };
        private static final java.util.regex.Pattern ACTION = java.util.regex.Pattern.compile("\\{\\{(.*?)\\}\\}",
                java.util.regex.Pattern.DOTALL);
        private static final java.util.regex.Pattern WWDOC = java.util.regex.Pattern.compile(
                "^-?\\s*/\\*\\s*wwdoc:?(.*?)\\*/\\s*-?$", java.util.regex.Pattern.DOTALL);
        private static final java.util.regex.Pattern CHAIN = java.util.regex.Pattern.compile(
                "(?<![\\w$)\\].])(\\.[A-Z]\\w*(?:\\.[A-Z]\\w*)*)");

        @Override
        int exec(OverlayStore s) throws Exception {
            OverlayStore.Overlay o = s.get(name);
            Path p = s.inside(o, file);
            if (!Files.isRegularFile(p) && Files.isRegularFile(p.resolveSibling(p.getFileName() + ".ww"))) {
                p = p.resolveSibling(p.getFileName() + ".ww");
            }
            if (!Files.isRegularFile(p)) {
                throw new CliException("file " + file + " does not exist within overlay " + name);
            }
            String text = Files.readString(p);
            java.io.PrintStream out = session().out();
            java.util.Set<String> used = new java.util.TreeSet<>();
            java.util.regex.Matcher m = ACTION.matcher(text);
            while (m.find()) {
                String action = m.group(1).strip();
                java.util.regex.Matcher doc = WWDOC.matcher(action);
                if (doc.matches()) {
                    for (String line : doc.group(1).strip().split("\n")) {
                        out.println(line.strip());
                    }
                    continue;
                }
                if (action.startsWith("/*") || action.startsWith("- /*")) {
                    continue;
                }
                java.util.regex.Matcher c = CHAIN.matcher(action.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\""));
                while (c.find()) {
                    used.add(c.group(1));
                }
            }
            picocli.CommandLine.Model.CommandSpec flags = picocli.CommandLine.Model.CommandSpec.forAnnotatedObject(new FieldFlags());
            Table t = new Table("VARIABLE", "OPTION", "TYPE", "HELP");
            for (String[] v : VARIABLES) {
                boolean hit = used.stream().anyMatch(u -> u.equals(v[0]) || u.startsWith(v[0] + "."));
                if (hit) {
                    picocli.CommandLine.Model.OptionSpec opt = flags.findOption(v[1]);
                    String help = opt == null || opt.description().length == 0 ? "" : opt.description()[0];
                    t.row(v[0], v[1], v[2], help);
                }
            }
            if (t.size() > 0) {
                t.print(out);
            }
            return 0;
        }
    }
}
