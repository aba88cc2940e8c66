package io.ww4j.overlay;

import io.ww4j.config.WarewulfConf;
import io.ww4j.node.Addresses;
import io.ww4j.node.Node;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data every {@code .ww} template runs with: upstream's TemplateStruct (spec/overlays.md §2).
 * The node's fields are "promoted" to the top level as a copy WITHOUT private fields (the gob copy
 * of §2.3: {@code Primary} false, disk/file system ids empty), while {@link #ThisNode} and
 * {@link #AllNodes} keep them and offer the node methods.
 */
@SuppressWarnings({"checkstyle:MemberName"})
public final class TemplateData {
    public String Id;
    public String Hostname;
    public String BuildHost;
    public String BuildTime;
    public String BuildTimeUnix;
    public String BuildSource = "";
    public String Overlay;
    public String Ipaddr;
    public String IpCIDR;
    public String Netmask;
    public String Network;
    public String NetworkCIDR;
    public String Ipaddr6;
    public String PrefixLen6;
    public String IpCIDR6;
    public String Network6;
    public String NetworkCIDR6;
    public boolean Ipv6;
    public ConfView.Dhcp Dhcp;
    public ConfView.Nfs Nfs;
    public ConfView.Ssh Ssh;
    public ConfView.Warewulf Warewulf;
    public ConfView.Tftp Tftp;
    public ConfView.Paths Paths;
    public List<TemplateModel.Node> AllNodes;
    public TemplateModel.Node ThisNode;
    public String Container;
    public String ContainerName;

    // ---- the embedded node.Node (gob copy) ----
    public TemplateModel.WWbool Discoverable;
    public String AssetKey;
    public List<String> Profiles;
    public String Comment;
    public String ClusterName;
    public String ImageName;
    public String Ipxe;
    public List<String> RuntimeOverlay;
    public List<String> SystemOverlay;
    public TemplateModel.Kernel Kernel;
    public TemplateModel.Ipmi Ipmi;
    public String Init;
    public String Root;
    public String PrimaryNetDev;
    public Map<String, TemplateModel.NetDev> NetDevs;
    public Map<String, String> Tags;
    public Map<String, TemplateModel.Disk> Disks;
    public Map<String, TemplateModel.FileSystem> FileSystems;
    public Map<String, Object> Resources;

    private static final DateTimeFormatter BUILD_TIME = DateTimeFormatter.ofPattern("MM-dd-yyyy HH:mm:ss zzz");

    /**
     * Builds the data for one node and overlay. {@code allNodes} are the merged nodes; they are
     * converted once per build by {@link #nodes} and shared between templates.
     */
    public static TemplateData of(WarewulfConf conf, Node node, List<TemplateModel.Node> allNodes, String overlay,
            String buildHost, ZonedDateTime now) {
        return of(server(conf), node, node(node), allNodes, overlay, buildHost, now);
    }

    /**
     * The server's part of the data (addresses, config sub-structs), the same for every node:
     * computed once per builder, copied into each node's data.
     */
    public static TemplateData server(WarewulfConf conf) {
        TemplateData d = new TemplateData();
        d.Ipaddr = conf.ipaddr;
        d.Netmask = conf.netmask;
        d.Network = conf.network;
        int bits = maskBits(conf.netmask);
        d.IpCIDR = !conf.ipaddr.isEmpty() && bits >= 0 ? conf.ipaddr + "/" + bits : "";
        d.NetworkCIDR = !conf.network.isEmpty() && bits >= 0 ? conf.network + "/" + bits : "";
        InetAddress v6 = parseIp(conf.ipaddr6);
        d.Ipaddr6 = v6 instanceof Inet6Address ? ipString(v6) : conf.ipaddr6;
        d.PrefixLen6 = conf.prefixlen6;
        d.Ipv6 = !conf.ipaddr6.isEmpty() && !conf.prefixlen6.isEmpty();
        d.IpCIDR6 = "";
        d.Network6 = "";
        d.NetworkCIDR6 = "";
        if (v6 instanceof Inet6Address && !conf.prefixlen6.isEmpty()) {
            try {
                int p = Integer.parseInt(conf.prefixlen6);
                d.IpCIDR6 = d.Ipaddr6 + "/" + p;
                byte[] a = v6.getAddress();
                for (int i = 0; i < 16; i++) {
                    int keep = Math.max(0, Math.min(8, p - 8 * i));
                    a[i] &= (byte) (0xff << (8 - keep));
                }
                d.Network6 = ipString(InetAddress.getByAddress(a));
                d.NetworkCIDR6 = d.Network6 + "/" + p;
            } catch (Exception e) {
                // not a valid prefix: leave the derived values empty, as upstream
            }
        }
        d.Dhcp = ConfView.dhcp(conf);
        d.Nfs = ConfView.nfs(conf);
        d.Ssh = ConfView.ssh(conf);
        d.Warewulf = ConfView.warewulf(conf);
        d.Tftp = ConfView.tftp(conf);
        d.Paths = ConfView.paths(conf);
        return d;
    }

    /**
     * The data for one node from the server part ({@link #server}) and the node's view
     * ({@code thisNode}, e.g. its entry of the shared AllNodes list: templates cannot change it).
     */
    public static TemplateData of(TemplateData server, Node node, TemplateModel.Node thisNode,
            List<TemplateModel.Node> allNodes, String overlay, String buildHost, ZonedDateTime now) {
        TemplateData d = new TemplateData();
        d.Id = node.id;
        d.Hostname = node.id;
        d.BuildHost = buildHost;
        d.BuildTime = now.format(BUILD_TIME);
        d.BuildTimeUnix = String.valueOf(now.toEpochSecond());
        d.Overlay = overlay;
        d.Ipaddr = server.Ipaddr;
        d.Netmask = server.Netmask;
        d.Network = server.Network;
        d.IpCIDR = server.IpCIDR;
        d.NetworkCIDR = server.NetworkCIDR;
        d.Ipaddr6 = server.Ipaddr6;
        d.PrefixLen6 = server.PrefixLen6;
        d.Ipv6 = server.Ipv6;
        d.IpCIDR6 = server.IpCIDR6;
        d.Network6 = server.Network6;
        d.NetworkCIDR6 = server.NetworkCIDR6;
        d.Dhcp = server.Dhcp;
        d.Nfs = server.Nfs;
        d.Ssh = server.Ssh;
        d.Warewulf = server.Warewulf;
        d.Tftp = server.Tftp;
        d.Paths = server.Paths;
        d.AllNodes = allNodes;
        d.ThisNode = thisNode;
        d.Container = node.imageName;
        d.ContainerName = node.imageName;

        // The embedded copy: its own netdev/disk/file system copies without private fields below.
        TemplateModel.Node e = thisNode;
        d.Discoverable = e.Discoverable;
        d.AssetKey = e.AssetKey;
        d.Profiles = e.Profiles;
        d.Comment = e.Comment;
        d.ClusterName = e.ClusterName;
        d.ImageName = e.ImageName;
        d.Ipxe = e.Ipxe;
        d.RuntimeOverlay = e.RuntimeOverlay;
        d.SystemOverlay = e.SystemOverlay;
        d.Kernel = e.Kernel;
        d.Ipmi = e.Ipmi;
        d.Init = e.Init;
        d.Root = e.Root;
        d.PrimaryNetDev = e.PrimaryNetDev;
        d.NetDevs = new TreeMap<>();
        e.NetDevs.forEach((k, v) -> d.NetDevs.put(k, v.copy(false)));
        d.Tags = e.Tags;
        d.Disks = new TreeMap<>();
        e.Disks.forEach((k, v) -> {
            TemplateModel.Disk c = new TemplateModel.Disk();
            c.WipeTableP = v.WipeTableP;
            v.Partitions.forEach((pk, pv) -> c.Partitions.put(pk, strip(pv)));
            d.Disks.put(k, c);
        });
        d.FileSystems = new TreeMap<>();
        e.FileSystems.forEach((k, v) -> {
            TemplateModel.FileSystem c = new TemplateModel.FileSystem();
            c.Format = v.Format;
            c.Path = v.Path;
            c.WipeFileSystemP = v.WipeFileSystemP;
            c.Label = v.Label;
            c.Uuid = v.Uuid;
            c.Options = v.Options;
            c.MountOptions = v.MountOptions;
            d.FileSystems.put(k, c);
        });
        d.Resources = e.Resources;
        return d;
    }

    private static TemplateModel.Partition strip(TemplateModel.Partition p) {
        TemplateModel.Partition c = new TemplateModel.Partition();
        c.Number = p.Number;
        c.SizeMiB = p.SizeMiB;
        c.StartMiB = p.StartMiB;
        c.TypeGuid = p.TypeGuid;
        c.Guid = p.Guid;
        c.WipePartitionEntryP = p.WipePartitionEntryP;
        c.ShouldExistP = p.ShouldExistP;
        c.ResizeP = p.ResizeP;
        return c;
    }

    /** AllNodes: every merged node, sorted by cluster name then id (spec §2.1). */
    public static List<TemplateModel.Node> nodes(List<Node> merged) {
        List<Node> sorted = new ArrayList<>(merged);
        sorted.sort((a, b) -> {
            int c = a.clusterName.compareTo(b.clusterName);
            return c != 0 ? c : a.id.compareTo(b.id);
        });
        List<TemplateModel.Node> out = new ArrayList<>(sorted.size());
        for (Node n : sorted) {
            out.add(node(n));
        }
        return List.copyOf(out);
    }

    /** The Go-shaped view of one merged node (with private fields: ids, primary). */
    public static TemplateModel.Node node(Node n) {
        TemplateModel.Node t = new TemplateModel.Node();
        t.id = n.id;
        t.Discoverable = new TemplateModel.WWbool(n.discoverable);
        t.AssetKey = n.assetKey;
        t.Profiles = List.copyOf(n.profiles);
        t.Comment = n.comment;
        t.ClusterName = n.clusterName;
        t.ImageName = n.imageName;
        t.Ipxe = n.ipxeTemplate;
        t.RuntimeOverlay = List.copyOf(n.runtimeOverlay);
        t.SystemOverlay = List.copyOf(n.systemOverlay);
        t.Kernel.Version = n.kernel.version;
        t.Kernel.Args = List.copyOf(n.kernel.args);
        t.Ipmi.UserName = n.ipmi.username;
        t.Ipmi.Password = n.ipmi.password;
        t.Ipmi.Ipaddr = parseIp(n.ipmi.ipaddr);
        t.Ipmi.Gateway = parseIp(n.ipmi.gateway);
        t.Ipmi.Netmask = parseIp(n.ipmi.netmask);
        t.Ipmi.Port = n.ipmi.port;
        t.Ipmi.Interface = n.ipmi.iface;
        t.Ipmi.EscapeChar = n.ipmi.escapechar;
        t.Ipmi.Write = new TemplateModel.WWbool(n.ipmi.write);
        t.Ipmi.Template = n.ipmi.template;
        t.Ipmi.Tags = new TreeMap<>(n.ipmi.tags);
        t.Init = n.init;
        t.Root = n.root;
        t.PrimaryNetDev = n.primaryNetwork;
        n.netDevs.forEach((name, nd) -> {
            TemplateModel.NetDev v = new TemplateModel.NetDev();
            v.Type = nd.type;
            v.OnBoot = new TemplateModel.WWbool(nd.onboot);
            v.Device = nd.device;
            v.Hwaddr = nd.hwaddr;
            v.Ipaddr = parseIp(nd.ipaddr);
            v.Netmask = parseIp(nd.netmask);
            v.Gateway = parseIp(nd.gateway);
            v.Ipaddr6 = parseIp(nd.ipaddr6);
            v.PrefixLen6 = nd.prefixlen6;
            v.Gateway6 = parseIp(nd.gateway6);
            v.MTU = nd.mtu;
            v.Tags = new TreeMap<>(nd.tags);
            v.primary = nd.primary;
            t.NetDevs.put(name, v);
        });
        t.Tags = new TreeMap<>(n.tags);
        n.disks.forEach((name, disk) -> {
            TemplateModel.Disk v = new TemplateModel.Disk();
            v.id = name;
            v.WipeTableP = disk.wipeTable;
            disk.partitions.forEach((pn, p) -> {
                TemplateModel.Partition pv = new TemplateModel.Partition();
                pv.id = pn;
                pv.Number = p.number;
                pv.SizeMiB = p.sizeMib;
                pv.StartMiB = p.startMib;
                pv.TypeGuid = p.typeGuid;
                pv.Guid = p.guid;
                pv.WipePartitionEntryP = p.wipePartitionEntry;
                pv.ShouldExistP = p.shouldExist;
                pv.ResizeP = p.resize;
                v.Partitions.put(pn, pv);
            });
            t.Disks.put(name, v);
        });
        n.filesystems.forEach((name, fs) -> {
            TemplateModel.FileSystem v = new TemplateModel.FileSystem();
            v.id = name;
            v.Format = fs.format;
            v.Path = fs.path;
            v.WipeFileSystemP = fs.wipeFilesystem;
            v.Label = fs.label;
            v.Uuid = fs.uuid;
            v.Options = List.copyOf(fs.options);
            v.MountOptions = fs.mountOptions;
            t.FileSystems.put(name, v);
        });
        t.Resources = yaml(n.resources) instanceof Map<?, ?> m ? castMap(m) : anyMap();
        return t;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** Go's map[string]interface{} for decoded YAML (index on a missing key gives nil). */
    static Map<String, Object> anyMap() {
        return new LinkedHashMap<>();
    }

    /** Decoded YAML as Go's yaml.v3 gives it to templates: maps, lists, int, float64, bool, string. */
    static Object yaml(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = anyMap();
            m.forEach((k, v) -> out.put(String.valueOf(k), yaml(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object e : l) {
                out.add(yaml(e));
            }
            return out;
        }
        if (o instanceof Integer i) {
            return i.longValue();
        }
        if (o instanceof Float f) {
            return f.doubleValue();
        }
        return o;
    }

    /** Parses an IP literal (never a host name); null for empty or invalid text, like Go's net.ParseIP. */
    static InetAddress parseIp(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        String t = s.contains("/") ? s.substring(0, s.indexOf('/')) : s;
        if (!isV4Literal(t) && !(t.indexOf(':') >= 0 && isV6Chars(t))) {
            return null;
        }
        try {
            return InetAddress.getByName(t);
        } catch (Exception e) {
            return null;
        }
    }

    /** Four dot-separated groups of one to three digits (what InetAddress may parse without DNS). */
    private static boolean isV4Literal(String t) {
        int groups = 0;
        int digits = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits > 3) {
                    return false;
                }
            } else if (c == '.' && digits > 0) {
                groups++;
                digits = 0;
            } else {
                return false;
            }
        }
        return digits > 0 && groups == 3;
    }

    private static boolean isV6Chars(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return false;
            }
        }
        return !t.isEmpty();
    }

    /** Go's net.IP String() for IPv6: compressed, lower case. */
    static String ipString(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return a.getHostAddress();
        }
        return Addresses.ipv6Text(a.getAddress());
    }

    static int maskBits(String mask) {
        InetAddress m = parseIp(mask);
        if (m == null) {
            return -1;
        }
        int bits = 0;
        for (byte b : m.getAddress()) {
            bits += Integer.bitCount(b & 0xff);
        }
        return bits;
    }
}
