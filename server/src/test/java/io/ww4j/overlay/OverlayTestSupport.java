package io.ww4j.overlay;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's {@code overlays/} folder from the test's working directory. */
final class OverlayTestSupport {
    private OverlayTestSupport() {}

    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("overlays/README.md"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("overlays/README.md not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path distributionOverlays() {
        return repoRoot().resolve("overlays");
    }
}
