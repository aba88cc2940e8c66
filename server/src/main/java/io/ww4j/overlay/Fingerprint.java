package io.ww4j.overlay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Cheap, exact-enough identities of cache inputs: stat data of files, content of small ones. */
final class Fingerprint {
    private Fingerprint() {}

    static String of(OverlayStore.Entry e) {
        return e.rel() + "|" + e.kind() + "|" + Integer.toOctalString(e.mode()) + "|" + e.uid() + ":" + e.gid() + "|"
                + stat(e.path()) + "\n";
    }

    /** size, mtime (ns), inode and ctime of a path (following links); "-" when missing. */
    static String stat(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:size,lastModifiedTime,ino,ctime");
            return a.get("size") + "," + a.get("lastModifiedTime") + "," + a.get("ino") + "," + a.get("ctime");
        } catch (IOException | RuntimeException e) {
            return Files.isSymbolicLink(p) ? "link:" + link(p) : "-";
        }
    }

    private static String link(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    static String content(Path p) throws IOException {
        return HexFormat.of().formatHex(OverlayBuilder.sha256().digest(Files.readAllBytes(p)));
    }

    /** A node view's data, for the all-nodes hash: every field through its Go formatting. */
    static String of(TemplateModel.Node n) {
        StringBuilder b = new StringBuilder();
        b.append(n.Id()).append('|').append(n.Discoverable).append('|').append(n.AssetKey).append('|')
                .append(n.Profiles).append('|').append(n.Comment).append('|').append(n.ClusterName).append('|')
                .append(n.ImageName).append('|').append(n.Ipxe).append('|').append(n.RuntimeOverlay).append('|')
                .append(n.SystemOverlay).append('|').append(n.Kernel.Version).append(n.Kernel.Args).append('|')
                .append(n.Ipmi.UserName).append(n.Ipmi.Password).append(n.Ipmi.Ipaddr).append(n.Ipmi.Gateway)
                .append(n.Ipmi.Netmask).append(n.Ipmi.Port).append(n.Ipmi.Interface).append(n.Ipmi.EscapeChar)
                .append(n.Ipmi.Write).append(n.Ipmi.Template).append(n.Ipmi.Tags).append('|').append(n.Init)
                .append('|').append(n.Root).append('|').append(n.PrimaryNetDev).append('|').append(n.Tags).append('|');
        n.NetDevs.forEach((k, v) -> b.append(k).append('{').append(v.Type).append(',').append(v.OnBoot).append(',')
                .append(v.Device).append(',').append(v.Hwaddr).append(',').append(v.Ipaddr).append(',')
                .append(v.Netmask).append(',').append(v.Gateway).append(',').append(v.Ipaddr6).append(',')
                .append(v.PrefixLen6).append(',').append(v.Gateway6).append(',').append(v.MTU).append(',')
                .append(v.Tags).append(',').append(v.Primary()).append('}'));
        n.Disks.forEach((k, v) -> {
            b.append(k).append('{').append(v.WipeTableP);
            v.Partitions.forEach((pk, p) -> b.append(pk).append('[').append(p.Number).append(',').append(p.SizeMiB)
                    .append(',').append(p.StartMiB).append(',').append(p.TypeGuid).append(',').append(p.Guid)
                    .append(',').append(p.WipePartitionEntryP).append(',').append(p.ShouldExistP).append(',')
                    .append(p.ResizeP).append(']'));
            b.append('}');
        });
        n.FileSystems.forEach((k, v) -> b.append(k).append('{').append(v.Format).append(',').append(v.Path)
                .append(',').append(v.WipeFileSystemP).append(',').append(v.Label).append(',').append(v.Uuid)
                .append(',').append(v.Options).append(',').append(v.MountOptions).append('}'));
        b.append(n.Resources).append('\n');
        return b.toString();
    }

    /**
     * The key file text: the key, the sizes of the {@code .img} ({@code -} when only the
     * {@code .img.gz} was written) and the {@code .img.gz}, then one line per server file a
     * template read, with its stat when read.
     */
    static String keyFile(String key, long imgSize, long gzSize, Map<Path, String> reads) {
        StringBuilder b = new StringBuilder(key).append('\n').append(imgSize < 0 ? "-" : String.valueOf(imgSize))
                .append(' ').append(gzSize).append('\n');
        reads.forEach((p, st) -> b.append(p).append('\t').append(st).append('\n'));
        return b.toString();
    }

    /** A current key file: the recorded sizes ({@code imgSize} -1 when there is no .img) and reads. */
    record Cached(long imgSize, long gzSize, Map<Path, String> reads) {}

    /**
     * The key file's record when it holds {@code key} and every recorded server file is
     * unchanged; null otherwise (the images must be rebuilt).
     */
    static Cached cached(Path keyFile, String key) {
        List<String> lines;
        try {
            lines = Files.readAllLines(keyFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        if (lines.size() < 2 || !lines.get(0).equals(key)) {
            return null;
        }
        String[] sizes = lines.get(1).split(" ");
        if (sizes.length != 2) {
            return null;
        }
        Map<Path, String> reads = new java.util.TreeMap<>();
        for (String line : lines.subList(2, lines.size())) {
            int tab = line.indexOf('\t');
            if (tab < 0) {
                return null;
            }
            Path p = Path.of(line.substring(0, tab));
            String st = line.substring(tab + 1);
            if (!stat(p).equals(st)) {
                return null;
            }
            reads.put(p, st);
        }
        try {
            return new Cached(sizes[0].equals("-") ? -1 : Long.parseLong(sizes[0]), Long.parseLong(sizes[1]), reads);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** True when {@code p} is a file of exactly {@code size} bytes. */
    static boolean hasSize(Path p, long size) {
        try {
            return size >= 0 && Files.size(p) == size;
        } catch (IOException e) {
            return false;
        }
    }

    /** True when every file still has the recorded stat. */
    static boolean unchanged(Map<Path, String> reads) {
        for (Map.Entry<Path, String> e : reads.entrySet()) {
            if (!stat(e.getKey()).equals(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    static List<Path> sorted(java.util.Collection<Path> c) {
        List<Path> l = new ArrayList<>(c);
        l.sort(null);
        return l;
    }
}
