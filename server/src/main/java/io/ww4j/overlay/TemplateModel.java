package io.ww4j.overlay;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Go-shaped objects a {@code .ww} template sees (spec/overlays.md §2). Field and method
 * names are Go's, so the template engine finds {@code .NetDevs}, {@code $netdev.IpCIDR},
 * {@code .ThisNode.DiskList} by reflection. IPs are {@link InetAddress} or null (prints
 * {@code <nil>}); {@code *bool} is a nullable {@link Boolean}; YAML resources are
 * {@link io.ww4j.template.AnyMap}s.
 */
@SuppressWarnings({"checkstyle:MemberName", "checkstyle:MethodName"})
public final class TemplateModel {
    private TemplateModel() {}

    /** Go's WWbool: a string with Bool/BoolDefaultTrue; prints the raw text. */
    public static final class WWbool implements io.ww4j.template.GoString {
        private final String value;

        public WWbool(String value) {
            this.value = value == null ? "" : value;
        }

        public boolean Bool() {
            return isTrue(value);
        }

        public boolean BoolDefaultTrue() {
            return value.isEmpty() || isTrue(value);
        }

        public String String() {
            return value;
        }

        @Override
        public String stringValue() {
            return value;
        }

        @Override
        public String toString() {
            return value;
        }

        static boolean isTrue(String v) {
            String t = v.trim().toLowerCase(java.util.Locale.ROOT);
            return switch (t) {
                case "yes", "1", "t", "true" -> true;
                default -> false;
            };
        }
    }

    public static final class Kernel {
        public String Version = "";
        public List<String> Args = new ArrayList<>();
    }

    public static final class Ipmi {
        public String UserName = "";
        public String Password = "";
        public InetAddress Ipaddr;
        public InetAddress Gateway;
        public InetAddress Netmask;
        public String Port = "";
        public String Interface = "";
        public String EscapeChar = "";
        public WWbool Write = new WWbool("");
        public String Template = "";
        public Map<String, String> Tags = new TreeMap<>();
    }

    public static final class NetDev {
        public String Type = "";
        public WWbool OnBoot = new WWbool("");
        public String Device = "";
        public String Hwaddr = "";
        public InetAddress Ipaddr;
        public InetAddress Netmask;
        public InetAddress Gateway;
        public InetAddress Ipaddr6;
        public String PrefixLen6 = "";
        public InetAddress Gateway6;
        public String MTU = "";
        public Map<String, String> Tags = new TreeMap<>();
        /** Go's private field: lost in the embedded (gob) copy. */
        boolean primary;

        public boolean Primary() {
            return primary;
        }

        /** ip/prefix from Ipaddr and Netmask, "" when either is missing. */
        public String IpCIDR() {
            if (Ipaddr == null || Netmask == null) {
                return "";
            }
            int bits = 0;
            for (byte b : Netmask.getAddress()) {
                bits += Integer.bitCount(b & 0xff);
            }
            return Ipaddr.getHostAddress() + "/" + bits;
        }

        public String IpCIDR6() {
            if (Ipaddr6 == null || PrefixLen6.isEmpty()) {
                return "";
            }
            return TemplateData.ipString(Ipaddr6) + "/" + PrefixLen6;
        }

        NetDev copy(boolean keepPrivate) {
            NetDev n = new NetDev();
            n.Type = Type;
            n.OnBoot = OnBoot;
            n.Device = Device;
            n.Hwaddr = Hwaddr;
            n.Ipaddr = Ipaddr;
            n.Netmask = Netmask;
            n.Gateway = Gateway;
            n.Ipaddr6 = Ipaddr6;
            n.PrefixLen6 = PrefixLen6;
            n.Gateway6 = Gateway6;
            n.MTU = MTU;
            n.Tags = Tags;
            n.primary = keepPrivate && primary;
            return n;
        }
    }

    public static final class Partition {
        public String Number = "";
        public String SizeMiB = "";
        public String StartMiB = "";
        public String TypeGuid = "";
        public String Guid = "";
        public Boolean WipePartitionEntryP;
        public Boolean ShouldExistP;
        public Boolean ResizeP;
        String id = "";

        public String Id() {
            return id;
        }

        public boolean WipePartitionEntry() {
            return Boolean.TRUE.equals(WipePartitionEntryP);
        }

        public boolean ShouldExist() {
            return Boolean.TRUE.equals(ShouldExistP);
        }

        public boolean Resize() {
            return Boolean.TRUE.equals(ResizeP);
        }
    }

    public static final class Disk {
        public Boolean WipeTableP;
        public Map<String, Partition> Partitions = new TreeMap<>();
        String id = "";

        public String Id() {
            return id;
        }

        public boolean WipeTable() {
            return Boolean.TRUE.equals(WipeTableP);
        }

        /** Sorted by numeric Number, then id, then map key (as upstream). */
        public List<Partition> PartitionList() {
            List<Map.Entry<String, Partition>> es = new ArrayList<>(Partitions.entrySet());
            es.sort(Comparator.<Map.Entry<String, Partition>>comparingLong(e -> number(e.getValue().Number))
                    .thenComparing(e -> e.getValue().id).thenComparing(Map.Entry::getKey));
            return es.stream().map(Map.Entry::getValue).toList();
        }

        private static long number(String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    public static final class FileSystem {
        public String Format = "";
        public String Path = "";
        public Boolean WipeFileSystemP;
        public String Label = "";
        public String Uuid = "";
        public List<String> Options = new ArrayList<>();
        public String MountOptions = "";
        String id = "";

        public String Id() {
            return id;
        }

        public boolean WipeFileSystem() {
            return Boolean.TRUE.equals(WipeFileSystemP);
        }
    }

    /** The merged node as Go's *node.Node: fields plus the pointer-receiver methods. */
    public static final class Node {
        public WWbool Discoverable = new WWbool("");
        public String AssetKey = "";
        public List<String> Profiles = new ArrayList<>();
        public String Comment = "";
        public String ClusterName = "";
        public String ImageName = "";
        public String Ipxe = "";
        public List<String> RuntimeOverlay = new ArrayList<>();
        public List<String> SystemOverlay = new ArrayList<>();
        public Kernel Kernel = new Kernel();
        public Ipmi Ipmi = new Ipmi();
        public String Init = "";
        public String Root = "";
        public String PrimaryNetDev = "";
        public Map<String, NetDev> NetDevs = new TreeMap<>();
        public Map<String, String> Tags = new TreeMap<>();
        public Map<String, Disk> Disks = new TreeMap<>();
        public Map<String, FileSystem> FileSystems = new TreeMap<>();
        public Map<String, Object> Resources = TemplateData.anyMap();
        String id = "";
        boolean valid = true;

        public String Id() {
            return id;
        }

        public boolean Valid() {
            return valid;
        }

        public String ContainerName() {
            return ImageName;
        }

        public List<Disk> DiskList() {
            return List.copyOf(Disks.values());
        }

        public List<FileSystem> FileSystemList() {
            return List.copyOf(FileSystems.values());
        }
    }
}
