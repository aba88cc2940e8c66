package io.ww4j.overlay;

import io.ww4j.template.Func;
import io.ww4j.template.GoType;
import io.ww4j.template.Sprig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Warewulf's template functions (spec/overlays.md §3.1) with every sprig function copied on top,
 * as upstream builds its funcmap. Functions that need the node or record the server files a
 * render read (for the cache) use the per-thread {@link Scope} the renderer opens.
 */
final class WarewulfFunctions {
    private WarewulfFunctions() {}

    /** What one render may touch: the data, the config folders, and the files it read. */
    static final class Scope {
        final TemplateData data;
        final Path sysconfWarewulf;
        final Path chrootDir;
        final Set<Path> read = new HashSet<>();
        final List<String> warnings = new ArrayList<>();

        Scope(TemplateData data, Path sysconfWarewulf, Path chrootDir) {
            this.data = data;
            this.sysconfWarewulf = sysconfWarewulf;
            this.chrootDir = chrootDir;
        }
    }

    static final ThreadLocal<Scope> SCOPE = new ThreadLocal<>();

    static final Map<String, Func> ALL = build();

    private static Scope scope() {
        Scope s = SCOPE.get();
        if (s == null) {
            throw new IllegalStateException("no render scope");
        }
        return s;
    }

    private static Path server(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : scope().sysconfWarewulf.resolve(path);
    }

    private static String readTrim(Path p) {
        scope().read.add(p.toAbsolutePath());
        try {
            String s = Files.readString(p, StandardCharsets.UTF_8);
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } catch (IOException | RuntimeException e) {
            scope().warnings.add("could not read " + p + ": " + e.getMessage());
            return "";
        }
    }

    private static Map<String, Func> build() {
        Map<String, Func> m = new HashMap<>();
        put(m, Func.of("Include", (ctx, a) -> readTrim(server((String) a[0])), GoType.STRING));
        put(m, Func.of("IncludeFrom", (ctx, a) -> {
            String image = (String) a[0];
            if (image.isEmpty()) {
                scope().warnings.add("IncludeFrom: node has no image");
                return "";
            }
            String rel = ((String) a[1]).replaceFirst("^/+", "");
            return readTrim(scope().chrootDir.resolve(image).resolve("rootfs").resolve(rel));
        }, GoType.STRING, GoType.STRING));
        put(m, Func.of("IncludeBlock", (ctx, a) -> {
            Path p = server((String) a[0]);
            String marker = (String) a[1];
            scope().read.add(p.toAbsolutePath());
            StringBuilder b = new StringBuilder();
            try {
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    if (line.contains(marker)) {
                        break;
                    }
                    b.append(line.replace("\r", "")).append('\n');
                }
            } catch (IOException e) {
                return marker;
            }
            return b.append(marker).toString();
        }, GoType.STRING, GoType.STRING));
        put(m, Func.of("ImportLink", (ctx, a) -> {
            Path p = server((String) a[0]);
            scope().read.add(p.toAbsolutePath());
            ctx.softlink(p.toRealPath().toString());
            return "";
        }, GoType.STRING));
        put(m, Func.of("readlink", (ctx, a) -> server((String) a[0]).toRealPath().toString(), GoType.STRING));
        put(m, Func.of("softlink", (ctx, a) -> {
            ctx.softlink((String) a[0]);
            return "";
        }, GoType.STRING));
        put(m, Func.of("file", (ctx, a) -> {
            ctx.openFile((String) a[0]);
            return "";
        }, GoType.STRING));
        put(m, Func.of("abort", (ctx, a) -> {
            throw ctx.abort();
        }));
        put(m, Func.of("nobackup", (ctx, a) -> {
            ctx.noBackup();
            return "";
        }));
        put(m, Func.of("basename", (ctx, a) -> basename((String) a[0]), GoType.STRING));
        put(m, Func.of("inc", (ctx, a) -> (Long) a[0] + 1, GoType.INT));
        put(m, Func.of("dec", (ctx, a) -> (Long) a[0] - 1, GoType.INT));
        put(m, Func.of("UniqueField", (ctx, a) -> uniqueField((String) a[0], ((Long) a[1]).intValue(), (String) a[2]),
                GoType.STRING, GoType.INT, GoType.STRING));
        put(m, Func.of("SystemdEscape", (ctx, a) -> systemdEscape((String) a[0], false), GoType.STRING));
        put(m, Func.of("SystemdEscapePath", (ctx, a) -> systemdEscapePath((String) a[0]), GoType.STRING));
        put(m, Func.of("IgnitionJson", (ctx, a) -> Ignition.json(scope().data.ThisNode)));
        m.putAll(Sprig.functions());
        return Map.copyOf(m);
    }

    private static void put(Map<String, Func> m, Func f) {
        m.put(f.name(), f);
    }

    /** Go's path.Base. */
    static String basename(String p) {
        if (p.isEmpty()) {
            return ".";
        }
        String t = p.replaceAll("/+$", "");
        if (t.isEmpty()) {
            return "/";
        }
        int i = t.lastIndexOf('/');
        return i >= 0 ? t.substring(i + 1) : t;
    }

    /** Field {@code index} of {@code line} split at {@code sep} (Go's strings.Split), or null if absent. */
    private static String field(String line, String sep, int index) {
        if (sep.isEmpty()) {
            // strings.Split with an empty separator splits into characters
            return index < line.length() ? line.substring(index, index + 1) : null;
        }
        int from = 0;
        for (int i = 0; i < index; i++) {
            int at = line.indexOf(sep, from);
            if (at < 0) {
                return null;
            }
            from = at + sep.length();
        }
        int end = line.indexOf(sep, from);
        return line.substring(from, end < 0 ? line.length() : end);
    }

    static String uniqueField(String sep, int index, String input) {
        if (index < 0) {
            throw new IllegalArgumentException("UniqueField: index out of range [" + index + "]");
        }
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start <= input.length()) {
            int nl = input.indexOf('\n', start);
            String line = input.substring(start, nl < 0 ? input.length() : nl);
            start = nl < 0 ? input.length() + 1 : nl + 1;
            String f = field(line, sep, index);
            if (line.isBlank() || f == null || f.isEmpty() || seen.add(f)) {
                out.add(line);
            }
        }
        return String.join("\n", out);
    }

    /** go-systemd UnitNameEscape (byte-wise; no zero padding in the hex, as upstream). */
    static String systemdEscape(String s, boolean path) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            if (c == '/') {
                b.append('-');
            } else if ((i == 0 && c == '.') || !(c == ':' || c == '_' || c == '.' || Character.isLetterOrDigit(c) && c < 128)) {
                b.append("\\x").append(Integer.toHexString(c));
            } else {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    static String systemdEscapePath(String s) {
        String t = s.replaceAll("/+", "/").replaceAll("^/", "").replaceAll("/$", "");
        if (t.isEmpty()) {
            return "-";
        }
        return systemdEscape(t, true);
    }
}
