package io.ww4j.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads nodes.conf (spec §1.1-1.8), a bare node map (per-node YAML such as {@code node3401.yml}),
 * or a v4.5 file ({@code WW_INTERNAL}), which is converted as {@code wwctl upgrade nodes} would
 * (spec §4.3) without the parts that need images or warewulf.conf. Scalars are always read as
 * text. Unknown keys are reported as warnings with their line (upstream drops them silently).
 * Invalid addresses and YAML errors throw {@link NodesConfException} naming file and line.
 */
public final class NodesConfReader {
    private static final Pattern WS = Pattern.compile("\\s+");

    private final String file;
    private final NodesConf out = new NodesConf();
    private boolean legacy;

    private NodesConfReader(String file) {
        this.file = file;
    }

    public static NodesConf read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new NodesConfException(path + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, path.toString());
    }

    /** Parses YAML text; {@code name} is used in messages. */
    public static NodesConf parse(String text, String name) {
        NodesConfReader r = new NodesConfReader(name);
        r.parseDocument(text);
        return r.out;
    }

    /**
     * Parses YAML text that is a map from node id to node ({@code wwctl node edit}), whatever
     * its keys are called (a node may be named {@code nodes}).
     */
    public static NodesConf parseNodeMap(String text, String name) {
        NodesConfReader r = new NodesConfReader(name);
        org.snakeyaml.engine.v2.nodes.Node root = r.compose(text);
        r.out.nodeMapOnly = true;
        if (root != null && !nullNode(root)) {
            r.readNodes(root);
        }
        return r.out;
    }

    /** Parses YAML text that is a map from profile id to profile ({@code wwctl profile edit}). */
    public static NodesConf parseProfileMap(String text, String name) {
        NodesConfReader r = new NodesConfReader(name);
        org.snakeyaml.engine.v2.nodes.Node root = r.compose(text);
        if (root != null && !nullNode(root)) {
            r.entries(r.mapping(root, "profiles"), "profiles").forEach((id, t) -> {
                Profile p = new Profile(id);
                if (!nullNode(t.getValueNode())) {
                    r.record(r.mapping(t.getValueNode(), id), p, id, false);
                }
                r.out.profiles.put(id, p);
            });
        }
        return r.out;
    }

    /** Parses one record (as stored by the database) into a node. */
    static Node parseNode(String yaml, String id) {
        NodesConfReader r = new NodesConfReader("node " + id);
        org.snakeyaml.engine.v2.nodes.Node root = r.compose(yaml);
        Node n = new Node(id);
        if (root != null) {
            r.record(r.mapping(root, id), n, id, true);
        }
        return n;
    }

    static Profile parseProfile(String yaml, String id) {
        NodesConfReader r = new NodesConfReader("profile " + id);
        org.snakeyaml.engine.v2.nodes.Node root = r.compose(yaml);
        Profile p = new Profile(id);
        if (root != null) {
            r.record(r.mapping(root, id), p, id, false);
        }
        return p;
    }

    private org.snakeyaml.engine.v2.nodes.Node compose(String text) {
        LoadSettings settings = LoadSettings.builder().setLabel(file).setCodePointLimit(Integer.MAX_VALUE)
                .setAllowDuplicateKeys(true).build();
        try {
            Optional<org.snakeyaml.engine.v2.nodes.Node> n = new Compose(settings).composeString(text);
            return n.orElse(null);
        } catch (MarkedYamlEngineException e) {
            Mark m = e.getProblemMark().or(e::getContextMark).orElse(null);
            String line = m == null ? "" : ":" + (m.getLine() + 1);
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            String ctx = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            throw new NodesConfException(file + line + ": YAML syntax error: " + problem + ctx, e);
        } catch (YamlEngineException e) {
            throw new NodesConfException(file + ": YAML error: " + e.getMessage(), e);
        }
    }

    private void parseDocument(String text) {
        org.snakeyaml.engine.v2.nodes.Node root = compose(text);
        if (root == null || (root instanceof ScalarNode s && isNull(s))) {
            return;
        }
        Map<String, NodeTuple> top = entries(mapping(root, "document"), "");
        legacy = top.containsKey("WW_INTERNAL");
        if (legacy) {
            out.convertedFromLegacy = true;
            out.warnings.add(where(top.get("WW_INTERNAL").getKeyNode())
                    + ": v4.5 format (WW_INTERNAL): converted as 'wwctl upgrade nodes' would");
        }
        if (!top.containsKey("nodeprofiles") && !top.containsKey("nodes") && !legacy) {
            // A per-node YAML file: a map from node id to node.
            out.nodeMapOnly = true;
            readNodes(root);
            return;
        }
        for (Map.Entry<String, NodeTuple> e : top.entrySet()) {
            org.snakeyaml.engine.v2.nodes.Node v = e.getValue().getValueNode();
            switch (e.getKey()) {
                case "nodeprofiles" -> {
                    if (!nullNode(v)) {
                        entries(mapping(v, "nodeprofiles"), "nodeprofiles").forEach((id, t) -> {
                            Profile p = new Profile(id);
                            if (!nullNode(t.getValueNode())) {
                                record(mapping(t.getValueNode(), "nodeprofiles." + id), p, "nodeprofiles." + id, false);
                            }
                            out.profiles.put(id, p);
                        });
                    }
                }
                case "nodes" -> {
                    if (!nullNode(v)) {
                        readNodes(v);
                    }
                }
                case "WW_INTERNAL" -> { }
                default -> out.warnings.add(where(e.getValue().getKeyNode()) + ": unknown key '" + e.getKey() + "' (ignored)");
            }
        }
    }

    private void readNodes(org.snakeyaml.engine.v2.nodes.Node v) {
        entries(mapping(v, "nodes"), "nodes").forEach((id, t) -> {
            Node n = new Node(id);
            if (!nullNode(t.getValueNode())) {
                record(mapping(t.getValueNode(), "nodes." + id), n, "nodes." + id, true);
            }
            out.nodes.put(id, n);
        });
    }

    // ---- one node or profile record ----

    private void record(MappingNode m, Profile p, String path, boolean isNode) {
        Map<String, NodeTuple> e = entries(m, path);
        Node node = isNode ? (Node) p : null;
        List<String> tagsdel = new ArrayList<>();
        Map<String, String> legacyIpmi = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> en : e.entrySet()) {
            String key = en.getKey();
            org.snakeyaml.engine.v2.nodes.Node v = en.getValue().getValueNode();
            String kp = path + "." + key;
            switch (key) {
                case "discoverable" -> {
                    if (isNode) {
                        node.discoverable = str(v, kp);
                    } else {
                        dropped(en, kp, legacy ? "kept on nodes only" : "not allowed on a profile");
                    }
                }
                case "asset key" -> {
                    if (isNode) {
                        node.assetKey = str(v, kp);
                    } else {
                        dropped(en, kp, legacy ? "dropped from profiles" : "not allowed on a profile");
                    }
                }
                case "profiles" -> p.profiles = list(v, kp);
                case "comment" -> p.comment = str(v, kp);
                case "cluster name" -> p.clusterName = str(v, kp);
                case "image name" -> p.imageName = str(v, kp);
                case "ipxe template" -> p.ipxeTemplate = str(v, kp);
                case "runtime overlay" -> p.runtimeOverlay = list(v, kp);
                case "system overlay" -> p.systemOverlay = list(v, kp);
                case "kernel" -> kernel(v, kp, p.kernel);
                case "ipmi" -> ipmi(v, kp, p.ipmi, tagsdel);
                case "init" -> p.init = str(v, kp);
                case "root" -> p.root = str(v, kp);
                case "network devices" -> {
                    if (!nullNode(v)) {
                        entries(mapping(v, kp), kp).forEach((name, t) -> {
                            NetDev nd = new NetDev();
                            if (!nullNode(t.getValueNode())) {
                                netdev(mapping(t.getValueNode(), kp + "." + name), kp + "." + name, nd, p, name);
                            }
                            p.netDevs.put(name, nd);
                        });
                    }
                }
                case "tags" -> p.tags.putAll(strMap(v, kp));
                case "primary network" -> p.primaryNetwork = str(v, kp);
                case "disks" -> disks(v, kp, p.disks);
                case "filesystems" -> filesystems(v, kp, p.filesystems);
                case "resources" -> {
                    if (!nullNode(v)) {
                        entries(mapping(v, kp), kp).forEach((k, t) -> p.resources.put(k, value(t.getValueNode())));
                    }
                }
                default -> {
                    if (!legacy || !legacyKey(key, v, kp, p, tagsdel, legacyIpmi, en)) {
                        out.warnings.add(where(en.getValue().getKeyNode()) + ": unknown key '" + kp + "' (ignored)");
                    }
                }
            }
        }
        if (legacy) {
            finishLegacy(p, tagsdel, legacyIpmi, path);
        }
    }

    private void dropped(Map.Entry<String, NodeTuple> en, String kp, String why) {
        out.warnings.add(where(en.getValue().getKeyNode()) + ": '" + kp + "' ignored: " + why);
    }

    private void kernel(org.snakeyaml.engine.v2.nodes.Node v, String kp, Kernel k) {
        if (nullNode(v)) {
            return;
        }
        entries(mapping(v, kp), kp).forEach((key, t) -> {
            org.snakeyaml.engine.v2.nodes.Node x = t.getValueNode();
            switch (key) {
                case "version" -> k.version = str(x, kp + ".version");
                case "args" -> {
                    if (legacy && x instanceof ScalarNode) {
                        k.args = splitWs(str(x, kp + ".args"));
                    } else {
                        k.args = list(x, kp + ".args");
                    }
                }
                case "override" -> {
                    if (legacy) {
                        out.warnings.add(where(t.getKeyNode()) + ": '" + kp + ".override' dropped: kernel overrides "
                                + "need the image to resolve; set kernel.version instead");
                    } else {
                        unknown(t, kp + "." + key);
                    }
                }
                default -> unknown(t, kp + "." + key);
            }
        });
    }

    private void ipmi(org.snakeyaml.engine.v2.nodes.Node v, String kp, Ipmi i, List<String> tagsdel) {
        if (nullNode(v)) {
            return;
        }
        Map<String, String> keys = new TreeMap<>();
        List<String> del = new ArrayList<>();
        entries(mapping(v, kp), kp).forEach((key, t) -> {
            org.snakeyaml.engine.v2.nodes.Node x = t.getValueNode();
            String p = kp + "." + key;
            switch (key) {
                case "username" -> i.username = str(x, p);
                case "password" -> i.password = str(x, p);
                case "ipaddr" -> i.ipaddr = ipv4(x, p);
                case "gateway" -> i.gateway = ipv4(x, p);
                case "netmask" -> i.netmask = netmask(x, p);
                case "port" -> i.port = str(x, p);
                case "interface" -> i.iface = str(x, p);
                case "escapechar" -> i.escapechar = str(x, p);
                case "write" -> i.write = str(x, p);
                case "template" -> i.template = str(x, p);
                case "tags" -> i.tags.putAll(strMap(x, p));
                default -> {
                    if (legacy && key.equals("keys")) {
                        keys.putAll(strMap(x, p));
                    } else if (legacy && key.equals("tagsdel")) {
                        del.addAll(list(x, p));
                    } else {
                        unknown(t, p);
                    }
                }
            }
        });
        if (legacy) {
            keys.forEach(i.tags::putIfAbsent);
            del.forEach(i.tags::remove);
        }
    }

    private void netdev(MappingNode m, String kp, NetDev nd, Profile owner, String name) {
        Map<String, String> keys = new TreeMap<>();
        List<String> del = new ArrayList<>();
        entries(m, kp).forEach((key, t) -> {
            org.snakeyaml.engine.v2.nodes.Node x = t.getValueNode();
            String p = kp + "." + key;
            switch (key) {
                case "type" -> nd.type = str(x, p);
                case "onboot" -> nd.onboot = str(x, p);
                case "device" -> nd.device = str(x, p);
                case "hwaddr" -> {
                    nd.hwaddr = str(x, p);
                    if (!nd.hwaddr.isEmpty()) {
                        check(x, p, () -> Addresses.hwaddr(nd.hwaddr));
                    }
                }
                case "ipaddr" -> nd.ipaddr = ipv4(x, p);
                case "netmask" -> nd.netmask = netmask(x, p);
                case "gateway" -> nd.gateway = ipv4(x, p);
                case "ipaddr6" -> nd.ipaddr6 = ipv6(x, p);
                case "prefixlen6" -> nd.prefixlen6 = str(x, p);
                case "gateway6" -> nd.gateway6 = ipv6(x, p);
                case "mtu" -> nd.mtu = str(x, p);
                case "tags" -> nd.tags.putAll(strMap(x, p));
                default -> {
                    if (!legacy) {
                        unknown(t, p);
                        return;
                    }
                    switch (key) {
                        case "ip6addr" -> {
                            String v6 = ipv6(x, p);
                            if (!nd.ipaddr6.isEmpty() && !nd.ipaddr6.equals(v6)) {
                                out.warnings.add(where(t.getKeyNode()) + ": " + p + " conflicts with ipaddr6; ipaddr6 kept");
                            } else {
                                nd.ipaddr6 = v6;
                            }
                        }
                        case "ipcidr" -> {
                            String c = str(x, p);
                            int slash = c.indexOf('/');
                            if (!c.isEmpty()) {
                                if (slash < 0) {
                                    throw new NodesConfException(where(x) + ": " + p + ": not a CIDR address: '" + c + "'");
                                }
                                String addr = c.substring(0, slash);
                                check(x, p, () -> Addresses.ipv4(addr));
                                int bits;
                                try {
                                    bits = Integer.parseInt(c.substring(slash + 1));
                                } catch (NumberFormatException e) {
                                    bits = -1;
                                }
                                if (bits < 0 || bits > 32) {
                                    throw new NodesConfException(where(x) + ": " + p + ": not a CIDR address: '" + c + "'");
                                }
                                if (nd.ipaddr.isEmpty()) {
                                    nd.ipaddr = addr;
                                }
                                if (nd.netmask.isEmpty()) {
                                    nd.netmask = Addresses.formatIpv4(bits == 0 ? 0 : -1 << (32 - bits));
                                }
                            }
                        }
                        case "prefix" -> { }
                        case "primary", "default" -> {
                            if (WWBool.isTrue(str(x, p)) && owner.primaryNetwork.isEmpty()) {
                                owner.primaryNetwork = name;
                            }
                        }
                        case "keys" -> keys.putAll(strMap(x, p));
                        case "tagsdel" -> del.addAll(list(x, p));
                        default -> unknown(t, p);
                    }
                }
            }
        });
        keys.forEach(nd.tags::putIfAbsent);
        del.forEach(nd.tags::remove);
    }

    private void disks(org.snakeyaml.engine.v2.nodes.Node v, String kp, Map<String, Disk> disks) {
        if (nullNode(v)) {
            return;
        }
        entries(mapping(v, kp), kp).forEach((dev, t) -> {
            Disk d = new Disk();
            String dp = kp + "." + dev;
            if (!nullNode(t.getValueNode())) {
                entries(mapping(t.getValueNode(), dp), dp).forEach((key, u) -> {
                    org.snakeyaml.engine.v2.nodes.Node x = u.getValueNode();
                    switch (key) {
                        case "wipe_table" -> d.wipeTable = optBool(x, dp + "." + key);
                        case "partitions" -> {
                            if (!nullNode(x)) {
                                entries(mapping(x, dp + ".partitions"), dp + ".partitions").forEach((label, w) -> {
                                    Partition part = new Partition();
                                    String pp = dp + ".partitions." + label;
                                    if (!nullNode(w.getValueNode())) {
                                        partition(mapping(w.getValueNode(), pp), pp, part);
                                    }
                                    d.partitions.put(label, part);
                                });
                            }
                        }
                        default -> unknown(u, dp + "." + key);
                    }
                });
            }
            disks.put(dev, d);
        });
    }

    private void partition(MappingNode m, String pp, Partition part) {
        entries(m, pp).forEach((key, t) -> {
            org.snakeyaml.engine.v2.nodes.Node x = t.getValueNode();
            String p = pp + "." + key;
            switch (key) {
                case "number" -> part.number = str(x, p);
                case "size_mib" -> part.sizeMib = str(x, p);
                case "start_mib" -> part.startMib = str(x, p);
                case "type_guid" -> part.typeGuid = str(x, p);
                case "guid" -> part.guid = str(x, p);
                case "wipe_partition_entry" -> part.wipePartitionEntry = optBool(x, p);
                case "should_exist" -> part.shouldExist = optBool(x, p);
                case "resize" -> part.resize = optBool(x, p);
                default -> unknown(t, p);
            }
        });
    }

    private void filesystems(org.snakeyaml.engine.v2.nodes.Node v, String kp, Map<String, FileSystem> fss) {
        if (nullNode(v)) {
            return;
        }
        entries(mapping(v, kp), kp).forEach((dev, t) -> {
            FileSystem f = new FileSystem();
            String fp = kp + "." + dev;
            if (!nullNode(t.getValueNode())) {
                entries(mapping(t.getValueNode(), fp), fp).forEach((key, u) -> {
                    org.snakeyaml.engine.v2.nodes.Node x = u.getValueNode();
                    String p = fp + "." + key;
                    switch (key) {
                        case "format" -> f.format = str(x, p);
                        case "path" -> f.path = str(x, p);
                        case "wipe_filesystem" -> f.wipeFilesystem = optBool(x, p);
                        case "label" -> f.label = str(x, p);
                        case "uuid" -> f.uuid = str(x, p);
                        case "options" -> f.options = list(x, p);
                        case "mount_options" -> {
                            if (x instanceof SequenceNode) {
                                // v4.5 stored a list; upgrade joins it with spaces
                                f.mountOptions = String.join(" ", list(x, p));
                            } else {
                                f.mountOptions = str(x, p);
                            }
                        }
                        default -> unknown(u, p);
                    }
                });
            }
            fss.put(dev, f);
        });
    }

    // ---- v4.5 keys (spec §1.13, §4.3) ----

    private boolean legacyKey(String key, org.snakeyaml.engine.v2.nodes.Node v, String kp, Profile p,
            List<String> tagsdel, Map<String, String> legacyIpmi, Map.Entry<String, NodeTuple> en) {
        switch (key) {
            case "container name" -> {
                String c = str(v, kp);
                if (p.imageName.isEmpty()) {
                    p.imageName = c;
                }
            }
            case "kernel version" -> {
                if (p.kernel.version.isEmpty()) {
                    p.kernel.version = str(v, kp);
                }
            }
            case "kernel args" -> {
                if (p.kernel.args.isEmpty()) {
                    p.kernel.args = v instanceof ScalarNode ? splitWs(str(v, kp)) : list(v, kp);
                }
            }
            case "kernel override" -> out.warnings.add(where(en.getValue().getKeyNode()) + ": '" + kp
                    + "' dropped: kernel overrides need the image to resolve; set kernel.version instead");
            case "ipmi username", "ipmi password", "ipmi ipaddr", "ipmi netmask", "ipmi port", "ipmi gateway",
                    "ipmi interface", "ipmi escapechar", "ipmi write" -> {
                String sub = key.substring(5);
                String val = switch (sub) {
                    case "ipaddr", "gateway" -> ipv4(v, kp);
                    case "netmask" -> netmask(v, kp);
                    default -> str(v, kp);
                };
                legacyIpmi.put(sub, val);
            }
            case "keys" -> strMap(v, kp).forEach(p.tags::putIfAbsent);
            case "tagsdel" -> tagsdel.addAll(list(v, kp));
            case "disabled", "WW_INTERNAL" -> out.warnings.add(where(en.getValue().getKeyNode()) + ": ignore: '" + kp
                    + "' (obsolete)");
            default -> {
                return false;
            }
        }
        return true;
    }

    private void finishLegacy(Profile p, List<String> tagsdel, Map<String, String> legacyIpmi, String path) {
        Ipmi i = p.ipmi;
        legacyIpmi.forEach((k, v) -> {
            switch (k) {
                case "username" -> i.username = i.username.isEmpty() ? v : i.username;
                case "password" -> i.password = i.password.isEmpty() ? v : i.password;
                case "ipaddr" -> i.ipaddr = i.ipaddr.isEmpty() ? v : i.ipaddr;
                case "netmask" -> i.netmask = i.netmask.isEmpty() ? v : i.netmask;
                case "port" -> i.port = i.port.isEmpty() ? v : i.port;
                case "gateway" -> i.gateway = i.gateway.isEmpty() ? v : i.gateway;
                case "interface" -> i.iface = i.iface.isEmpty() ? v : i.iface;
                case "escapechar" -> i.escapechar = i.escapechar.isEmpty() ? v : i.escapechar;
                case "write" -> {
                    if (i.write.isEmpty()) {
                        try {
                            i.write = WWBool.parse(v);
                        } catch (IllegalArgumentException e) {
                            out.warnings.add(path + ".ipmi write: " + e.getMessage() + " (dropped)");
                        }
                    }
                }
                default -> { }
            }
        });
        if (!i.write.isEmpty()) {
            try {
                i.write = WWBool.parse(i.write);
            } catch (IllegalArgumentException e) {
                out.warnings.add(path + ".ipmi.write: " + e.getMessage() + " (kept)");
            }
        }
        tagsdel.forEach(p.tags::remove);
        if (p.ipxeTemplate.equals("dracut")) {
            p.ipxeTemplate = "default";
            p.tags.putIfAbsent("IPXEMenuEntry", "dracut");
        }
    }

    // ---- scalar helpers ----

    private String str(org.snakeyaml.engine.v2.nodes.Node v, String path) {
        if (v instanceof ScalarNode s) {
            return isNull(s) ? "" : s.getValue();
        }
        throw new NodesConfException(where(v) + ": " + path + " must be a single value");
    }

    private List<String> list(org.snakeyaml.engine.v2.nodes.Node v, String path) {
        List<String> out = new ArrayList<>();
        if (nullNode(v)) {
            return out;
        }
        if (v instanceof SequenceNode seq) {
            for (org.snakeyaml.engine.v2.nodes.Node item : seq.getValue()) {
                out.add(str(item, path));
            }
            return out;
        }
        String s = str(v, path);
        if (legacy) {
            // v4.5 allowed "a,b,c" strings for overlays and profiles
            for (String piece : s.split(",")) {
                if (!piece.isBlank()) {
                    out.add(piece.trim());
                }
            }
            return out;
        }
        throw new NodesConfException(where(v) + ": " + path + " must be a list");
    }

    private Map<String, String> strMap(org.snakeyaml.engine.v2.nodes.Node v, String path) {
        Map<String, String> out = new TreeMap<>();
        if (nullNode(v)) {
            return out;
        }
        entries(mapping(v, path), path).forEach((k, t) -> out.put(k, str(t.getValueNode(), path + "." + k)));
        return out;
    }

    private Boolean optBool(org.snakeyaml.engine.v2.nodes.Node v, String path) {
        String s = str(v, path);
        if (s.isEmpty()) {
            return null;
        }
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1", "t" -> Boolean.TRUE;
            case "false", "no", "off", "0", "f" -> Boolean.FALSE;
            default -> throw new NodesConfException(where(v) + ": " + path + ": not a boolean: '" + s + "'");
        };
    }

    private String ipv4(org.snakeyaml.engine.v2.nodes.Node v, String path) {
        String s = str(v, path).trim();
        if (s.isEmpty() || s.equals("0.0.0.0")) {
            return ""; // the unspecified address counts as empty (spec §1.8)
        }
        check(v, path, () -> Addresses.ipv4(s));
        return s;
    }

    private String netmask(org.snakeyaml.engine.v2.nodes.Node v, String path) {
        String s = str(v, path).trim();
        if (s.isEmpty() || s.equals("0.0.0.0")) {
            return "";
        }
        check(v, path, () -> Addresses.netmask(s));
        return s;
    }

    private String ipv6(org.snakeyaml.engine.v2.nodes.Node v, String path) {
        String s = str(v, path).trim();
        if (s.isEmpty() || s.equals("::")) {
            return "";
        }
        String[] res = new String[1];
        check(v, path, () -> res[0] = Addresses.ipv6(s));
        return res[0];
    }

    private void check(org.snakeyaml.engine.v2.nodes.Node v, String path, Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            throw new NodesConfException(where(v) + ": " + path + ": " + e.getMessage());
        }
    }

    private void unknown(NodeTuple t, String path) {
        out.warnings.add(where(t.getKeyNode()) + ": unknown key '" + path + "' (ignored)");
    }

    private static List<String> splitWs(String s) {
        String t = s.trim();
        return t.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(WS.split(t)));
    }

    // ---- tree helpers ----

    private MappingNode mapping(org.snakeyaml.engine.v2.nodes.Node v, String path) {
        if (v instanceof MappingNode m) {
            return m;
        }
        throw new NodesConfException(where(v) + ": " + path + " must be a mapping");
    }

    /** Keys in document order; a duplicate key is an error (as in upstream's YAML library). */
    private Map<String, NodeTuple> entries(MappingNode m, String path) {
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String k = str(t.getKeyNode(), path + " key");
            if (out.put(k, t) != null) {
                throw new NodesConfException(where(t.getKeyNode()) + ": duplicate key '"
                        + (path.isEmpty() ? k : path + "." + k) + "'");
            }
        }
        return out;
    }

    private String where(org.snakeyaml.engine.v2.nodes.Node n) {
        return file + n.getStartMark().map(m -> ":" + (m.getLine() + 1)).orElse("");
    }

    private static boolean nullNode(org.snakeyaml.engine.v2.nodes.Node v) {
        return v instanceof ScalarNode s && isNull(s);
    }

    private static boolean isNull(ScalarNode s) {
        String v = s.getValue();
        return s.isPlain() && (v.isEmpty() || v.equals("~") || v.equals("null") || v.equals("Null") || v.equals("NULL"));
    }

    private static final Pattern INT = Pattern.compile("[-+]?(0|[1-9][0-9_]*)");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?");

    /** Free-form YAML (resources) as Java values, plain scalars typed by the YAML core schema. */
    private Object value(org.snakeyaml.engine.v2.nodes.Node v) {
        if (v instanceof MappingNode m) {
            Map<String, Object> out = new TreeMap<>();
            entries(m, "resources").forEach((k, t) -> out.put(k, value(t.getValueNode())));
            return out;
        }
        if (v instanceof SequenceNode seq) {
            List<Object> out = new ArrayList<>();
            seq.getValue().forEach(x -> out.add(value(x)));
            return out;
        }
        ScalarNode s = (ScalarNode) v;
        if (!s.isPlain()) {
            return s.getValue();
        }
        String t = s.getValue();
        if (isNull(s)) {
            return null;
        }
        switch (t) {
            case "true", "True", "TRUE" -> {
                return Boolean.TRUE;
            }
            case "false", "False", "FALSE" -> {
                return Boolean.FALSE;
            }
            default -> { }
        }
        if (INT.matcher(t).matches()) {
            try {
                return Long.parseLong(t.replace("_", ""));
            } catch (NumberFormatException e) {
                return t;
            }
        }
        if (FLOAT.matcher(t).matches() && t.chars().anyMatch(Character::isDigit)) {
            return new YamlFloat(t);
        }
        return t;
    }

    /** A float kept as its text so it is written back exactly. */
    public record YamlFloat(String text) {
        public double value() {
            return Double.parseDouble(text.replace("_", ""));
        }

        @Override
        public String toString() {
            return text;
        }
    }

}
