package io.ww4j.overlay;

import java.util.ArrayList;
import java.util.List;

/** {@code IgnitionJson}: an Ignition 3.1.0 storage config from the node's disks and file systems. */
final class Ignition {
    private Ignition() {}

    static String json(TemplateModel.Node n) {
        if (n == null || n.Disks.isEmpty() && n.FileSystems.isEmpty()) {
            return "";
        }
        List<String> disks = new ArrayList<>();
        for (TemplateModel.Disk d : n.DiskList()) {
            List<String> parts = new ArrayList<>();
            for (TemplateModel.Partition p : d.PartitionList()) {
                List<String> f = new ArrayList<>();
                f.add(kv("label", p.Id()));
                if (!p.Number.isEmpty()) {
                    f.add("\"number\":" + num(p.Number));
                }
                if (!p.SizeMiB.isEmpty()) {
                    f.add("\"sizeMiB\":" + num(p.SizeMiB));
                }
                if (!p.StartMiB.isEmpty()) {
                    f.add("\"startMiB\":" + num(p.StartMiB));
                }
                if (!p.TypeGuid.isEmpty()) {
                    f.add(kv("typeGuid", p.TypeGuid));
                }
                if (!p.Guid.isEmpty()) {
                    f.add(kv("guid", p.Guid));
                }
                if (p.WipePartitionEntryP != null) {
                    f.add("\"wipePartitionEntry\":" + p.WipePartitionEntryP);
                }
                if (p.ShouldExistP != null) {
                    f.add("\"shouldExist\":" + p.ShouldExistP);
                }
                if (p.ResizeP != null) {
                    f.add("\"resize\":" + p.ResizeP);
                }
                parts.add("{" + String.join(",", f) + "}");
            }
            List<String> f = new ArrayList<>();
            f.add(kv("device", d.Id()));
            if (!parts.isEmpty()) {
                f.add("\"partitions\":[" + String.join(",", parts) + "]");
            }
            if (d.WipeTableP != null) {
                f.add("\"wipeTable\":" + d.WipeTableP);
            }
            disks.add("{" + String.join(",", f) + "}");
        }
        List<String> fss = new ArrayList<>();
        for (TemplateModel.FileSystem fs : n.FileSystemList()) {
            List<String> f = new ArrayList<>();
            f.add(kv("device", fs.Id()));
            if (!fs.Format.isEmpty()) {
                f.add(kv("format", fs.Format));
            }
            if (!fs.Path.isEmpty()) {
                f.add(kv("path", fs.Path));
            }
            if (!fs.Label.isEmpty()) {
                f.add(kv("label", fs.Label));
            }
            if (!fs.Uuid.isEmpty()) {
                f.add(kv("uuid", fs.Uuid));
            }
            if (!fs.Options.isEmpty()) {
                f.add("\"options\":[" + String.join(",", fs.Options.stream().map(Ignition::str).toList()) + "]");
            }
            if (fs.WipeFileSystemP != null) {
                f.add("\"wipeFilesystem\":" + fs.WipeFileSystemP);
            }
            fss.add("{" + String.join(",", f) + "}");
        }
        List<String> storage = new ArrayList<>();
        if (!disks.isEmpty()) {
            storage.add("\"disks\":[" + String.join(",", disks) + "]");
        }
        if (!fss.isEmpty()) {
            storage.add("\"filesystems\":[" + String.join(",", fss) + "]");
        }
        return "{\"ignition\":{\"version\":\"3.1.0\"},\"storage\":{" + String.join(",", storage) + "}}";
    }

    private static String num(String s) {
        try {
            return String.valueOf(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return "0";
        }
    }

    private static String kv(String k, String v) {
        return str(k) + ":" + str(v);
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '<' -> b.append("\\u003c");
                case '>' -> b.append("\\u003e");
                case '&' -> b.append("\\u0026");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
