package io.ww4j.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The unmerged contents of a nodes.conf: profiles and nodes by id (sorted, as written). */
public final class NodesConf {
    public final Map<String, Profile> profiles = new TreeMap<>();
    public final Map<String, Node> nodes = new TreeMap<>();
    /** Problems that did not stop the read (unknown keys, legacy conversions), each with file:line. */
    public final List<String> warnings = new ArrayList<>();
    /** True when the input was a v4.5 file ({@code WW_INTERNAL}) converted on read. */
    public boolean convertedFromLegacy;
    /** True when the input was a bare map of nodes (a per-node YAML file) rather than a nodes.conf. */
    public boolean nodeMapOnly;

    public NodesConf copy() {
        NodesConf c = new NodesConf();
        profiles.forEach((k, v) -> c.profiles.put(k, v.copy()));
        nodes.forEach((k, v) -> c.nodes.put(k, v.copy()));
        c.warnings.addAll(warnings);
        c.convertedFromLegacy = convertedFromLegacy;
        c.nodeMapOnly = nodeMapOnly;
        return c;
    }
}
