package io.ww4j.cli;

import io.ww4j.node.Disk;
import io.ww4j.node.FileSystem;
import io.ww4j.node.Ipmi;
import io.ww4j.node.NetDev;
import io.ww4j.node.Node;
import io.ww4j.node.Partition;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The formats of {@code node list} (spec §2.2.3). */
final class NodeListing {
    private NodeListing() {}

    static String render(List<Node> nodes, boolean yaml, boolean json, boolean all, boolean ipmi, boolean net,
                         boolean longFormat) {
        if (yaml || json) {
            Map<String, Node> m = new TreeMap<>();
            nodes.forEach(n -> m.put(n.id, n));
            return yaml ? Formats.yaml4(m) : Formats.json(m);
        }
        if (all) {
            Table t = new Table("NODE", "FIELD", "PROFILE", "VALUE");
            nodes.forEach(n -> fields(t, n));
            return t.render();
        }
        if (ipmi) {
            Table t = new Table("NODE", "IPMI IPADDR", "IPMI PORT", "IPMI USERNAME", "IPMI INTERFACE");
            for (Node n : nodes) {
                Ipmi i = n.ipmi;
                if (i.isEmpty()) {
                    t.row(n.id, "", "", "", "");
                } else {
                    t.row(n.id, NodeCommand.ipOrNil(i.ipaddr), i.port, i.username, i.iface);
                }
            }
            return t.render();
        }
        if (net) {
            Table t = new Table("NODE", "NETWORK", "HWADDR", "IPADDR", "GATEWAY", "DEVICE");
            for (Node n : nodes) {
                if (n.netDevs.isEmpty()) {
                    t.row(n.id, "", "", "", "", "");
                }
                // Sorted by netdev name (upstream prints them in random map order).
                n.netDevs.forEach((name, d) -> t.row(n.id, name, d.hwaddr, NodeCommand.ipOrNil(d.ipaddr),
                        NodeCommand.ipOrNil(d.gateway), d.device));
            }
            return t.render();
        }
        if (longFormat) {
            Table t = new Table("NODE NAME", "KERNEL VERSION", "IMAGE", "OVERLAYS (S/R)");
            for (Node n : nodes) {
                t.row(n.id, n.kernel.version, n.imageName,
                        String.join(",", n.systemOverlay) + "/" + String.join(",", n.runtimeOverlay));
            }
            return t.render();
        }
        Table t = new Table("NODE NAME", "PROFILES", "NETWORK");
        for (Node n : nodes) {
            t.row(n.id, String.join(",", n.profiles), String.join(", ", n.netDevs.keySet()));
        }
        return t.render();
    }

    /** {@code list -a}: one row per field with a value, in declaration order, with its source. */
    private static void fields(Table t, Node n) {
        Rows r = new Rows(t, n);
        r.str("Discoverable", "discoverable", n.discoverable);
        r.str("AssetKey", "asset key", n.assetKey);
        r.list("Profiles", "profiles");
        r.str("Comment", "comment", n.comment);
        r.str("ClusterName", "cluster name", n.clusterName);
        r.str("ImageName", "image name", n.imageName);
        r.str("Ipxe", "ipxe template", n.ipxeTemplate);
        r.list("RuntimeOverlay", "runtime overlay");
        r.list("SystemOverlay", "system overlay");
        r.str("Kernel.Version", "kernel.version", n.kernel.version);
        r.list("Kernel.Args", "kernel.args");
        Ipmi i = n.ipmi;
        r.str("Ipmi.UserName", "ipmi.username", i.username);
        r.str("Ipmi.Password", "ipmi.password", i.password);
        r.str("Ipmi.Ipaddr", "ipmi.ipaddr", i.ipaddr);
        r.str("Ipmi.Gateway", "ipmi.gateway", i.gateway);
        r.str("Ipmi.Netmask", "ipmi.netmask", i.netmask);
        r.str("Ipmi.Port", "ipmi.port", i.port);
        r.str("Ipmi.Interface", "ipmi.interface", i.iface);
        r.str("Ipmi.EscapeChar", "ipmi.escapechar", i.escapechar);
        r.str("Ipmi.Write", "ipmi.write", i.write);
        r.str("Ipmi.Template", "ipmi.template", i.template);
        i.tags.forEach((k, v) -> r.str("Ipmi.Tags[" + k + "]", "ipmi.tags." + k, v));
        r.str("Init", "init", n.init);
        r.str("Root", "root", n.root);
        n.netDevs.forEach((name, d) -> {
            String f = "NetDevs[" + name + "].";
            String p = "network devices." + name + ".";
            r.str(f + "Type", p + "type", d.type);
            r.str(f + "OnBoot", p + "onboot", d.onboot);
            r.str(f + "Device", p + "device", d.device);
            r.str(f + "Hwaddr", p + "hwaddr", d.hwaddr);
            r.str(f + "Ipaddr", p + "ipaddr", d.ipaddr);
            r.str(f + "Netmask", p + "netmask", d.netmask);
            r.str(f + "Gateway", p + "gateway", d.gateway);
            r.str(f + "Ipaddr6", p + "ipaddr6", d.ipaddr6);
            r.str(f + "PrefixLen6", p + "prefixlen6", d.prefixlen6);
            r.str(f + "Gateway6", p + "gateway6", d.gateway6);
            r.str(f + "MTU", p + "mtu", d.mtu);
            d.tags.forEach((k, v) -> r.str(f + "Tags[" + k + "]", p + "tags." + k, v));
        });
        n.tags.forEach((k, v) -> r.str("Tags[" + k + "]", "tags." + k, v));
        // Only when set explicitly somewhere: the resolved primary is not a configured value.
        if (n.sources != null && n.sources.containsKey("primary network")) {
            r.str("PrimaryNetDev", "primary network", n.primaryNetwork);
        }
        n.disks.forEach((dev, d) -> diskRows(r, dev, d));
        n.filesystems.forEach((dev, fs) -> fsRows(r, dev, fs));
        n.resources.forEach((k, v) -> r.str("Resources[" + k + "]", "resources." + k, compactJson(v)));
    }

    private static void diskRows(Rows r, String dev, Disk d) {
        String f = "Disks[" + dev + "].";
        String p = "disks." + dev + ".";
        r.str(f + "WipeTable", p + "wipe_table", d.wipeTable == null ? "" : d.wipeTable.toString());
        d.partitions.forEach((label, q) -> partRows(r, f + "Partitions[" + label + "].", p + "partitions." + label + ".", q));
    }

    private static void partRows(Rows r, String f, String p, Partition q) {
        r.str(f + "Number", p + "number", q.number);
        r.str(f + "SizeMiB", p + "size_mib", q.sizeMib);
        r.str(f + "StartMiB", p + "start_mib", q.startMib);
        r.str(f + "TypeGuid", p + "type_guid", q.typeGuid);
        r.str(f + "Guid", p + "guid", q.guid);
        r.str(f + "WipePartitionEntry", p + "wipe_partition_entry", s(q.wipePartitionEntry));
        r.str(f + "ShouldExist", p + "should_exist", s(q.shouldExist));
        r.str(f + "Resize", p + "resize", s(q.resize));
    }

    private static void fsRows(Rows r, String dev, FileSystem fs) {
        String f = "FileSystems[" + dev + "].";
        String p = "filesystems." + dev + ".";
        r.str(f + "Format", p + "format", fs.format);
        r.str(f + "Path", p + "path", fs.path);
        r.str(f + "WipeFileSystem", p + "wipe_filesystem", s(fs.wipeFilesystem));
        r.str(f + "Label", p + "label", fs.label);
        r.str(f + "Uuid", p + "uuid", fs.uuid);
        r.str(f + "Options", p + "options", String.join(",", fs.options));
        r.str(f + "MountOptions", p + "mount_options", fs.mountOptions);
    }

    private static String s(Boolean b) {
        return b == null ? "" : b.toString();
    }

    private static String compactJson(Object v) {
        return Formats.compact(v);
    }

    private record Rows(Table t, Node n) {
        void str(String field, String path, String value) {
            if (value != null && !value.isEmpty()) {
                t.row(n.id, field, n.source(path), value);
            }
        }

        void list(String field, String path) {
            List<String> raw = n.rawLists == null ? null : n.rawLists.get(path);
            if (raw != null && !raw.isEmpty()) {
                t.row(n.id, field, n.source(path), String.join(",", raw));
            }
        }
    }
}
