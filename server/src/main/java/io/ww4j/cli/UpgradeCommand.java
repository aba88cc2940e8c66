package io.ww4j.cli;

import io.ww4j.node.NetDev;
import io.ww4j.node.Node;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfException;
import io.ww4j.node.NodesConfReader;
import io.ww4j.node.NodesConfWriter;
import io.ww4j.node.Profile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wwctl upgrade nodes|config} (spec §4.3): rewrites an older nodes.conf or warewulf.conf
 * in the current format, file to file. The previous output file is kept as {@code <out>-old};
 * the new one is written atomically. The node database is not touched: load an upgraded
 * nodes.conf with {@code wwctl db import}.
 */
@Command(name = "upgrade", description = "Upgrade configuration files to the current format",
        subcommands = {UpgradeCommand.Nodes.class, UpgradeCommand.Config.class})
final class UpgradeCommand extends WwCommand {
    @Override
    protected int run() {
        Commands.usage(spec, session());
        return 0;
    }

    /** The 14 overlays the monolithic {@code wwinit} overlay was split into. */
    static final List<String> WWINIT_SPLIT = List.of("wwinit", "wwclient", "fstab", "hostname", "ssh.host_keys", "issue",
            "resolv", "udev.netname", "systemd.netname", "ifcfg", "ifupdown", "NetworkManager", "wicked", "ignition");
    /** What the old {@code generic} runtime overlay became. */
    static final List<String> GENERIC_SPLIT = List.of("hosts", "ssh.authorized_keys", "syncuser");

    /** Writes {@code text} to {@code out} ("-" = stdout), keeping an existing file as {@code <out>-old}. */
    static void writeOutput(Session s, String out, String text) {
        if (out.equals("-")) {
            s.out().print(text);
            return;
        }
        Path path = s.resolve(out);
        try {
            if (Files.exists(path)) {
                Files.copy(path, path.resolveSibling(path.getFileName() + "-old"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
            NodesConfWriter.writeFile(path, text);
        } catch (IOException e) {
            throw new CliException("writing " + path + ": " + e.getMessage());
        }
    }

    @Command(name = "nodes", description = "Upgrade an existing nodes.conf")
    static final class Nodes extends WwCommand {
        @Option(names = "--add-defaults", arity = "0..1", fallbackValue = "true",
                description = "Configure a default profile and set default node values (required: true or false)")
        Boolean addDefaults;
        @Option(names = "--replace-overlays", arity = "0..1", fallbackValue = "true",
                description = "Replace 'wwinit' and 'generic' overlays with their split replacements (required: true or false)")
        Boolean replaceOverlays;
        @Option(names = {"-i", "--input-path"}, paramLabel = "FILE", description = "Path to a legacy nodes.conf (default: the configured nodes.conf)")
        String input;
        @Option(names = {"-o", "--output-path"}, paramLabel = "FILE", description = "Where to write the upgraded nodes.conf ('-' for stdout; default: the configured nodes.conf)")
        String output;
        @Option(names = "--with-warewulfconf", paramLabel = "FILE", description = "warewulf.conf whose NFS mounts move into the default profile (default: the current one)")
        String warewulfconf;

        @Override
        protected int run() {
            Session s = session();
            requireFlags(addDefaults, replaceOverlays);
            Path in = input == null ? s.conf().nodesConf() : s.resolve(input);
            NodesConf c;
            try {
                c = NodesConfReader.read(in);
            } catch (NodesConfException e) {
                throw new CliException(e.getMessage());
            }
            c.warnings.forEach(w -> s.warn("%s", w));
            Path confPath = warewulfconf != null ? s.resolve(warewulfconf) : s.conf().file;
            List<Map<String, Object>> mounts = confPath == null ? List.of() : nfsMounts(s, confPath);
            if (!mounts.isEmpty()) {
                Profile def = c.profiles.computeIfAbsent("default", Profile::new);
                addFstab(def, mounts);
            }
            if (addDefaults) {
                addDefaults(s, c);
            }
            if (replaceOverlays) {
                c.profiles.values().forEach(Nodes::replaceOverlays);
                c.nodes.values().forEach(Nodes::replaceOverlays);
            }
            writeOutput(s, output == null ? s.conf().nodesConf().toString() : output, NodesConfWriter.write(c));
            return 0;
        }

        static void requireFlags(Boolean... flags) {
            List<String> missing = new ArrayList<>();
            if (flags[0] == null) {
                missing.add("\"add-defaults\"");
            }
            if (flags[1] == null) {
                missing.add("\"replace-overlays\"");
            }
            if (!missing.isEmpty()) {
                throw new CliException("required flag(s) " + String.join(", ", missing) + " not set");
            }
        }

        /** NFS exports of an (old) warewulf.conf that nodes mounted: legacy {@code exports} and {@code mount: true} paths. */
        @SuppressWarnings("unchecked")
        static List<Map<String, Object>> nfsMounts(Session s, Path confPath) {
            if (!Files.isRegularFile(confPath)) {
                return List.of();
            }
            Object doc = loadYaml(confPath);
            List<Map<String, Object>> out = new ArrayList<>();
            if (!(doc instanceof Map<?, ?> top) || !(top.get("nfs") instanceof Map<?, ?> nfs)) {
                return out;
            }
            if (nfs.get("export paths") instanceof List<?> paths) {
                for (Object o : paths) {
                    if (o instanceof Map<?, ?> e && "true".equals(String.valueOf(e.get("mount")))) {
                        String path = String.valueOf(e.get("path"));
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("spec", "warewulf:" + path);
                        m.put("file", path);
                        m.put("vfstype", "nfs");
                        if (e.get("mount options") != null && !String.valueOf(e.get("mount options")).isEmpty()) {
                            m.put("mntops", String.valueOf(e.get("mount options")));
                        }
                        out.add(m);
                    }
                }
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        static void addFstab(Profile p, List<Map<String, Object>> mounts) {
            Object existing = p.resources.get("fstab");
            List<Object> fstab = existing instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
            for (Map<String, Object> m : mounts) {
                boolean have = fstab.stream().anyMatch(o -> o instanceof Map<?, ?> x && m.get("file").equals(x.get("file")));
                if (!have) {
                    fstab.add(m);
                }
            }
            p.resources.put("fstab", fstab);
        }

        static void addDefaults(Session s, NodesConf c) {
            Profile def = c.profiles.computeIfAbsent("default", Profile::new);
            if (def.systemOverlay.isEmpty()) {
                def.systemOverlay.addAll(WWINIT_SPLIT);
            }
            if (def.runtimeOverlay.isEmpty()) {
                def.runtimeOverlay.addAll(GENERIC_SPLIT);
            }
            if (def.kernel.args.isEmpty()) {
                def.kernel.args.addAll(List.of("quiet", "crashkernel=no", "net.ifnames=1"));
            }
            if (def.init.isEmpty()) {
                def.init = "/sbin/init";
            }
            if (def.root.isEmpty()) {
                def.root = "initramfs";
            }
            if (def.ipxeTemplate.isEmpty()) {
                def.ipxeTemplate = "default";
            }
            if (!def.resources.containsKey("fstab")) {
                addFstab(def, List.of(
                        fstab("/home", "defaults,nofail"),
                        fstab("/opt", "defaults,noauto,nofail,ro")));
            }
            if (def.ipmi.template.isEmpty()) {
                def.ipmi.template = "ipmitool.tmpl";
            }
            for (Profile p : c.profiles.values()) {
                for (NetDev nd : p.netDevs.values()) {
                    if (nd.type.isEmpty()) {
                        nd.type = "ethernet";
                    }
                    if (nd.netmask.isEmpty()) {
                        nd.netmask = "255.255.255.0";
                    }
                }
            }
            for (Node n : c.nodes.values()) {
                if (n.profiles.isEmpty()) {
                    n.profiles.add("default");
                } else if (!n.profiles.contains("default")) {
                    s.warn("node %s does not include the default profile", n.id);
                }
            }
        }

        private static Map<String, Object> fstab(String path, String options) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("spec", "warewulf:" + path);
            m.put("file", path);
            m.put("vfstype", "nfs");
            m.put("mntops", options);
            return m;
        }

        static void replaceOverlays(Profile p) {
            p.systemOverlay = replace(p.systemOverlay);
            p.runtimeOverlay = replace(p.runtimeOverlay);
        }

        /** {@code wwinit} and {@code generic} replaced in place by their splits, skipping names already listed. */
        static List<String> replace(List<String> overlays) {
            List<String> out = new ArrayList<>();
            for (String o : overlays) {
                List<String> with = o.equals("wwinit") ? WWINIT_SPLIT : o.equals("generic") ? GENERIC_SPLIT : List.of(o);
                for (String w : with) {
                    if (!out.contains(w) && (w.equals(o) || !overlays.contains(w))) {
                        out.add(w);
                    }
                }
            }
            return out;
        }
    }

    @Command(name = "config", description = "Upgrade an existing warewulf.conf")
    static final class Config extends WwCommand {
        @Option(names = {"-i", "--input-path"}, paramLabel = "FILE", description = "Path to a legacy warewulf.conf (default: the current one)")
        String input;
        @Option(names = {"-o", "--output-path"}, paramLabel = "FILE", description = "Where to write the upgraded warewulf.conf ('-' for stdout; default: the current one)")
        String output;

        @Override
        protected int run() {
            Session s = session();
            String current = s.conf().file != null ? s.conf().file.toString() : "/etc/warewulf/warewulf.conf";
            Path in = s.resolve(input == null ? current : input);
            Object doc = loadYaml(in);
            Map<String, Object> top = doc instanceof Map<?, ?> ? asMap(doc) : new LinkedHashMap<>();
            upgrade(s, top);
            // Failsafe schema both ways: every scalar is written back plain, as it was read.
            DumpSettings ds = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2)
                    .setIndicatorIndent(0).setSchema(new FailsafeSchema()).build();
            writeOutput(s, output == null ? current : output, new Dump(ds).dumpToString(top));
            return 0;
        }

        /** The legacy keys (spec protocol §6): dropped with a note, or moved to their current place. */
        static void upgrade(Session s, Map<String, Object> top) {
            if (top.remove("WW_INTERNAL") != null) {
                s.warn("ignore: WW_INTERNAL (obsolete)");
            }
            Object v6 = top.remove("ipv6net");
            if (v6 != null) {
                String net = String.valueOf(v6);
                int slash = net.indexOf('/');
                if (slash > 0) {
                    top.putIfAbsent("ipaddr6", net.substring(0, slash));
                    top.putIfAbsent("prefixlen6", net.substring(slash + 1));
                } else {
                    s.warn("ignore: ipv6net %s (unparsable)", net);
                }
            }
            if (top.get("warewulf") instanceof Map<?, ?> w0) {
                Map<String, Object> w = asMap(w0);
                top.put("warewulf", w);
                if (w.remove("syslog") != null) {
                    s.warn("syslog configuration ignored: all logs now go to stdout/stderr");
                }
                Object store = w.remove("datastore");
                if (store != null && !String.valueOf(store).isEmpty()) {
                    Map<String, Object> paths = top.get("paths") instanceof Map<?, ?> p ? asMap(p) : new LinkedHashMap<>();
                    paths.putIfAbsent("datadir", String.valueOf(store));
                    top.put("paths", paths);
                }
            }
            Object containerMounts = top.remove("container mounts");
            if (containerMounts != null && !(top.get("image mounts") instanceof List<?> l && !l.isEmpty())) {
                top.put("image mounts", containerMounts);
            }
            if (top.get("nfs") instanceof Map<?, ?> n0) {
                Map<String, Object> nfs = asMap(n0);
                top.put("nfs", nfs);
                List<Object> paths = new ArrayList<>();
                if (nfs.remove("exports") instanceof List<?> exports) {
                    for (Object e : exports) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("path", String.valueOf(e));
                        paths.add(m);
                    }
                }
                if (nfs.get("export paths") instanceof List<?> ext) {
                    for (Object e : ext) {
                        if (e instanceof Map<?, ?> em) {
                            Map<String, Object> m = asMap(em);
                            m.remove("mount options");
                            Object mount = m.remove("mount");
                            if ("true".equals(String.valueOf(mount))) {
                                s.warn("Legacy mount configured for NFS export %s: use `wwctl upgrade nodes "
                                        + "--with-warewulfconf=<original file>` to port to nodes.conf", m.get("path"));
                            }
                            paths.add(m);
                        }
                    }
                }
                if (!paths.isEmpty() || nfs.containsKey("export paths")) {
                    nfs.put("export paths", paths);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        Map<String, Object> m = new LinkedHashMap<>();
        ((Map<Object, Object>) o).forEach((k, v) -> m.put(String.valueOf(k), v));
        return m;
    }

    /** YAML as maps, lists and strings (failsafe schema: "9873" and "00:09" stay as written). */
    static Object loadYaml(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("reading " + path + ": " + e.getMessage());
        }
        try {
            return new Load(LoadSettings.builder().setSchema(new FailsafeSchema()).setLabel(path.toString()).build())
                    .loadFromString(text);
        } catch (YamlEngineException e) {
            throw new CliException(path + ": " + e.getMessage());
        }
    }
}
