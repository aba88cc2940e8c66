package io.ww4j.node;

import java.util.ArrayList;
import java.util.List;

/** One entry of {@code filesystems:} keyed by device path (spec §1.7). */
public final class FileSystem {
    public String format = "";
    public String path = "";
    public Boolean wipeFilesystem;
    public String label = "";
    public String uuid = "";
    public List<String> options = new ArrayList<>();
    public String mountOptions = "";

    public boolean isEmpty() {
        return format.isEmpty() && path.isEmpty() && wipeFilesystem == null && label.isEmpty() && uuid.isEmpty()
                && options.isEmpty() && mountOptions.isEmpty();
    }

    public FileSystem copy() {
        FileSystem f = new FileSystem();
        f.format = format;
        f.path = path;
        f.wipeFilesystem = wipeFilesystem;
        f.label = label;
        f.uuid = uuid;
        f.options = new ArrayList<>(options);
        f.mountOptions = mountOptions;
        return f;
    }
}
