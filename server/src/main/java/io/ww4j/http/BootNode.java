package io.ww4j.http;

import java.util.List;
import java.util.Map;

/**
 * The merged (profiles applied) view of a node that the HTTP routes need. The node package
 * provides these through {@link NodeView}; the HTTP server never sees the store.
 *
 * @param id            node id
 * @param clusterName   {@code cluster name}
 * @param imageName     {@code image name} ("" when none)
 * @param ipxeTemplate  {@code ipxe template} ("" means {@code default})
 * @param assetKey      {@code asset key} ("" when none)
 * @param kernelVersion {@code kernel.version} ("" when none)
 * @param kernelArgs    {@code kernel.args}
 * @param root          {@code root}
 * @param tags          node tags
 * @param netDevs       network devices by name
 */
public record BootNode(String id, String clusterName, String imageName, String ipxeTemplate, String assetKey,
                       String kernelVersion, List<String> kernelArgs, String root, Map<String, String> tags,
                       Map<String, NetDev> netDevs) {

    public BootNode {
        clusterName = nz(clusterName);
        imageName = nz(imageName);
        ipxeTemplate = nz(ipxeTemplate);
        assetKey = nz(assetKey);
        kernelVersion = nz(kernelVersion);
        root = nz(root);
        kernelArgs = kernelArgs == null ? List.of() : List.copyOf(kernelArgs);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        netDevs = netDevs == null ? Map.of() : Map.copyOf(netDevs);
    }

    /** A node with just an id and an image (tests, simple sites). */
    public static BootNode simple(String id, String imageName, String hwaddr) {
        return new BootNode(id, "", imageName, "", "", "", List.of(), "", Map.of(),
                Map.of("default", new NetDev("eth0", hwaddr, "", "", "", "", "", "ethernet", Map.of())));
    }

    public BootNode withAssetKey(String key) {
        return new BootNode(id, clusterName, imageName, ipxeTemplate, key, kernelVersion, kernelArgs, root, tags, netDevs);
    }

    public BootNode withIpxeTemplate(String template) {
        return new BootNode(id, clusterName, imageName, template, assetKey, kernelVersion, kernelArgs, root, tags, netDevs);
    }

    public BootNode withKernel(String version, List<String> args) {
        return new BootNode(id, clusterName, imageName, ipxeTemplate, assetKey, version, args, root, tags, netDevs);
    }

    /**
     * A network device of the merged node (upstream's {@code node.NetDev}); templates see it
     * through {@link IpxeVars.NetDev}.
     */
    public record NetDev(String device, String hwaddr, String ipaddr, String netmask, String gateway,
                         String ipaddr6, String mtu, String type, Map<String, String> tags, String onboot,
                         String prefixlen6, String gateway6, boolean primary) {
        public NetDev {
            device = nz(device);
            hwaddr = nz(hwaddr);
            ipaddr = nz(ipaddr);
            netmask = nz(netmask);
            gateway = nz(gateway);
            ipaddr6 = nz(ipaddr6);
            mtu = nz(mtu);
            type = nz(type);
            tags = tags == null ? Map.of() : Map.copyOf(tags);
            onboot = nz(onboot);
            prefixlen6 = nz(prefixlen6);
            gateway6 = nz(gateway6);
        }

        public NetDev(String device, String hwaddr, String ipaddr, String netmask, String gateway, String ipaddr6,
                      String mtu, String type, Map<String, String> tags) {
            this(device, hwaddr, ipaddr, netmask, gateway, ipaddr6, mtu, type, tags, "", "", "", false);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
