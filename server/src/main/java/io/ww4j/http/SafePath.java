package io.ww4j.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/** Resolves client-supplied relative paths so that nothing outside a served tree is ever reachable. */
final class SafePath {
    private SafePath() {}

    /**
     * {@code root/relative} when every segment is a plain name (no {@code ..}, {@code .}, NUL or
     * backslash) and the real path (symlinks followed) stays inside the real root; else empty.
     */
    static Optional<Path> resolve(Path root, String relative) {
        if (relative.isEmpty() || relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0) {
            return Optional.empty();
        }
        for (String seg : relative.split("/")) {
            if (seg.equals("..") || seg.equals(".")) {
                return Optional.empty();
            }
        }
        try {
            Path p = root.resolve(relative).normalize();
            if (!p.startsWith(root.normalize()) || !Files.exists(p)) {
                return Optional.empty();
            }
            return inside(root, p) ? Optional.of(p) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code p}, symlinks resolved, lies inside {@code root}, symlinks resolved. */
    static boolean inside(Path root, Path p) {
        try {
            return p.toRealPath().startsWith(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }
}
