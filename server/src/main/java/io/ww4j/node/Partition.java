package io.ww4j.node;

/** One entry of {@code disks.<dev>.partitions:} keyed by partition label (spec §1.7). */
public final class Partition {
    public String number = "";
    public String sizeMib = "";
    public String startMib = "";
    public String typeGuid = "";
    public String guid = "";
    public Boolean wipePartitionEntry;
    public Boolean shouldExist;
    public Boolean resize;

    public boolean isEmpty() {
        return number.isEmpty() && sizeMib.isEmpty() && startMib.isEmpty() && typeGuid.isEmpty() && guid.isEmpty()
                && wipePartitionEntry == null && shouldExist == null && resize == null;
    }

    public Partition copy() {
        Partition p = new Partition();
        p.number = number;
        p.sizeMib = sizeMib;
        p.startMib = startMib;
        p.typeGuid = typeGuid;
        p.guid = guid;
        p.wipePartitionEntry = wipePartitionEntry;
        p.shouldExist = shouldExist;
        p.resize = resize;
        return p;
    }
}
