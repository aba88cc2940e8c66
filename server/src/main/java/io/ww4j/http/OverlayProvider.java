package io.ww4j.http;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** The per-node system and runtime overlay images, built on demand. */
public interface OverlayProvider {
    enum Kind { SYSTEM, RUNTIME }

    /**
     * The node's overlay image file ({@code .img}, or the {@code .img.gz} sibling when
     * {@code gz}), built or rebuilt first when needed; empty when it cannot be had.
     */
    Optional<Path> overlay(BootNode node, Kind kind, boolean gz) throws IOException;
}
