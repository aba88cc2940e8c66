package io.ww4j.image;

import io.ww4j.archive.GoGlob;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kernel detection inside an image rootfs (datamodel-cli.md §5.4). */
public final class Kernels {
    private Kernels() {}

    /** A kernel found in an image: path relative to the rootfs with a leading '/', version or "". */
    public record Kernel(String path, String version, boolean isDefault) {
        public boolean isDebugOrRescue() {
            return path.contains("+debug") || path.contains("-rescue");
        }
    }

    private static final String[] GLOBS = {
        "boot/Image-*", "boot/vmlinuz-linux*", "boot/vmlinuz-*", "lib/modules/*/vmlinuz", "lib/modules/*/vmlinuz.gz"
    };
    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+(-[\\d.]+|)");

    /** Every kernel in {@code rootfs}, in glob order, the default one flagged. */
    public static List<Kernel> find(Path rootfs) throws IOException {
        Set<String> paths = new LinkedHashSet<>();
        for (String g : GLOBS) {
            for (String rel : glob(rootfs, g)) {
                if (Files.isRegularFile(rootfs.resolve(rel))) {
                    paths.add("/" + rel);
                }
            }
        }
        List<Kernel> out = new ArrayList<>();
        String best = null;
        String bestVersion = null;
        for (String p : paths) {
            String v = version(p);
            Kernel k = new Kernel(p, v, false);
            if (!k.isDebugOrRescue() && (best == null || compare(v, bestVersion) > 0)) {
                best = p;
                bestVersion = v;
            }
            out.add(k);
        }
        List<Kernel> flagged = new ArrayList<>();
        for (Kernel k : out) {
            flagged.add(new Kernel(k.path(), k.version(), k.path().equals(best)));
        }
        return flagged;
    }

    /** The default kernel, or null. */
    public static Kernel defaultKernel(Path rootfs) throws IOException {
        for (Kernel k : find(rootfs)) {
            if (k.isDefault()) {
                return k;
            }
        }
        return null;
    }

    /** A node's kernel: an explicit path, else the first version-prefix match, else the default. */
    public static Kernel forVersion(Path rootfs, String wanted) throws IOException {
        List<Kernel> all = find(rootfs);
        if (wanted != null && !wanted.isEmpty()) {
            Path direct = rootfs.resolve(wanted.startsWith("/") ? wanted.substring(1) : wanted);
            if (Files.isRegularFile(direct, LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(direct)) {
                String p = "/" + rootfs.relativize(direct);
                return new Kernel(p, version(p), false);
            }
            for (Kernel k : all) {
                if (!k.isDebugOrRescue() && k.version().startsWith(wanted)) {
                    return k;
                }
            }
        }
        for (Kernel k : all) {
            if (k.isDefault()) {
                return k;
            }
        }
        return null;
    }

    /** The initramfs for a kernel version (dracut two-stage boot), relative path with '/', or null. */
    public static String initramfs(Path rootfs, String version) throws IOException {
        for (String g : new String[] {"boot/initramfs-*", "boot/initrd-*", "boot/initrd.img-*"}) {
            for (String rel : glob(rootfs, g)) {
                String name = rel.substring(rel.lastIndexOf('/') + 1);
                String rest = name.substring(name.indexOf('-') + 1);
                if (version == null || version.isEmpty() || rest.startsWith(version)) {
                    return "/" + rel;
                }
            }
        }
        return null;
    }

    /** The first version-like string in the path, trailing dots dropped; "" if none. */
    public static String version(String path) {
        Matcher m = VERSION.matcher(path);
        if (!m.find()) {
            return "";
        }
        String v = m.group();
        while (v.endsWith(".") || v.endsWith("-")) {
            v = v.substring(0, v.length() - 1);
        }
        return v;
    }

    /** Semver-like order: numeric core, then a pre-release sorts below none; unparsable ("") lowest. */
    static int compare(String a, String b) {
        if (a == null || a.isEmpty()) {
            return b == null || b.isEmpty() ? 0 : -1;
        }
        if (b == null || b.isEmpty()) {
            return 1;
        }
        String[] pa = a.split("-", 2);
        String[] pb = b.split("-", 2);
        int c = compareDotted(pa[0], pb[0]);
        if (c != 0) {
            return c;
        }
        if (pa.length == 1 || pb.length == 1) {
            return Integer.compare(pb.length, pa.length);
        }
        return compareDotted(pa[1], pb[1]);
    }

    private static int compareDotted(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long u = i < x.length && !x[i].isEmpty() ? Long.parseLong(x[i]) : 0;
            long v = i < y.length && !y[i].isEmpty() ? Long.parseLong(y[i]) : 0;
            if (u != v) {
                return Long.compare(u, v);
            }
        }
        return 0;
    }

    /** Minimal filepath.Glob: pattern components matched one directory level at a time, sorted. */
    static List<String> glob(Path root, String pattern) throws IOException {
        List<String> cur = List.of("");
        for (String comp : pattern.split("/")) {
            List<String> next = new ArrayList<>();
            for (String base : cur) {
                Path dir = base.isEmpty() ? root : root.resolve(base);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                List<String> names = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                    for (Path c : ds) {
                        names.add(c.getFileName().toString());
                    }
                }
                names.sort(null);
                for (String n : names) {
                    if (GoGlob.match(comp, n)) {
                        next.add(base.isEmpty() ? n : base + "/" + n);
                    }
                }
            }
            cur = next;
        }
        return cur;
    }
}
