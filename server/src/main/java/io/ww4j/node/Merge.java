package io.ww4j.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Builds a node's effective configuration from its profiles (spec §1.9-1.11): depth-first
 * post-order profile expansion, global {@code ~x} negation, profiles merged in order then the
 * node on top (scalars: last non-empty wins; lists append; maps and records merge key by key),
 * {@code comment} and {@code profiles} not inherited, primary netdev resolved. Every value's
 * source is recorded for {@code node list -a}.
 */
public final class Merge {
    public static final String SUPERSEDED = "SUPERSEDED";

    private final Map<String, String> sources = new HashMap<>();
    private final Map<String, List<String>> rawLists = new HashMap<>();
    private String src = "";
    private boolean fromNode;

    private Merge() {}

    /** The merged view of {@code raw}; warnings (missing profiles) go to {@code warn}. */
    public static Node merge(Node raw, Map<String, ? extends Profile> profiles, Consumer<String> warn) {
        Merge m = new Merge();
        Node out = new Node(raw.id);
        for (String pid : expandProfiles(raw.profiles, profiles)) {
            Profile p = profiles.get(pid);
            if (p == null) {
                warn.accept("profile not found: " + pid);
                continue;
            }
            m.src = pid;
            m.fromNode = false;
            m.apply(out, p);
        }
        m.src = raw.id;
        m.fromNode = true;
        m.apply(out, raw);

        out.profiles = clean(raw.profiles);
        m.rawLists.put("profiles", List.copyOf(raw.profiles));
        m.sources.remove("profiles");
        out.comment = raw.comment;
        m.sources.remove("comment");
        out.discoverable = raw.discoverable;
        out.assetKey = raw.assetKey;
        out.systemOverlay = clean(out.systemOverlay);
        out.runtimeOverlay = clean(out.runtimeOverlay);
        out.kernel.args = clean(out.kernel.args);
        resolvePrimary(out);
        out.sources = m.sources;
        out.rawLists = m.rawLists;
        return out;
    }

    /**
     * Expands a profile list depth first, nested profiles before the one including them,
     * each id once (so cycles end), then applies negation.
     */
    public static List<String> expandProfiles(List<String> own, Map<String, ? extends Profile> profiles) {
        List<String> out = new ArrayList<>();
        walk(own, profiles, new HashSet<>(), out);
        return clean(out);
    }

    private static void walk(List<String> list, Map<String, ? extends Profile> profiles, Set<String> visited,
            List<String> out) {
        for (String id : list) {
            if (id.startsWith("~")) {
                out.add(id);
                continue;
            }
            if (!visited.add(id)) {
                continue;
            }
            Profile p = profiles.get(id);
            if (p != null) {
                walk(p.profiles, profiles, visited, out);
            }
            out.add(id);
        }
    }

    /** Every {@code ~x} removes all occurrences of x, wherever it stands; the {@code ~x} entries go too. */
    public static List<String> clean(List<String> list) {
        Set<String> negated = null;
        for (String s : list) {
            if (s.startsWith("~")) {
                if (negated == null) {
                    negated = new HashSet<>();
                }
                negated.add(s.substring(1));
            }
        }
        if (negated == null) {
            return new ArrayList<>(list);
        }
        List<String> out = new ArrayList<>(list.size());
        for (String s : list) {
            if (!s.startsWith("~") && !negated.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Spec §1.11: the named netdev if it exists, else the lexically smallest name. */
    static void resolvePrimary(Profile n) {
        for (NetDev nd : n.netDevs.values()) {
            nd.primary = false;
        }
        if (n.netDevs.isEmpty()) {
            return;
        }
        NetDev named = n.netDevs.get(n.primaryNetwork);
        if (named == null) {
            n.primaryNetwork = n.netDevs.keySet().stream().sorted().findFirst().orElseThrow();
            named = n.netDevs.get(n.primaryNetwork);
        }
        named.primary = true;
    }

    // ---- applying one source record on top of the accumulated result ----

    private void apply(Node out, Profile in) {
        out.clusterName = str("cluster name", out.clusterName, in.clusterName);
        out.imageName = str("image name", out.imageName, in.imageName);
        out.ipxeTemplate = str("ipxe template", out.ipxeTemplate, in.ipxeTemplate);
        list("runtime overlay", out.runtimeOverlay, in.runtimeOverlay);
        list("system overlay", out.systemOverlay, in.systemOverlay);
        out.kernel.version = str("kernel.version", out.kernel.version, in.kernel.version);
        list("kernel.args", out.kernel.args, in.kernel.args);
        Ipmi a = out.ipmi;
        Ipmi b = in.ipmi;
        a.username = str("ipmi.username", a.username, b.username);
        a.password = str("ipmi.password", a.password, b.password);
        a.ipaddr = str("ipmi.ipaddr", a.ipaddr, b.ipaddr);
        a.gateway = str("ipmi.gateway", a.gateway, b.gateway);
        a.netmask = str("ipmi.netmask", a.netmask, b.netmask);
        a.port = str("ipmi.port", a.port, b.port);
        a.iface = str("ipmi.interface", a.iface, b.iface);
        a.escapechar = str("ipmi.escapechar", a.escapechar, b.escapechar);
        a.write = str("ipmi.write", a.write, b.write);
        a.template = str("ipmi.template", a.template, b.template);
        tags("ipmi.tags.", a.tags, b.tags);
        out.init = str("init", out.init, in.init);
        out.root = str("root", out.root, in.root);
        in.netDevs.forEach((name, nd) -> netdev("network devices." + name + ".",
                out.netDevs.computeIfAbsent(name, k -> new NetDev()), nd));
        tags("tags.", out.tags, in.tags);
        out.primaryNetwork = str("primary network", out.primaryNetwork, in.primaryNetwork);
        in.disks.forEach((dev, d) -> {
            Disk t = out.disks.computeIfAbsent(dev, k -> new Disk());
            String p = "disks." + dev + ".";
            t.wipeTable = opt(p + "wipe_table", t.wipeTable, d.wipeTable);
            d.partitions.forEach((label, part) -> {
                Partition q = t.partitions.computeIfAbsent(label, k -> new Partition());
                String pp = p + "partitions." + label + ".";
                q.number = str(pp + "number", q.number, part.number);
                q.sizeMib = str(pp + "size_mib", q.sizeMib, part.sizeMib);
                q.startMib = str(pp + "start_mib", q.startMib, part.startMib);
                q.typeGuid = str(pp + "type_guid", q.typeGuid, part.typeGuid);
                q.guid = str(pp + "guid", q.guid, part.guid);
                q.wipePartitionEntry = opt(pp + "wipe_partition_entry", q.wipePartitionEntry, part.wipePartitionEntry);
                q.shouldExist = opt(pp + "should_exist", q.shouldExist, part.shouldExist);
                q.resize = opt(pp + "resize", q.resize, part.resize);
            });
        });
        in.filesystems.forEach((dev, f) -> {
            FileSystem t = out.filesystems.computeIfAbsent(dev, k -> new FileSystem());
            String p = "filesystems." + dev + ".";
            t.format = str(p + "format", t.format, f.format);
            t.path = str(p + "path", t.path, f.path);
            t.wipeFilesystem = opt(p + "wipe_filesystem", t.wipeFilesystem, f.wipeFilesystem);
            t.label = str(p + "label", t.label, f.label);
            t.uuid = str(p + "uuid", t.uuid, f.uuid);
            list(p + "options", t.options, f.options);
            t.mountOptions = str(p + "mount_options", t.mountOptions, f.mountOptions);
        });
        in.resources.forEach((k, v) -> out.resources.put(k, resource("resources." + k, out.resources.get(k), v)));
    }

    private void netdev(String p, NetDev a, NetDev b) {
        a.type = str(p + "type", a.type, b.type);
        a.onboot = str(p + "onboot", a.onboot, b.onboot);
        a.device = str(p + "device", a.device, b.device);
        a.hwaddr = str(p + "hwaddr", a.hwaddr, b.hwaddr);
        a.ipaddr = str(p + "ipaddr", a.ipaddr, b.ipaddr);
        a.netmask = str(p + "netmask", a.netmask, b.netmask);
        a.gateway = str(p + "gateway", a.gateway, b.gateway);
        a.ipaddr6 = str(p + "ipaddr6", a.ipaddr6, b.ipaddr6);
        a.prefixlen6 = str(p + "prefixlen6", a.prefixlen6, b.prefixlen6);
        a.gateway6 = str(p + "gateway6", a.gateway6, b.gateway6);
        a.mtu = str(p + "mtu", a.mtu, b.mtu);
        tags(p + "tags.", a.tags, b.tags);
    }

    private String str(String path, String cur, String val) {
        if (val.isEmpty()) {
            return cur;
        }
        record(path, !cur.isEmpty());
        return val;
    }

    private Boolean opt(String path, Boolean cur, Boolean val) {
        if (val == null) {
            return cur;
        }
        record(path, cur != null);
        return val;
    }

    private void record(String path, boolean hadValue) {
        if (fromNode) {
            sources.put(path, hadValue ? SUPERSEDED : "");
        } else {
            sources.put(path, src);
        }
    }

    private void tags(String prefix, Map<String, String> into, Map<String, String> from) {
        from.forEach((k, v) -> into.put(k, str(prefix + k, into.getOrDefault(k, ""), v)));
    }

    private void list(String path, List<String> into, List<String> from) {
        if (from.isEmpty()) {
            return;
        }
        into.addAll(from);
        rawLists.computeIfAbsent(path, k -> new ArrayList<>()).addAll(from);
        String prev = sources.get(path);
        sources.put(path, prev == null || prev.isEmpty() ? src : prev + "," + src);
    }

    /** Resources: maps merge key by key (recursively), lists append, anything else: later non-null wins. */
    @SuppressWarnings("unchecked")
    private Object resource(String path, Object cur, Object val) {
        if (val == null) {
            return cur;
        }
        if (cur instanceof Map<?, ?> cm && val instanceof Map<?, ?> vm) {
            Map<String, Object> merged = (Map<String, Object>) cm;
            ((Map<String, Object>) vm).forEach((k, v) -> merged.put(k, resource(path + "." + k, merged.get(k), v)));
            return merged;
        }
        if (cur instanceof List<?> cl && val instanceof List<?> vl) {
            List<Object> merged = (List<Object>) cl;
            merged.addAll((List<Object>) Profile.deepCopy(vl));
            String prev = sources.get(path);
            sources.put(path, prev == null || prev.isEmpty() ? src : prev + "," + src);
            return merged;
        }
        record(path, cur != null && !Objects.equals(cur, ""));
        return Profile.deepCopy(val);
    }
}
