package io.ww4j.http;

import io.ww4j.config.WarewulfConf;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Image files as upstream lays them out: built images in {@code <provision>/images/<name>.img[.gz]},
 * chroots in {@code <chroots>/<name>/rootfs}, kernels and initramfs found inside the chroot by the
 * rules of spec §1.6. Used until the image store provides its own kernel detection.
 */
public final class ChrootImages implements ImageProvider {
    private static final List<String[]> KERNEL_GLOBS = List.of(
            new String[] {"boot", "Image-*"}, new String[] {"boot", "vmlinuz-linux*"},
            new String[] {"boot", "vmlinuz-*"}, new String[] {"lib/modules/*", "vmlinuz"},
            new String[] {"lib/modules/*", "vmlinuz.gz"});
    private static final List<String> INITRAMFS_PREFIXES = List.of("initramfs-", "initrd-", "initrd.img-");

    private final Path imageDir;
    private final Path chrootDir;

    public ChrootImages(WarewulfConf conf) {
        this(conf.imageDir(), conf.chrootDir());
    }

    public ChrootImages(Path imageDir, Path chrootDir) {
        this.imageDir = imageDir;
        this.chrootDir = chrootDir;
    }

    private static boolean validName(String name) {
        return !name.isEmpty() && !name.contains("/") && !name.contains("\\") && !name.startsWith(".")
                && name.indexOf('\0') < 0;
    }

    @Override
    public Path imageFile(String imageName, boolean gz) {
        if (!validName(imageName)) {
            return imageDir.resolve(".invalid-image-name");
        }
        return imageDir.resolve(imageName + (gz ? ".img.gz" : ".img"));
    }

    @Override
    public Optional<Path> rootfs(String imageName) {
        if (!validName(imageName)) {
            return Optional.empty();
        }
        Path p = chrootDir.resolve(imageName).resolve("rootfs");
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    /** Detected kernels per (image, version), valid while the mtimes of boot/ and lib/modules/ stay. */
    private final Map<String, Detected> detected = new ConcurrentHashMap<>();

    private record Detected(long stamp, Optional<Kernel> kernel) {}

    private static long stamp(Path root) {
        long s = 0;
        for (String d : List.of("boot", "lib/modules")) {
            try {
                s = s * 31 + Files.getLastModifiedTime(root.resolve(d)).toMillis();
            } catch (IOException e) {
                s = s * 31;
            }
        }
        return s;
    }

    @Override
    public Optional<Kernel> kernel(String imageName, String kernelVersion) {
        Optional<Path> root = rootfs(imageName);
        if (root.isEmpty()) {
            return Optional.empty();
        }
        long stamp = stamp(root.get());
        String key = imageName + "\0" + kernelVersion;
        Detected hit = detected.get(key);
        if (hit != null && hit.stamp() == stamp && hit.kernel().map(k -> Files.isRegularFile(k.file())).orElse(true)) {
            return hit.kernel();
        }
        Optional<Kernel> k = detect(root.get(), kernelVersion);
        detected.put(key, new Detected(stamp, k));
        return k;
    }

    private Optional<Kernel> detect(Path rootfs, String kernelVersion) {
        Optional<Path> root = Optional.of(rootfs);
        if (!kernelVersion.isEmpty()) {
            Optional<Path> literal = SafePath.resolve(root.get(), kernelVersion.replaceFirst("^/+", ""));
            if (literal.isPresent() && Files.isRegularFile(literal.get())) {
                return Optional.of(new Kernel(literal.get(), versionOf(literal.get())));
            }
        }
        List<Kernel> all = new ArrayList<>();
        for (String[] g : KERNEL_GLOBS) {
            for (Path dir : EfiSearch.expand(root.get(), g[0])) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, g[1])) {
                    for (Path f : ds) {
                        if (Files.isRegularFile(f) && SafePath.inside(root.get(), f)) {
                            all.add(new Kernel(f, versionOf(f)));
                        }
                    }
                } catch (IOException e) {
                    // no such directory in this image
                }
            }
        }
        List<Kernel> usable = all.stream()
                .filter(k -> !k.version().endsWith("+debug") && !k.version().contains("-rescue")).toList();
        if (!kernelVersion.isEmpty()) {
            return usable.stream().filter(k -> k.version().startsWith(kernelVersion)).findFirst();
        }
        return usable.stream().max(Comparator.comparing(Kernel::version, ChrootImages::compareVersions));
    }

    @Override
    public Optional<Path> initramfs(String imageName, String kernelVersion) {
        Optional<Kernel> k = kernel(imageName, kernelVersion);
        Optional<Path> root = rootfs(imageName);
        if (k.isEmpty() || root.isEmpty()) {
            return Optional.empty();
        }
        String version = k.get().version();
        Path boot = root.get().resolve("boot");
        for (String prefix : INITRAMFS_PREFIXES) {
            List<Path> matches = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(boot, prefix + "*")) {
                ds.forEach(matches::add);
            } catch (IOException e) {
                continue;
            }
            matches.sort(null);
            for (Path f : matches) {
                String v = f.getFileName().toString().substring(prefix.length()).replaceFirst("\\.img$", "");
                if (!version.isEmpty() && v.startsWith(version) && Files.isRegularFile(f)
                        && SafePath.inside(root.get(), f)) {
                    return Optional.of(f);
                }
            }
        }
        return Optional.empty();
    }

    /** The version a kernel file name carries ({@code vmlinuz-6.1.0-13-amd64}, {@code lib/modules/<v>/vmlinuz}). */
    static String versionOf(Path f) {
        String name = f.getFileName().toString();
        if (name.equals("vmlinuz") || name.equals("vmlinuz.gz")) {
            return f.getParent().getFileName().toString();
        }
        for (String p : List.of("vmlinuz-", "Image-")) {
            if (name.startsWith(p)) {
                return name.substring(p.length());
            }
        }
        return name;
    }

    /** Compares version strings number by number (6.10 > 6.9), text parts lexically. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("[^0-9A-Za-z]+");
        String[] y = b.split("[^0-9A-Za-z]+");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c;
            if (x[i].matches("\\d+") && y[i].matches("\\d+")) {
                c = new java.math.BigInteger(x[i]).compareTo(new java.math.BigInteger(y[i]));
            } else {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
