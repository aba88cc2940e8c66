package io.ww4j.http;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Renders an iPXE/GRUB template file (Go text/template + sprig) with {@link IpxeVars} or other data. */
public interface TemplateRenderer {
    /** The template as the file is now (parsed once per version of the file). */
    Loaded load(Path template) throws TemplateFailure;

    /**
     * The first of {@code candidates} that is a regular file, loaded; empty when none is. May answer
     * from memory for a short while (see the implementation) instead of asking the file system.
     */
    default Optional<Loaded> find(List<Path> candidates) throws TemplateFailure {
        for (Path p : candidates) {
            if (java.nio.file.Files.isRegularFile(p)) {
                return Optional.of(load(p));
            }
        }
        return Optional.empty();
    }

    default String render(Path template, Object data) throws TemplateFailure {
        return load(template).render(data);
    }

    /** One version of a template file. */
    interface Loaded {
        Path path();

        /** Changes whenever the file changes: equal stamps and equal data render equal text. */
        long stamp();

        String render(Object data) throws TemplateFailure;
    }

    /** Parse or execution error, worded as Go words it: the request gets a 500 and no partial output. */
    final class TemplateFailure extends Exception {
        private static final long serialVersionUID = 1L;

        public TemplateFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
