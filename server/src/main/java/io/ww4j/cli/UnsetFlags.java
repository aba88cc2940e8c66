package io.ww4j.cli;

import io.ww4j.node.Node;
import io.ww4j.node.Profile;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code node/profile unset}: every field flag of {@code set} as a boolean (spec §2.2.4), plus
 * tag removal. Clearing goes through {@link FieldFlags} with UNDEF values, so set and unset
 * share one code path.
 */
public class UnsetFlags {
    @Option(names = {"-P", "--profile"}) boolean profiles;
    @Option(names = "--comment") boolean comment;
    @Option(names = {"-c", "--cluster"}) boolean cluster;
    @Option(names = "--image") boolean image;
    @Option(names = "--ipxe") boolean ipxe;
    @Option(names = {"-R", "--runtime-overlays"}) boolean runtime;
    @Option(names = {"-O", "--system-overlays"}) boolean system;
    @Option(names = "--kernelversion") boolean kernelVersion;
    @Option(names = {"-A", "--kernelargs"}) boolean kernelArgs;
    @Option(names = {"-i", "--init"}) boolean init;
    @Option(names = "--root") boolean root;
    @Option(names = {"-p", "--primarynet"}) boolean primaryNet;
    @Option(names = "--ipmiuser") boolean ipmiUser;
    @Option(names = "--ipmipass") boolean ipmiPass;
    @Option(names = "--ipmiaddr") boolean ipmiAddr;
    @Option(names = "--ipmigateway") boolean ipmiGateway;
    @Option(names = "--ipminetmask") boolean ipmiNetmask;
    @Option(names = "--ipmiport") boolean ipmiPort;
    @Option(names = "--ipmiinterface") boolean ipmiInterface;
    @Option(names = "--ipmiescapechar") boolean ipmiEscapeChar;
    @Option(names = "--ipmiwrite") boolean ipmiWrite;
    @Option(names = "--ipmitemplate") boolean ipmiTemplate;
    @Option(names = "--netname", description = "Network to unset fields on (default: default); alone: remove it")
    String netname;
    @Option(names = {"-T", "--type"}) boolean type;
    @Option(names = "--onboot") boolean onboot;
    @Option(names = {"-N", "--netdev"}) boolean netdev;
    @Option(names = {"-H", "--hwaddr"}) boolean hwaddr;
    @Option(names = {"-I", "--ipaddr"}) boolean ipaddr;
    @Option(names = {"-M", "--netmask"}) boolean netmask;
    @Option(names = {"-G", "--gateway"}) boolean gateway;
    @Option(names = "--ipaddr6") boolean ipaddr6;
    @Option(names = "--prefixlen6") boolean prefixlen6;
    @Option(names = "--gateway6") boolean gateway6;
    @Option(names = "--mtu") boolean mtu;
    @Option(names = "--diskname", description = "Disk to unset fields on; alone: remove it") String diskName;
    @Option(names = "--diskwipe") boolean diskWipe;
    @Option(names = "--partname", description = "Partition to unset fields on (with --diskname); alone: remove it") String partName;
    @Option(names = "--partnumber") boolean partNumber;
    @Option(names = "--partsize") boolean partSize;
    @Option(names = "--parttype") boolean partType;
    @Option(names = "--partwipe") boolean partWipe;
    @Option(names = "--partcreate") boolean partCreate;
    @Option(names = "--fsname", description = "File system to unset fields on; alone: remove it") String fsName;
    @Option(names = "--fsformat") boolean fsFormat;
    @Option(names = "--fspath") boolean fsPath;
    @Option(names = "--fswipe") boolean fsWipe;
    @Option(names = "--tag", split = ",", description = "Tags to remove") List<String> tags;
    @Option(names = "--ipmitag", split = ",", description = "IPMI tags to remove") List<String> ipmiTags;
    @Option(names = "--nettag", split = ",", description = "Network tags to remove") List<String> netTags;

    private static String u(boolean b) {
        return b ? "UNDEF" : null;
    }

    private boolean netFields() {
        return type || onboot || netdev || hwaddr || ipaddr || netmask || gateway || ipaddr6 || prefixlen6 || gateway6
                || mtu || netTags != null;
    }

    boolean any() {
        return profiles || comment || cluster || image || ipxe || runtime || system || kernelVersion || kernelArgs || init
                || root || primaryNet || ipmiUser || ipmiPass || ipmiAddr || ipmiGateway || ipmiNetmask || ipmiPort
                || ipmiInterface || ipmiEscapeChar || ipmiWrite || ipmiTemplate || netFields() || netname != null
                || tags != null || ipmiTags != null || diskName != null || partName != null || fsName != null
                || partFields() || diskWipe || fsFields();
    }

    private boolean partFields() {
        return partNumber || partSize || partType || partWipe || partCreate;
    }

    private boolean fsFields() {
        return fsFormat || fsPath || fsWipe;
    }

    /** A sub-field needs the selector of what it belongs to (checked before anything changes). */
    private void checkStorageScope() {
        String[][] part = {{"--partnumber", String.valueOf(partNumber)}, {"--partsize", String.valueOf(partSize)},
                {"--parttype", String.valueOf(partType)}, {"--partwipe", String.valueOf(partWipe)},
                {"--partcreate", String.valueOf(partCreate)}};
        for (String[] f : part) {
            if (f[1].equals("true") && diskName == null) {
                throw new CliException("--diskname must be specified with " + f[0]);
            }
            if (f[1].equals("true") && partName == null) {
                throw new CliException("--partname must be specified with " + f[0]);
            }
        }
        if (diskWipe && diskName == null) {
            throw new CliException("--diskname must be specified with --diskwipe");
        }
        for (String[] f : new String[][] {{"--fsformat", String.valueOf(fsFormat)}, {"--fspath", String.valueOf(fsPath)},
                {"--fswipe", String.valueOf(fsWipe)}}) {
            if (f[1].equals("true") && fsName == null) {
                throw new CliException("--fsname must be specified with " + f[0]);
            }
        }
    }

    /**
     * Disks, partitions, file systems: the named fields are cleared; a selector given alone
     * removes the whole entity ({@code --partname} without {@code --diskname}: from every disk);
     * whatever ends up empty is removed.
     */
    private void applyStorage(Profile p) {
        if (diskName != null) {
            io.ww4j.node.Disk d = p.disks.get(diskName);
            if (d != null) {
                if (diskWipe) {
                    d.wipeTable = null;
                }
                if (partName != null) {
                    io.ww4j.node.Partition pt = d.partitions.get(partName);
                    if (pt != null) {
                        if (partNumber) {
                            pt.number = "";
                        }
                        if (partSize) {
                            pt.sizeMib = "";
                        }
                        if (partType) {
                            pt.typeGuid = "";
                        }
                        if (partWipe) {
                            pt.wipePartitionEntry = null;
                        }
                        if (partCreate) {
                            pt.shouldExist = null;
                        }
                        if (!partFields() || pt.isEmpty()) {
                            d.partitions.remove(partName);
                        }
                    }
                } else if (!diskWipe) {
                    p.disks.remove(diskName);
                }
            }
        } else if (partName != null) {
            p.disks.values().forEach(d -> d.partitions.remove(partName));
        }
        p.disks.values().removeIf(io.ww4j.node.Disk::isEmpty);
        if (fsName != null) {
            io.ww4j.node.FileSystem fs = p.filesystems.get(fsName);
            if (fs != null) {
                if (fsFormat) {
                    fs.format = "";
                }
                if (fsPath) {
                    fs.path = "";
                }
                if (fsWipe) {
                    fs.wipeFilesystem = null;
                }
                if (!fsFields() || fs.isEmpty()) {
                    p.filesystems.remove(fsName);
                }
            }
        }
    }

    FieldFlags toFieldFlags() {
        checkStorageScope();
        FieldFlags f = new FieldFlags();
        f.profiles = profiles ? List.of("UNDEF") : null;
        f.comment = u(comment);
        f.cluster = u(cluster);
        f.image = u(image);
        f.ipxe = u(ipxe);
        f.runtimeOverlays = runtime ? List.of("UNDEF") : null;
        f.systemOverlays = system ? List.of("UNDEF") : null;
        f.kernelVersion = u(kernelVersion);
        f.kernelArgs = kernelArgs ? List.of("UNDEF") : null;
        f.init = u(init);
        f.root = u(root);
        f.primaryNet = u(primaryNet);
        f.ipmiUser = u(ipmiUser);
        f.ipmiPass = u(ipmiPass);
        f.ipmiAddr = u(ipmiAddr);
        f.ipmiGateway = u(ipmiGateway);
        f.ipmiNetmask = u(ipmiNetmask);
        f.ipmiPort = u(ipmiPort);
        f.ipmiInterface = u(ipmiInterface);
        f.ipmiEscapeChar = u(ipmiEscapeChar);
        f.ipmiWrite = u(ipmiWrite);
        f.ipmiTemplate = u(ipmiTemplate);
        f.netname = netname == null ? "default" : netname;
        f.type = u(type);
        f.onboot = u(onboot);
        f.netdev = u(netdev);
        f.hwaddr = u(hwaddr);
        f.ipaddr = u(ipaddr);
        f.netmask = u(netmask);
        f.gateway = u(gateway);
        f.ipaddr6 = u(ipaddr6);
        f.prefixlen6 = u(prefixlen6);
        f.gateway6 = u(gateway6);
        f.mtu = u(mtu);
        return f;
    }

    /** Clears the chosen fields of a raw record. */
    void apply(Profile p, FieldFlags f, FieldFlags.NodeOnly nodeOnly) {
        String net = f.netname;
        if (p.netDevs.containsKey(net) || !netFields()) {
            f.apply(p, p instanceof Node ? nodeOnly : null, 0);
        } else {
            // Do not create the netdev just to clear fields of it.
            String keep = f.netname;
            f.netname = "\u0000none";
            f.apply(p, p instanceof Node ? nodeOnly : null, 0);
            p.netDevs.remove(f.netname);
            f.netname = keep;
        }
        if (tags != null) {
            tags.forEach(p.tags::remove);
        }
        if (ipmiTags != null) {
            ipmiTags.forEach(p.ipmi.tags::remove);
        }
        if (netTags != null && p.netDevs.containsKey(net)) {
            netTags.forEach(p.netDevs.get(net).tags::remove);
        }
        if (netname != null && !netFields()) {
            p.netDevs.remove(netname);
        }
        p.netDevs.values().removeIf(io.ww4j.node.NetDev::isEmpty);
        applyStorage(p);
    }
}
