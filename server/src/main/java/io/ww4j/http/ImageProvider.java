package io.ww4j.http;

import java.nio.file.Path;
import java.util.Optional;

/** Where the files of OS images live: the built image, the chroot's kernel, initramfs and EFI binaries. */
public interface ImageProvider {
    /** {@code <provision>/images/<name>.img} (or {@code .img.gz}); the file may not exist. */
    Path imageFile(String imageName, boolean gz);

    /** The image chroot ({@code <chroots>/<name>/rootfs}), if the image exists. */
    Optional<Path> rootfs(String imageName);

    /** The kernel a node boots (spec §1.6 selection rules); empty when the image or kernel is missing. */
    Optional<Kernel> kernel(String imageName, String kernelVersion);

    /** The initramfs matching the node's kernel; empty when none. */
    Optional<Path> initramfs(String imageName, String kernelVersion);

    /** A kernel file inside a chroot and its version string. */
    record Kernel(Path file, String version) {}
}
