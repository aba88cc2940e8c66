package io.ww4j.cli;

import io.ww4j.node.Addresses;
import io.ww4j.node.NetDev;
import io.ww4j.node.Node;
import io.ww4j.node.Profile;
import io.ww4j.node.WWBool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The field flags shared by {@code node add/set} and {@code profile add/set} (spec §1.3-1.6).
 * A null field means "not given": only given flags are applied (spec §7.4). Hidden deprecated
 * aliases ({@code --container}, {@code --wwinit}, {@code --runtime}) set the same fields.
 */
public class FieldFlags {
    @Option(names = {"-P", "--profile"}, split = ",", paramLabel = "PROFILES", description = "Set the node's profile members (comma separated)")
    List<String> profiles;
    @Option(names = "--comment", description = "Set a comment")
    String comment;
    @Option(names = {"-c", "--cluster"}, description = "Set cluster group")
    String cluster;
    @Option(names = "--image", description = "Set image name")
    String image;
    @Option(names = {"-C", "--container"}, hidden = true, description = "Set image name (deprecated)")
    String container;
    @Option(names = "--ipxe", description = "Set the iPXE template name")
    String ipxe;
    @Option(names = {"-R", "--runtime-overlays", "--runtime"}, split = ",", description = "Set the runtime overlays")
    List<String> runtimeOverlays;
    @Option(names = {"-O", "--system-overlays", "--wwinit"}, split = ",", description = "Set the system overlays")
    List<String> systemOverlays;
    @Option(names = "--kernelversion", description = "Set kernel version")
    String kernelVersion;
    @Option(names = {"-A", "--kernelargs"}, split = ",", description = "Set kernel arguments")
    List<String> kernelArgs;
    @Option(names = {"-i", "--init"}, description = "Define the init process to boot the image")
    String init;
    @Option(names = "--root", description = "Define the rootfs")
    String root;
    @Option(names = {"-p", "--primarynet"}, description = "Set the primary network interface")
    String primaryNet;

    @Option(names = "--ipmiuser", description = "Set the IPMI username")
    String ipmiUser;
    @Option(names = "--ipmipass", description = "Set the IPMI password")
    String ipmiPass;
    @Option(names = "--ipmiaddr", description = "Set the IPMI IP address")
    String ipmiAddr;
    @Option(names = "--ipmigateway", description = "Set the IPMI gateway")
    String ipmiGateway;
    @Option(names = "--ipminetmask", description = "Set the IPMI netmask")
    String ipmiNetmask;
    @Option(names = "--ipmiport", description = "Set the IPMI port")
    String ipmiPort;
    @Option(names = "--ipmiinterface", description = "Set the node's IPMI interface (defaults: 'lan')")
    String ipmiInterface;
    @Option(names = "--ipmiescapechar", description = "Set the IPMI escape character")
    String ipmiEscapeChar;
    @Option(names = "--ipmiwrite", arity = "0..1", fallbackValue = "true", description = "Enable the write of impi configuration")
    String ipmiWrite;
    @Option(names = "--ipmitemplate", description = "Set the IPMI command template")
    String ipmiTemplate;

    @Option(names = "--netname", defaultValue = "default", description = "Set network name for network options")
    String netname;
    @Option(names = {"-T", "--type"}, description = "Set device type of given network")
    String type;
    @Option(names = "--onboot", arity = "0..1", fallbackValue = "true", description = "Enable/disable network device (true/false)")
    String onboot;
    @Option(names = {"-N", "--netdev"}, description = "Set the device for given network")
    String netdev;
    @Option(names = {"-H", "--hwaddr"}, description = "Set the device's HW address for given network")
    String hwaddr;
    @Option(names = {"-I", "--ipaddr"}, description = "IPv4 address in given network")
    String ipaddr;
    @Option(names = {"-M", "--netmask"}, description = "Set the networks netmask")
    String netmask;
    @Option(names = {"-G", "--gateway"}, description = "Set the node's network device gateway")
    String gateway;
    @Option(names = "--ipaddr6", description = "IPv6 address")
    String ipaddr6;
    @Option(names = "--prefixlen6", description = "IPv6 prefix length")
    String prefixlen6;
    @Option(names = "--gateway6", description = "IPv6 gateway")
    String gateway6;
    @Option(names = "--mtu", description = "Set the mtu")
    String mtu;

    @Option(names = "--tagadd", split = ",", paramLabel = "KEY=VALUE", description = "Add tags")
    List<String> tagAdd;
    @Option(names = "--ipmitagadd", split = ",", paramLabel = "KEY=VALUE", description = "Add IPMI tags")
    List<String> ipmiTagAdd;
    @Option(names = "--nettagadd", split = ",", paramLabel = "KEY=VALUE", description = "Add network tags")
    List<String> netTagAdd;

    @Option(names = "--diskname", paramLabel = "DEVICE", description = "Set disk device name (the disk the --disk*/--part* flags apply to)")
    String diskName;
    @Option(names = "--diskwipe", arity = "0..1", fallbackValue = "true", description = "Whether or not the partition tables shall be wiped")
    String diskWipe;
    @Option(names = "--partname", description = "Set the partition name so it can be used by a file system")
    String partName;
    @Option(names = "--partnumber", description = "Set the partition number, if not set next free slot is used")
    String partNumber;
    @Option(names = "--partsize", description = "Set the size of the partition in MiB, if not set maximal possible size is used")
    String partSize;
    @Option(names = "--parttype", description = "Set the partition type GUID")
    String partType;
    @Option(names = "--partwipe", arity = "0..1", fallbackValue = "true", description = "Whether or not the partition shall be wiped")
    String partWipe;
    @Option(names = "--partcreate", arity = "0..1", fallbackValue = "true", description = "Create partition if not exists")
    String partCreate;
    @Option(names = "--fsname", description = "Set the file system name (a device path, or the name of a partition)")
    String fsName;
    @Option(names = "--fsformat", description = "Set the file system format (ext4, xfs, swap, ...)")
    String fsFormat;
    @Option(names = "--fspath", description = "Set the mount point of the file system")
    String fsPath;
    @Option(names = "--fswipe", arity = "0..1", fallbackValue = "true", description = "Wipe the file system before it is created")
    String fsWipe;

    /** Node-only flags; {@code profile add/set} leave them null. */
    static class NodeOnly {
        @Option(names = {"-e", "--discoverable"}, arity = "0..1", fallbackValue = "true", description = "Make node discoverable")
        String discoverable;
        @Option(names = "--asset", description = "Set the node's Asset tag (key)")
        String asset;
    }

    /** Delete flags of {@code set}. */
    static class Deletes {
        @Option(names = "--tagdel", split = ",", description = "Delete tags")
        List<String> tagDel;
        @Option(names = "--ipmitagdel", split = ",", description = "Delete IPMI tags")
        List<String> ipmiTagDel;
        @Option(names = "--nettagdel", split = ",", description = "Delete network tags")
        List<String> netTagDel;
        @Option(names = "--netdel", description = "Delete the node's network device")
        String netDel;
        @Option(names = "--diskdel", paramLabel = "DEVICE", description = "Delete the disk")
        String diskDel;
        @Option(names = "--partdel", paramLabel = "NAME", description = "Delete the partition (on --diskname, else on every disk)")
        String partDel;
        @Option(names = "--fsdel", paramLabel = "DEVICE", description = "Delete the file system")
        String fsDel;
    }

    /** Checks every given value before anything is changed (bad input changes nothing). */
    void validate(NodeOnly nodeOnly) {
        checkIp(ipaddr, "--ipaddr");
        checkIp(ipmiAddr, "--ipmiaddr");
        checkIp(gateway, "--gateway");
        checkIp(ipmiGateway, "--ipmigateway");
        checkMask(netmask, "--netmask");
        checkMask(ipmiNetmask, "--ipminetmask");
        if (hwaddr != null && !isUndef(hwaddr) && !hwaddr.isEmpty() && !Addresses.isHwaddr(hwaddr)) {
            throw new CliException("invalid argument \"" + hwaddr + "\" for \"-H, --hwaddr\" flag: not a MAC address");
        }
        for (String[] v : new String[][] {{ipaddr6, "--ipaddr6"}, {gateway6, "--gateway6"}}) {
            if (v[0] != null && !v[0].isEmpty() && !isUndef(v[0])) {
                try {
                    Addresses.ipv6(v[0]);
                } catch (IllegalArgumentException e) {
                    throw new CliException("invalid argument \"" + v[0] + "\" for \"" + v[1] + "\" flag: invalid IPv6 address");
                }
            }
        }
        checkBool(ipmiWrite, "--ipmiwrite");
        checkBool(diskWipe, "--diskwipe");
        checkBool(partWipe, "--partwipe");
        checkBool(partCreate, "--partcreate");
        checkBool(fsWipe, "--fswipe");
        checkStorageScope();
        checkBool(onboot, "--onboot");
        if (nodeOnly != null) {
            checkBool(nodeOnly.discoverable, "--discoverable");
        }
        for (List<String> tags : Arrays.asList(tagAdd, ipmiTagAdd, netTagAdd)) {
            if (tags != null) {
                for (String t : tags) {
                    if (t.indexOf('=') <= 0) {
                        throw new CliException("invalid tag \"" + t + "\": use key=value");
                    }
                }
            }
        }
    }

    /** Disk, partition and file system flags need the selector that names what they change. */
    private void checkStorageScope() {
        String[][] partFlags = {{partNumber, "--partnumber"}, {partSize, "--partsize"}, {partType, "--parttype"},
                {partWipe, "--partwipe"}, {partCreate, "--partcreate"}};
        for (String[] f : partFlags) {
            if (f[0] != null && partName == null) {
                throw new CliException("--partname must be specified with " + f[1]);
            }
        }
        if (diskWipe != null && diskName == null) {
            throw new CliException("--diskname must be specified with --diskwipe");
        }
        if (partName != null && diskName == null) {
            throw new CliException("--diskname must be specified with --partname");
        }
        for (String[] f : new String[][] {{fsFormat, "--fsformat"}, {fsPath, "--fspath"}, {fsWipe, "--fswipe"}}) {
            if (f[0] != null && fsName == null) {
                throw new CliException("--fsname must be specified with " + f[1]);
            }
        }
        if (fsName != null) {
            fsDevice(); // throws when the name is neither a device nor the partition being set
        }
    }

    /** The file system's block device: a /dev path, or the partition of the same name by its label. */
    private String fsDevice() {
        if (fsName.startsWith("/dev")) {
            return fsName;
        }
        if (fsName.equals(partName)) {
            return "/dev/disk/by-partlabel/" + partName;
        }
        throw new CliException("filesystems need to have a underlying blockdev");
    }

    private static Boolean optBool(String v) {
        return isUndef(v) ? null : Boolean.valueOf(WWBool.parse(v));
    }

    private void applyStorage(Profile p) {
        // ww4j: --diskname with only disk flags works (upstream dropped them without --partname).
        if (diskName != null && (diskWipe != null || partName != null)) {
            io.ww4j.node.Disk disk = p.disks.computeIfAbsent(diskName, k -> new io.ww4j.node.Disk());
            if (diskWipe != null) {
                disk.wipeTable = optBool(diskWipe);
            }
            if (partName != null) {
                io.ww4j.node.Partition part = disk.partitions.computeIfAbsent(partName, k -> new io.ww4j.node.Partition());
                if (partNumber != null) {
                    part.number = str(partNumber);
                }
                if (partSize != null) {
                    part.sizeMib = str(partSize);
                }
                if (partType != null) {
                    part.typeGuid = str(partType);
                }
                if (partWipe != null) {
                    part.wipePartitionEntry = optBool(partWipe);
                }
                if (partCreate != null) {
                    part.shouldExist = optBool(partCreate);
                }
            }
        }
        if (fsName != null) {
            io.ww4j.node.FileSystem fs = p.filesystems.computeIfAbsent(fsDevice(), k -> new io.ww4j.node.FileSystem());
            if (fsFormat != null) {
                fs.format = str(fsFormat);
            }
            if (fsPath != null) {
                fs.path = str(fsPath);
            }
            if (fsWipe != null) {
                fs.wipeFilesystem = optBool(fsWipe);
            }
        }
    }

    private static void checkIp(String v, String flag) {
        if (v != null && !v.isEmpty() && !Addresses.isIpv4(v)) {
            throw new CliException("invalid argument \"" + v + "\" for \"" + flag + "\" flag: invalid IP address: " + v);
        }
    }

    private static void checkMask(String v, String flag) {
        if (v == null || v.isEmpty()) {
            return;
        }
        try {
            Addresses.netmask(v);
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid argument \"" + v + "\" for \"" + flag + "\" flag: invalid netmask: " + v);
        }
    }

    private static void checkBool(String v, String flag) {
        if (v == null) {
            return;
        }
        try {
            WWBool.parse(v);
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid argument \"" + v + "\" for \"" + flag + "\" flag: " + e.getMessage());
        }
    }

    static boolean isUndef(String v) {
        return "UNDEF".equals(v) || "UNSET".equals(v);
    }

    private static String str(String v) {
        return isUndef(v) ? "" : v;
    }

    /** IPv6 text is stored in its canonical form (checked before, in validate). */
    private static String v6(String v) {
        String s = str(v);
        return s.isEmpty() ? s : Addresses.ipv6(s);
    }

    private static String ip(String v) {
        return v.equals("0.0.0.0") || isUndef(v) ? "" : v;
    }

    private static List<String> list(List<String> v) {
        if (v.stream().anyMatch(FieldFlags::isUndef)) {
            return new ArrayList<>();
        }
        List<String> out = new ArrayList<>();
        for (String s : v) {
            String t = s.trim();
            if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
                t = t.substring(1, t.length() - 1);
            }
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    static void addTags(Map<String, String> into, List<String> kv) {
        if (kv == null) {
            return;
        }
        for (String t : kv) {
            int eq = t.indexOf('=');
            into.put(t.substring(0, eq), t.substring(eq + 1));
        }
    }

    /**
     * Applies the given flags to a raw record. {@code ipOffset} is added to {@code --ipaddr} and
     * {@code --ipmiaddr} (node add ranges).
     */
    void apply(Profile p, NodeOnly nodeOnly, int ipOffset) {
        if (profiles != null) {
            p.profiles = list(profiles);
        }
        if (comment != null) {
            p.comment = str(comment);
        }
        if (cluster != null) {
            p.clusterName = str(cluster);
        }
        if (container != null) {
            p.imageName = str(container);
        }
        if (image != null) {
            p.imageName = str(image);
        }
        if (ipxe != null) {
            p.ipxeTemplate = str(ipxe);
        }
        if (runtimeOverlays != null) {
            p.runtimeOverlay = list(runtimeOverlays);
        }
        if (systemOverlays != null) {
            p.systemOverlay = list(systemOverlays);
        }
        if (kernelVersion != null) {
            p.kernel.version = str(kernelVersion);
        }
        if (kernelArgs != null) {
            p.kernel.args = list(kernelArgs);
        }
        if (init != null) {
            p.init = str(init);
        }
        if (root != null) {
            p.root = str(root);
        }
        if (primaryNet != null) {
            p.primaryNetwork = str(primaryNet);
        }
        if (ipmiUser != null) {
            p.ipmi.username = str(ipmiUser);
        }
        if (ipmiPass != null) {
            p.ipmi.password = str(ipmiPass);
        }
        if (ipmiAddr != null) {
            p.ipmi.ipaddr = ip(offset(ipmiAddr, ipOffset));
        }
        if (ipmiGateway != null) {
            p.ipmi.gateway = ip(ipmiGateway);
        }
        if (ipmiNetmask != null) {
            p.ipmi.netmask = ip(ipmiNetmask);
        }
        if (ipmiPort != null) {
            p.ipmi.port = str(ipmiPort);
        }
        if (ipmiInterface != null) {
            p.ipmi.iface = str(ipmiInterface);
        }
        if (ipmiEscapeChar != null) {
            p.ipmi.escapechar = str(ipmiEscapeChar);
        }
        if (ipmiWrite != null) {
            p.ipmi.write = isUndef(ipmiWrite) ? "" : WWBool.parse(ipmiWrite);
        }
        if (ipmiTemplate != null) {
            p.ipmi.template = str(ipmiTemplate);
        }
        addTags(p.ipmi.tags, ipmiTagAdd);
        addTags(p.tags, tagAdd);
        if (netFlagsGiven()) {
            NetDev nd = p.netDevs.computeIfAbsent(netname, k -> new NetDev());
            if (type != null) {
                nd.type = str(type);
            }
            if (onboot != null) {
                nd.onboot = isUndef(onboot) ? "" : WWBool.parse(onboot);
            }
            if (netdev != null) {
                nd.device = str(netdev);
            }
            if (hwaddr != null) {
                nd.hwaddr = isUndef(hwaddr) ? "" : hwaddr.toLowerCase(java.util.Locale.ROOT);
            }
            if (ipaddr != null) {
                nd.ipaddr = ip(offset(ipaddr, ipOffset));
            }
            if (netmask != null) {
                nd.netmask = ip(netmask);
            }
            if (gateway != null) {
                nd.gateway = ip(gateway);
            }
            if (ipaddr6 != null) {
                nd.ipaddr6 = v6(ipaddr6);
            }
            if (prefixlen6 != null) {
                nd.prefixlen6 = str(prefixlen6);
            }
            if (gateway6 != null) {
                nd.gateway6 = v6(gateway6);
            }
            if (mtu != null) {
                nd.mtu = str(mtu);
            }
            addTags(nd.tags, netTagAdd);
            if (nd.isEmpty()) {
                p.netDevs.remove(netname);
            }
        }
        applyStorage(p);
        if (nodeOnly != null && p instanceof Node n) {
            if (nodeOnly.discoverable != null) {
                n.discoverable = isUndef(nodeOnly.discoverable) ? "" : WWBool.parse(nodeOnly.discoverable);
            }
            if (nodeOnly.asset != null) {
                n.assetKey = str(nodeOnly.asset);
            }
        }
    }

    private boolean netFlagsGiven() {
        return type != null || onboot != null || netdev != null || hwaddr != null || ipaddr != null || netmask != null
                || gateway != null || ipaddr6 != null || prefixlen6 != null || gateway6 != null || mtu != null
                || netTagAdd != null;
    }

    private static String offset(String ip, int by) {
        if (by == 0 || ip.isEmpty() || ip.equals("0.0.0.0") || isUndef(ip)) {
            return ip;
        }
        return Addresses.formatIpv4(Addresses.ipv4(ip) + by);
    }

    static void applyDeletes(Profile p, Deletes d, String netname, String diskName) {
        if (d == null) {
            return;
        }
        if (d.tagDel != null) {
            d.tagDel.forEach(p.tags::remove);
        }
        if (d.ipmiTagDel != null) {
            d.ipmiTagDel.forEach(p.ipmi.tags::remove);
        }
        if (d.netTagDel != null && p.netDevs.containsKey(netname)) {
            d.netTagDel.forEach(p.netDevs.get(netname).tags::remove);
        }
        if (d.netDel != null) {
            if (p.netDevs.remove(d.netDel) == null) {
                throw new CliException("network device name doesn't exist: " + d.netDel);
            }
        }
        if (d.diskDel != null && p.disks.remove(d.diskDel) == null) {
            throw new CliException("disk doesn't exist: " + d.diskDel);
        }
        if (d.partDel != null) {
            boolean found = false;
            for (var e : p.disks.entrySet()) {
                if ((diskName == null || e.getKey().equals(diskName)) && e.getValue().partitions.remove(d.partDel) != null) {
                    found = true;
                }
            }
            if (!found) {
                throw new CliException("partition doesn't exist: " + d.partDel);
            }
        }
        if (d.fsDel != null && p.filesystems.remove(d.fsDel) == null) {
            throw new CliException("filesystem doesn't exist: " + d.fsDel);
        }
    }

    /** Profiles named by {@code --profile} that do not exist (negations excepted). */
    List<String> unknownProfiles(java.util.Set<String> known) {
        List<String> missing = new ArrayList<>();
        if (profiles != null) {
            for (String p : list(profiles)) {
                String id = p.startsWith("~") ? p.substring(1) : p;
                if (!p.startsWith("~") && !known.contains(id)) {
                    missing.add(id);
                }
            }
        }
        return missing;
    }
}
