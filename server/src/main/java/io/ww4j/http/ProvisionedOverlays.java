package io.ww4j.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Overlay images already built under {@code <provision>/overlays/<id>/__SYSTEM__.img[.gz]} and
 * {@code __RUNTIME__.img[.gz]}. Builds nothing; stands in until the overlay store builds on demand.
 */
public final class ProvisionedOverlays implements OverlayProvider {
    private final Path dir;

    public ProvisionedOverlays(Path overlayImageDir) {
        this.dir = overlayImageDir;
    }

    @Override
    public Optional<Path> overlay(BootNode node, Kind kind, boolean gz) {
        String id = node.id();
        if (id.isEmpty() || id.contains("/") || id.startsWith(".")) {
            return Optional.empty();
        }
        Path p = dir.resolve(id).resolve("__" + kind.name() + "__.img" + (gz ? ".gz" : ""));
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }
}
