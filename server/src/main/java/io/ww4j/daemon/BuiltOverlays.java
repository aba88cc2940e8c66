package io.ww4j.daemon;

import io.ww4j.http.BootNode;
import io.ww4j.http.OverlayProvider;
import io.ww4j.overlay.OverlayBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Serves the HTTP routes' overlay images from the {@link OverlayBuilder}. With
 * {@code warewulf.autobuild overlays} on (the default) every request checks the image's content
 * hash and rebuilds a stale image first; off, an existing image is served as it is and only a
 * missing one is built (as upstream, which always builds a missing image).
 */
final class BuiltOverlays implements OverlayProvider {
    private final OverlayBuilder builder;
    private final boolean autobuild;

    BuiltOverlays(OverlayBuilder builder, boolean autobuild) {
        this.builder = builder;
        this.autobuild = autobuild;
    }

    @Override
    public Optional<Path> overlay(BootNode node, Kind kind, boolean gz) throws IOException {
        OverlayBuilder.Context ctx = kind == Kind.SYSTEM ? OverlayBuilder.Context.SYSTEM : OverlayBuilder.Context.RUNTIME;
        if (!autobuild) {
            Path img = builder.imagePath(node.id(), ctx, gz);
            if (Files.isRegularFile(img)) {
                return Optional.of(img);
            }
        }
        return Optional.of(builder.overlayImage(node.id(), ctx, gz));
    }
}
