package io.ww4j.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A profile record: the fields nodes and profiles share (spec §1.3), in upstream's declaration
 * order. Plain mutable data; IPs and MACs are validated text. Maps are sorted by key because
 * that is how they are written.
 */
public class Profile {
    /** The map key in nodes.conf; never written inside the record. */
    public String id = "";
    public List<String> profiles = new ArrayList<>();
    public String comment = "";
    public String clusterName = "";
    public String imageName = "";
    public String ipxeTemplate = "";
    public List<String> runtimeOverlay = new ArrayList<>();
    public List<String> systemOverlay = new ArrayList<>();
    public Kernel kernel = new Kernel();
    public Ipmi ipmi = new Ipmi();
    public String init = "";
    public String root = "";
    public Map<String, NetDev> netDevs = new TreeMap<>();
    public Map<String, String> tags = new TreeMap<>();
    public String primaryNetwork = "";
    public Map<String, Disk> disks = new TreeMap<>();
    public Map<String, FileSystem> filesystems = new TreeMap<>();
    /** Free-form YAML: values are String, Long, Double, Boolean, null, List or Map (sorted). */
    public Map<String, Object> resources = new TreeMap<>();

    public Profile() {}

    public Profile(String id) {
        this.id = id;
    }

    /** Deep copy of the shared fields into {@code p}. */
    protected void copyInto(Profile p) {
        p.id = id;
        p.profiles = new ArrayList<>(profiles);
        p.comment = comment;
        p.clusterName = clusterName;
        p.imageName = imageName;
        p.ipxeTemplate = ipxeTemplate;
        p.runtimeOverlay = new ArrayList<>(runtimeOverlay);
        p.systemOverlay = new ArrayList<>(systemOverlay);
        p.kernel = kernel.copy();
        p.ipmi = ipmi.copy();
        p.init = init;
        p.root = root;
        p.netDevs = new TreeMap<>();
        netDevs.forEach((k, v) -> p.netDevs.put(k, v.copy()));
        p.tags = new TreeMap<>(tags);
        p.primaryNetwork = primaryNetwork;
        p.disks = new TreeMap<>();
        disks.forEach((k, v) -> p.disks.put(k, v.copy()));
        p.filesystems = new TreeMap<>();
        filesystems.forEach((k, v) -> p.filesystems.put(k, v.copy()));
        p.resources = deepCopyMap(resources);
    }

    public Profile copy() {
        Profile p = new Profile();
        copyInto(p);
        return p;
    }

    /** The primary netdev after a merge (spec §1.11), or null. */
    public NetDev primaryNetDev() {
        return netDevs.get(primaryNetwork);
    }

    static Map<String, Object> deepCopyMap(Map<String, Object> m) {
        Map<String, Object> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, deepCopy(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            return deepCopyMap((Map<String, Object>) m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(deepCopy(x)));
            return out;
        }
        return v;
    }
}
