package io.ww4j.node;

import java.util.Map;
import java.util.TreeMap;

/** One entry of {@code disks:} keyed by block device path (spec §1.7). */
public final class Disk {
    /** Optional bool: null means absent. */
    public Boolean wipeTable;
    public Map<String, Partition> partitions = new TreeMap<>();

    public boolean isEmpty() {
        return wipeTable == null && partitions.isEmpty();
    }

    public Disk copy() {
        Disk d = new Disk();
        d.wipeTable = wipeTable;
        partitions.forEach((k, v) -> d.partitions.put(k, v.copy()));
        return d;
    }
}
