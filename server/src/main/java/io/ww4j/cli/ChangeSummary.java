package io.ww4j.cli;

import io.ww4j.node.Hostlist;
import io.ww4j.node.Ipmi;
import io.ww4j.node.NetDev;
import io.ww4j.node.Node;
import io.ww4j.node.Profile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The change summary of {@code set}/{@code unset} (spec §2.2.2): per record the changed fields
 * by flag name ({@code comment}, {@code kernel.kernelargs}, {@code ipmi.ipmiuser},
 * {@code netdevs[default].ipaddr}, {@code tags[role]}), strings quoted, lists as
 * {@code [a, b]}, empty as {@code <unset>}; records with identical changes share one header in
 * compressed hostlist form.
 */
final class ChangeSummary {
    private ChangeSummary() {}

    private record F(String name, Function<Profile, Object> get) {}

    private static final List<F> TOP = List.of(
            new F("profile", p -> p.profiles),
            new F("comment", p -> p.comment),
            new F("cluster", p -> p.clusterName),
            new F("image", p -> p.imageName),
            new F("ipxe", p -> p.ipxeTemplate),
            new F("runtime-overlays", p -> p.runtimeOverlay),
            new F("system-overlays", p -> p.systemOverlay),
            new F("kernel.kernelversion", p -> p.kernel.version),
            new F("kernel.kernelargs", p -> p.kernel.args),
            new F("init", p -> p.init),
            new F("root", p -> p.root),
            new F("primarynet", p -> p.primaryNetwork));

    private record I(String name, Function<Ipmi, Object> get) {}

    private static final List<I> IPMI = List.of(
            new I("ipmiuser", i -> i.username), new I("ipmipass", i -> i.password), new I("ipmiaddr", i -> i.ipaddr),
            new I("ipmigateway", i -> i.gateway), new I("ipminetmask", i -> i.netmask), new I("ipmiport", i -> i.port),
            new I("ipmiinterface", i -> i.iface), new I("ipmiescapechar", i -> i.escapechar),
            new I("ipmiwrite", i -> i.write), new I("ipmitemplate", i -> i.template));

    private record N(String name, Function<NetDev, Object> get) {}

    private static final List<N> NET = List.of(
            new N("type", n -> n.type), new N("onboot", n -> n.onboot), new N("netdev", n -> n.device),
            new N("hwaddr", n -> n.hwaddr), new N("ipaddr", n -> n.ipaddr), new N("netmask", n -> n.netmask),
            new N("gateway", n -> n.gateway), new N("ipaddr6", n -> n.ipaddr6), new N("prefixlen6", n -> n.prefixlen6),
            new N("gateway6", n -> n.gateway6), new N("mtu", n -> n.mtu));

    /** The change lines of one record, in field order. */
    static List<String> diff(Profile before, Profile after) {
        List<String> out = new ArrayList<>();
        if (before instanceof Node b && after instanceof Node a) {
            line(out, "discoverable", b.discoverable, a.discoverable);
            line(out, "asset", b.assetKey, a.assetKey);
        }
        for (F f : TOP) {
            line(out, f.name, f.get.apply(before), f.get.apply(after));
        }
        for (I f : IPMI) {
            line(out, "ipmi." + f.name, f.get.apply(before.ipmi), f.get.apply(after.ipmi));
        }
        tags(out, "ipmi.tags", before.ipmi.tags, after.ipmi.tags);
        TreeSet<String> nets = new TreeSet<>(before.netDevs.keySet());
        nets.addAll(after.netDevs.keySet());
        NetDev empty = new NetDev();
        for (String net : nets) {
            NetDev b = before.netDevs.getOrDefault(net, empty);
            NetDev a = after.netDevs.getOrDefault(net, empty);
            for (N f : NET) {
                line(out, "netdevs[" + net + "]." + f.name, f.get.apply(b), f.get.apply(a));
            }
            tags(out, "netdevs[" + net + "].tags", b.tags, a.tags);
        }
        tags(out, "tags", before.tags, after.tags);
        TreeSet<String> disks = new TreeSet<>(before.disks.keySet());
        disks.addAll(after.disks.keySet());
        io.ww4j.node.Disk noDisk = new io.ww4j.node.Disk();
        io.ww4j.node.Partition noPart = new io.ww4j.node.Partition();
        for (String dev : disks) {
            io.ww4j.node.Disk b = before.disks.getOrDefault(dev, noDisk);
            io.ww4j.node.Disk a = after.disks.getOrDefault(dev, noDisk);
            String d = "disks[" + dev + "]";
            line(out, d + ".diskwipe", b.wipeTable, a.wipeTable);
            TreeSet<String> parts = new TreeSet<>(b.partitions.keySet());
            parts.addAll(a.partitions.keySet());
            for (String label : parts) {
                io.ww4j.node.Partition bp = b.partitions.getOrDefault(label, noPart);
                io.ww4j.node.Partition ap = a.partitions.getOrDefault(label, noPart);
                String pp = d + ".partitions[" + label + "]";
                line(out, pp + ".partnumber", bp.number, ap.number);
                line(out, pp + ".partsize", bp.sizeMib, ap.sizeMib);
                line(out, pp + ".parttype", bp.typeGuid, ap.typeGuid);
                line(out, pp + ".partwipe", bp.wipePartitionEntry, ap.wipePartitionEntry);
                line(out, pp + ".partcreate", bp.shouldExist, ap.shouldExist);
                if (bp != noPart && ap == noPart && bp.isEmpty()) {
                    out.add(pp + ": deleted");
                }
            }
            if (b != noDisk && a == noDisk && b.isEmpty()) {
                out.add(d + ": deleted");
            }
        }
        TreeSet<String> fss = new TreeSet<>(before.filesystems.keySet());
        fss.addAll(after.filesystems.keySet());
        io.ww4j.node.FileSystem noFs = new io.ww4j.node.FileSystem();
        for (String dev : fss) {
            io.ww4j.node.FileSystem b = before.filesystems.getOrDefault(dev, noFs);
            io.ww4j.node.FileSystem a = after.filesystems.getOrDefault(dev, noFs);
            String f = "filesystems[" + dev + "]";
            line(out, f + ".fsformat", b.format, a.format);
            line(out, f + ".fspath", b.path, a.path);
            line(out, f + ".fswipe", b.wipeFilesystem, a.wipeFilesystem);
            if (b != noFs && a == noFs && b.isEmpty()) {
                out.add(f + ": deleted");
            }
        }
        return out;
    }

    private static void tags(List<String> out, String prefix, Map<String, String> b, Map<String, String> a) {
        TreeSet<String> keys = new TreeSet<>(b.keySet());
        keys.addAll(a.keySet());
        for (String k : keys) {
            line(out, prefix + "[" + k + "]", b.getOrDefault(k, ""), a.getOrDefault(k, ""));
        }
    }

    private static void line(List<String> out, String name, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            out.add(name + ": " + show(before) + " → " + show(after));
        }
    }

    private static String show(Object v) {
        if (v instanceof List<?> l) {
            return l.isEmpty() ? "<unset>" : "[" + String.join(", ", l.stream().map(Object::toString).toList()) + "]";
        }
        String s = v == null ? "" : v.toString();
        return s.isEmpty() ? "<unset>" : "\"" + s + "\"";
    }

    /**
     * The whole summary: one block per distinct change set, header = compressed ids, blocks
     * separated by a blank line. Empty string when nothing changes.
     */
    static String render(Map<String, List<String>> changesById) {
        Map<List<String>, List<String>> groups = new LinkedHashMap<>();
        changesById.forEach((id, lines) -> {
            if (!lines.isEmpty()) {
                groups.computeIfAbsent(lines, k -> new ArrayList<>()).add(id);
            }
        });
        StringBuilder sb = new StringBuilder();
        groups.forEach((lines, ids) -> {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(Hostlist.compress(ids)).append(":\n");
            lines.forEach(l -> sb.append("  ").append(l).append('\n'));
        });
        return sb.toString();
    }
}
