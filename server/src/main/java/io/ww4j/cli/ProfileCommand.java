package io.ww4j.cli;

import io.ww4j.node.Profile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wwctl profile ...} (spec §2.3). Profile names are plain (no hostlist). */
@Command(name = "profile", description = "Node profile management")
final class ProfileCommand extends WwCommand {
    /** The subcommands, added by {@link Wwctl#commandLine} (only the one a command line names). */
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(
            ProfileCommand.Add.class,
            ProfileCommand.Set.class,
            ProfileCommand.Unset.class,
            ProfileCommand.ListCmd.class,
            ProfileCommand.Delete.class,
            ProfileCommand.Edit.class);

    @Override
    protected int run() {
        Commands.usage(spec, session());
        return 0;
    }

    static List<String> existing(List<String> names, Map<String, Profile> profiles) {
        List<String> ids = new ArrayList<>();
        for (String n : names) {
            if (!profiles.containsKey(n)) {
                throw new CliException("profile does not exist: " + n);
            }
            if (!ids.contains(n)) {
                ids.add(n);
            }
        }
        return ids;
    }

    @Command(name = "add", aliases = {"new", "create"}, description = "Add a new node profile")
    static final class Add extends WwCommand {
        @Mixin
        FieldFlags flags;
        @Parameters(arity = "1..*", paramLabel = "PROFILE")
        List<String> names;

        @Override
        protected int run() {
            NodeDb db = NodeDb.of(session());
            flags.validate(null);
            NodeCommand.checkProfiles(flags, db.raw());
            db.update(tx -> {
                for (String id : names) {
                    if (tx.profile(id).isPresent()) {
                        throw new CliException("profile with name " + id + " already exists");
                    }
                    Profile p = new Profile(id);
                    flags.apply(p, null, 0);
                    tx.putProfile(p);
                }
            });
            return 0;
        }
    }

    @Command(name = "set", aliases = "modify", description = "Configure node profile properties")
    static final class Set extends WwCommand {
        @Mixin
        FieldFlags flags;
        @Mixin
        FieldFlags.Deletes deletes;
        @Option(names = {"-y", "--yes"}, description = "Set 'yes' to all questions asked")
        boolean yes;
        @Option(names = {"-f", "--force"}, hidden = true)
        boolean force;
        @Parameters(arity = "1..*", paramLabel = "PROFILE")
        List<String> names;

        @Override
        protected int run() {
            Session s = session();
            NodeDb db = NodeDb.of(s);
            flags.validate(null);
            NodeCommand.checkProfiles(flags, db.raw());
            List<String> ids = existing(names, db.raw().profiles);
            return NodeCommand.previewAndApply(s, db, ids, false, yes, this::edit);
        }

        private void edit(Profile p) {
            flags.apply(p, null, 0);
            FieldFlags.applyDeletes(p, deletes, flags.netname, flags.diskName);
        }
    }

    @Command(name = "unset", description = "Unset profile fields")
    static final class Unset extends WwCommand {
        @Mixin
        UnsetFlags flags;
        @Option(names = {"-y", "--yes"}, description = "Set 'yes' to all questions asked")
        boolean yes;
        @Option(names = {"-f", "--force"}, description = "Skip profiles that do not exist")
        boolean force;
        @Parameters(arity = "1..*", paramLabel = "PROFILE")
        List<String> names;

        @Override
        protected int run() {
            Session s = session();
            NodeDb db = NodeDb.of(s);
            if (!flags.any()) {
                throw new CliException("no fields specified to unset");
            }
            FieldFlags f = flags.toFieldFlags();
            List<String> ids = force ? names.stream().filter(db.raw().profiles::containsKey).toList()
                    : existing(names, db.raw().profiles);
            return NodeCommand.previewAndApply(s, db, ids, false, yes, p -> flags.apply(p, f, null));
        }
    }

    @Command(name = "list", aliases = "ls", description = "List profiles and configurations")
    static final class ListCmd extends WwCommand {
        @Option(names = {"-a", "--all"}, description = "Show all profile configurations")
        boolean all;
        @Option(names = {"-y", "--yaml"}, description = "Show profiles in yaml format")
        boolean yaml;
        @Option(names = {"-j", "--json"}, description = "Show profiles in json format")
        boolean json;
        @Parameters(arity = "0..*", paramLabel = "PROFILE")
        List<String> names = new ArrayList<>();

        @Override
        protected int run() {
            Session s = session();
            Map<String, Profile> profiles = NodeDb.of(s).raw().profiles;
            List<String> wanted = new ArrayList<>();
            if (!names.isEmpty()) {
                // As upstream: only the first argument is split on commas.
                wanted.addAll(List.of(names.get(0).split(",")));
                wanted.addAll(names.subList(1, names.size()));
            }
            Map<String, Profile> shown = new TreeMap<>();
            profiles.forEach((id, p) -> {
                if (wanted.isEmpty() || wanted.contains(id)) {
                    shown.put(id, p);
                }
            });
            if (yaml || json) {
                Map<String, io.ww4j.node.Node> asNodes = new TreeMap<>();
                shown.forEach((id, p) -> {
                    io.ww4j.node.Node n = new io.ww4j.node.Node(id);
                    // Same shared fields, written the same way.
                    Profile c = p.copy();
                    n.profiles = c.profiles; n.comment = c.comment; n.clusterName = c.clusterName;
                    n.imageName = c.imageName; n.ipxeTemplate = c.ipxeTemplate; n.runtimeOverlay = c.runtimeOverlay;
                    n.systemOverlay = c.systemOverlay; n.kernel = c.kernel; n.ipmi = c.ipmi; n.init = c.init;
                    n.root = c.root; n.netDevs = c.netDevs; n.tags = c.tags; n.primaryNetwork = c.primaryNetwork;
                    n.disks = c.disks; n.filesystems = c.filesystems; n.resources = c.resources;
                    asNodes.put(id, n);
                });
                s.out().print(yaml ? Formats.yaml4(asNodes) : Formats.json(asNodes));
                return 0;
            }
            if (all) {
                Table t = new Table("PROFILE", "FIELD", "VALUE");
                shown.forEach((id, p) -> allRows(t, id, p));
                t.print(s.out());
                return 0;
            }
            Table t = new Table("PROFILE NAME", "COMMENT/DESCRIPTION");
            shown.forEach((id, p) -> t.row(id, p.comment));
            t.print(s.out());
            return 0;
        }

        /** Raw profile; every top-level scalar or list field even when empty (spec §2.3). */
        private static void allRows(Table t, String id, Profile p) {
            t.row(id, "Profiles", String.join(",", p.profiles));
            t.row(id, "Comment", p.comment);
            t.row(id, "ClusterName", p.clusterName);
            t.row(id, "ImageName", p.imageName);
            t.row(id, "Ipxe", p.ipxeTemplate);
            t.row(id, "RuntimeOverlay", String.join(",", p.runtimeOverlay));
            t.row(id, "SystemOverlay", String.join(",", p.systemOverlay));
            if (!p.kernel.isEmpty()) {
                t.row(id, "Kernel.Version", p.kernel.version);
                t.row(id, "Kernel.Args", String.join(",", p.kernel.args));
            }
            if (!p.ipmi.isEmpty()) {
                var i = p.ipmi;
                t.row(id, "Ipmi.UserName", i.username);
                t.row(id, "Ipmi.Password", i.password);
                t.row(id, "Ipmi.Ipaddr", i.ipaddr);
                t.row(id, "Ipmi.Gateway", i.gateway);
                t.row(id, "Ipmi.Netmask", i.netmask);
                t.row(id, "Ipmi.Port", i.port);
                t.row(id, "Ipmi.Interface", i.iface);
                t.row(id, "Ipmi.EscapeChar", i.escapechar);
                t.row(id, "Ipmi.Write", i.write);
                t.row(id, "Ipmi.Template", i.template);
                i.tags.forEach((k, v) -> t.row(id, "Ipmi.Tags[" + k + "]", v));
            }
            t.row(id, "Init", p.init);
            t.row(id, "Root", p.root);
            p.netDevs.forEach((name, d) -> {
                String f = "NetDevs[" + name + "].";
                t.row(id, f + "Type", d.type);
                t.row(id, f + "OnBoot", d.onboot);
                t.row(id, f + "Device", d.device);
                t.row(id, f + "Hwaddr", d.hwaddr);
                t.row(id, f + "Ipaddr", d.ipaddr);
                t.row(id, f + "Netmask", d.netmask);
                t.row(id, f + "Gateway", d.gateway);
                t.row(id, f + "MTU", d.mtu);
                d.tags.forEach((k, v) -> t.row(id, f + "Tags[" + k + "]", v));
            });
            p.tags.forEach((k, v) -> t.row(id, "Tags[" + k + "]", v));
            t.row(id, "PrimaryNetDev", p.primaryNetwork);
        }
    }

    @Command(name = "edit", description = "Edit node profile(s) with editor")
    static final class Edit extends WwCommand {
        @Option(names = "--noheader", description = "Do not print the header")
        boolean noHeader;
        @Parameters(arity = "0..*", paramLabel = "PROFILE")
        List<String> names = new ArrayList<>();

        @Override
        protected int run() {
            Session s = session();
            NodeDb db = NodeDb.of(s);
            List<String> ids = names.isEmpty() ? new ArrayList<>(db.raw().profiles.keySet())
                    : existing(names, db.raw().profiles);
            return RecordEdit.profiles(s, db, ids, noHeader);
        }
    }

    @Command(name = "delete", aliases = {"remove", "rm", "del"}, description = "Delete a node profile")
    static final class Delete extends WwCommand {
        @Option(names = {"-y", "--yes"}, description = "Set 'yes' to all questions asked")
        boolean yes;
        @Parameters(arity = "1..*", paramLabel = "PROFILE")
        List<String> names;

        @Override
        protected int run() {
            Session s = session();
            NodeDb db = NodeDb.of(s);
            if (names.contains("default")) {
                throw new CliException("refusing to delete the default profile");
            }
            List<String> ids = existing(names, db.raw().profiles);
            // ww4j: a profile still in use is refused (upstream left dangling references).
            for (String id : ids) {
                List<String> users = db.usersOf(id);
                users.removeAll(ids);
                if (!users.isEmpty()) {
                    throw new CliException("profile " + id + " is still used by: " + String.join(", ", users));
                }
            }
            if (!yes && !s.confirm("Are you sure you want to delete " + ids.size() + " profile(s)")) {
                return 0;
            }
            db.update(tx -> {
                for (String id : ids) {
                    tx.deleteProfile(id);
                }
                // Profiles that listed a deleted one (only among the deleted ones, see above) drop it.
                for (String other : tx.committed().profiles.keySet()) {
                    if (ids.contains(other) || tx.profile(other).isEmpty()) {
                        continue;
                    }
                    if (tx.profile(other).get().profiles.stream().anyMatch(ids::contains)) {
                        tx.editProfile(other).profiles.removeAll(ids);
                    }
                }
            });
            return 0;
        }
    }
}
