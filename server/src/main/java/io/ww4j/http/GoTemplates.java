package io.ww4j.http;

import io.ww4j.template.Func;
import io.ww4j.template.Sprig;
import io.ww4j.template.Template;
import io.ww4j.template.TemplateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * iPXE/GRUB templates through ww4j's Go text/template engine with sprig's functions, as upstream
 * renders them. Parsed templates are cached and re-parsed when the file's mtime or size changes
 * (admins edit them on a running server).
 */
public final class GoTemplates implements TemplateRenderer {
    private final Map<String, Func> funcs;
    private final Map<Path, Parsed> cache = new ConcurrentHashMap<>();

    /** A parsed file and the file state it came from; {@code error} is set when it did not parse. */
    private record Parsed(Path path, long mtime, long size, Template template, TemplateException error)
            implements Loaded {
        @Override
        public long stamp() {
            return mtime * 31 + size;
        }

        @Override
        public String render(Object data) throws TemplateFailure {
            try {
                if (error != null) {
                    throw error;
                }
                return template.render(data);
            } catch (TemplateException e) {
                throw new TemplateFailure(e.getMessage(), e);
            }
        }
    }

    /** Which candidate list resolved to which template, and when the file system was last asked. */
    private record Found(long checkedAt, Optional<Loaded> loaded) {}

    private final Map<List<Path>, Found> found = new ConcurrentHashMap<>();
    private final long recheckNanos;

    /** Sprig's functions; template files are looked at again at most once a second. */
    public GoTemplates() {
        this(Sprig.functions(), Duration.ofSeconds(1));
    }

    public GoTemplates(Map<String, Func> funcs) {
        this(funcs, Duration.ofSeconds(1));
    }

    /**
     * @param recheck how long {@link #find} trusts what it saw on disk: an edited or added template
     *                is picked up within this time, and requests in between cost no system call
     */
    public GoTemplates(Map<String, Func> funcs, Duration recheck) {
        this.funcs = Map.copyOf(funcs);
        this.recheckNanos = recheck.toNanos();
    }

    @Override
    public Optional<Loaded> find(List<Path> candidates) throws TemplateFailure {
        long now = System.nanoTime();
        Found f = found.get(candidates);
        if (f != null && now - f.checkedAt() < recheckNanos) {
            return f.loaded();
        }
        Optional<Loaded> r = Optional.empty();
        for (Path p : candidates) {
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(p, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw new TemplateFailure("cannot read " + p + ": " + e.getMessage(), e);
            }
            if (attrs.isRegularFile()) {
                r = Optional.of(parsed(p, attrs));
                break;
            }
        }
        if (found.size() > 10_000) {
            found.clear(); // bounded: template names come from node records
        }
        found.put(candidates, new Found(now, r));
        return r;
    }

    @Override
    public Loaded load(Path file) throws TemplateFailure {
        return parsed(file);
    }

    private Parsed parsed(Path file) throws TemplateFailure {
        try {
            return parsed(file, Files.readAttributes(file, BasicFileAttributes.class));
        } catch (IOException e) {
            throw new TemplateFailure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Parsed parsed(Path file, BasicFileAttributes attrs) throws TemplateFailure {
        try {
            long mtime = attrs.lastModifiedTime().toMillis();
            Parsed p = cache.get(file);
            if (p == null || p.mtime() != mtime || p.size() != attrs.size()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                // Go names the template after the file, so errors read "template: default.ipxe:12:3: ..."
                String name = file.getFileName().toString();
                try {
                    p = new Parsed(file, mtime, attrs.size(), Template.parse(name, text, funcs), null);
                } catch (TemplateException e) {
                    p = new Parsed(file, mtime, attrs.size(), null, e);
                }
                cache.put(file, p);
            }
            return p;
        } catch (IOException e) {
            throw new TemplateFailure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
