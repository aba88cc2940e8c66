package io.ww4j.http;

import io.ww4j.template.Func;
import io.ww4j.template.Sprig;
import io.ww4j.template.Template;
import io.ww4j.template.TemplateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
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
    private record Parsed(long mtime, long size, Template template, TemplateException error) implements Loaded {
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

    public GoTemplates() {
        this(Sprig.functions());
    }

    public GoTemplates(Map<String, Func> funcs) {
        this.funcs = Map.copyOf(funcs);
    }

    @Override
    public Loaded load(Path file) throws TemplateFailure {
        return parsed(file);
    }

    private Parsed parsed(Path file) throws TemplateFailure {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            long mtime = attrs.lastModifiedTime().toMillis();
            Parsed p = cache.get(file);
            if (p == null || p.mtime() != mtime || p.size() != attrs.size()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                // Go names the template after the file, so errors read "template: default.ipxe:12:3: ..."
                String name = file.getFileName().toString();
                try {
                    p = new Parsed(mtime, attrs.size(), Template.parse(name, text, funcs), null);
                } catch (TemplateException e) {
                    p = new Parsed(mtime, attrs.size(), null, e);
                }
                cache.put(file, p);
            }
            return p;
        } catch (IOException e) {
            throw new TemplateFailure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
