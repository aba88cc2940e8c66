package io.ww4j.http;

import io.ww4j.config.WarewulfConf;
import io.ww4j.image.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Image files as upstream lays them out: built images in {@code <provision>/images/<name>.img[.gz]},
 * chroots in {@code <chroots>/<name>/rootfs}, kernels and initramfs found inside the chroot by the
 * rules of spec §1.6 ({@link Kernels}); nothing outside the chroot is ever served.
 */
public final class ChrootImages implements ImageProvider {

    private final Path imageDir;
    private final Path chrootDir;

    private final long recheckNanos;

    /** Kernel choices are looked at again at most once a second. */
    public ChrootImages(WarewulfConf conf) {
        this(conf, Duration.ofSeconds(1));
    }

    /** @param recheck how long a detected kernel is trusted before the chroot's boot/ is looked at again */
    public ChrootImages(WarewulfConf conf, Duration recheck) {
        this(conf.imageDir(), conf.chrootDir(), recheck);
    }

    public ChrootImages(Path imageDir, Path chrootDir) {
        this(imageDir, chrootDir, Duration.ofSeconds(1));
    }

    public ChrootImages(Path imageDir, Path chrootDir, Duration recheck) {
        this.imageDir = imageDir;
        this.chrootDir = chrootDir;
        this.recheckNanos = recheck.toNanos();
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

    private record Detected(long stamp, long checkedAt, Optional<Kernel> kernel) {}

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
        String key = imageName + "\0" + kernelVersion;
        long now = System.nanoTime();
        Detected hit = detected.get(key);
        if (hit != null && now - hit.checkedAt() < recheckNanos) {
            return hit.kernel(); // checked moments ago: every iPXE request of a boot storm asks this
        }
        Optional<Path> root = rootfs(imageName);
        if (root.isEmpty()) {
            detected.remove(key);
            return Optional.empty();
        }
        long stamp = stamp(root.get());
        if (hit != null && hit.stamp() == stamp && hit.kernel().map(k -> Files.isRegularFile(k.file())).orElse(true)) {
            detected.put(key, new Detected(stamp, now, hit.kernel()));
            return hit.kernel();
        }
        Optional<Kernel> k = detect(root.get(), kernelVersion);
        detected.put(key, new Detected(stamp, now, k));
        return k;
    }

    /** Kernel rules of the image package; the file must stay inside the chroot (symlinks resolved). */
    private Optional<Kernel> detect(Path rootfs, String kernelVersion) {
        try {
            Kernels.Kernel k = Kernels.forVersion(rootfs, kernelVersion);
            if (k == null) {
                return Optional.empty();
            }
            Path f = rootfs.resolve(k.path().substring(1));
            if (!Files.isRegularFile(f) || !SafePath.inside(rootfs, f)) {
                return Optional.empty();
            }
            return Optional.of(new Kernel(f, k.version()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Path> initramfs(String imageName, String kernelVersion) {
        Optional<Kernel> k = kernel(imageName, kernelVersion);
        Optional<Path> root = rootfs(imageName);
        if (k.isEmpty() || root.isEmpty() || k.get().version().isEmpty()) {
            return Optional.empty();
        }
        try {
            String rel = Kernels.initramfs(root.get(), k.get().version());
            if (rel == null) {
                return Optional.empty();
            }
            Path f = root.get().resolve(rel.substring(1));
            return Files.isRegularFile(f) && SafePath.inside(root.get(), f) ? Optional.of(f) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
