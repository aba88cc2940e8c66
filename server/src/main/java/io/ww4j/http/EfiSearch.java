package io.ww4j.http;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds shim/grub EFI binaries in a chroot: directory-major search over simple globs (spec §1.6). */
final class EfiSearch {
    private EfiSearch() {}

    static Optional<Path> find(Path root, List<String> dirs, List<String> names) {
        for (String pattern : dirs) {
            for (Path dir : expand(root, pattern)) {
                for (String name : names) {
                    Path f = dir.resolve(name);
                    if (Files.isRegularFile(f) && SafePath.inside(root, f)) {
                        return Optional.of(f);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Expands a relative pattern whose segments may contain {@code *}, in sorted order. */
    static List<Path> expand(Path root, String pattern) {
        List<Path> current = List.of(root);
        for (String seg : pattern.split("/")) {
            List<Path> next = new ArrayList<>();
            for (Path base : current) {
                if (!seg.contains("*")) {
                    Path p = base.resolve(seg);
                    if (Files.isDirectory(p)) {
                        next.add(p);
                    }
                    continue;
                }
                List<Path> matches = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(base, seg)) {
                    ds.forEach(p -> {
                        if (Files.isDirectory(p)) {
                            matches.add(p);
                        }
                    });
                } catch (IOException e) {
                    continue;
                }
                matches.sort(null);
                next.addAll(matches);
            }
            current = next;
        }
        return current;
    }
}
