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
                || tags != null || ipmiTags != null;
    }

    FieldFlags toFieldFlags() {
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
    }
}
