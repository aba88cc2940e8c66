package io.ww4j.template;

import static io.ww4j.template.GoType.INT;
import static io.ww4j.template.GoType.STRING;

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
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Warewulf's own template functions (upstream's buildTemplateFuncMap): Include, IncludeFrom,
 * IncludeBlock, ImportLink, file, softlink, readlink, abort, nobackup, basename, inc, dec,
 * IgnitionJson, UniqueField, SystemdEscape, SystemdEscapePath. {@code file}, {@code softlink},
 * {@code abort} and {@code nobackup} act on the {@link RenderResult}.
 */
public final class WarewulfFunctions {
    private WarewulfFunctions() {}

    /**
     * Where the file functions read. {@code confDir} is {@code <sysconfdir>/warewulf} (relative
     * Include paths start there), {@code chrootDir} holds images as {@code <image>/rootfs};
     * {@code ignitionJson} gives the node's Ignition JSON ("" when none); {@code log} receives
     * warnings (missing include files and the like).
     */
    public record Options(Path confDir, Path chrootDir, Supplier<String> ignitionJson, Consumer<String> log) {
        public Options {
            if (ignitionJson == null) {
                ignitionJson = () -> "";
            }
            if (log == null) {
                log = m -> { };
            }
        }

        public static Options of(Path confDir, Path chrootDir) {
            return new Options(confDir, chrootDir, null, null);
        }
    }

    /** Warewulf's functions only. */
    public static Map<String, Func> functions(Options o) {
        Map<String, Func> m = new HashMap<>();
        add(m, Func.of("Include", (c, a) -> include(o, (String) a[0]), STRING));
        add(m, Func.of("IncludeFrom", (c, a) -> includeFrom(o, (String) a[0], (String) a[1]), STRING, STRING));
        add(m, Func.of("IncludeBlock", (c, a) -> includeBlock(o, (String) a[0], (String) a[1]), STRING, STRING));
        add(m, Func.of("ImportLink", (c, a) -> {
            c.softlink(resolve(o, (String) a[0]).toRealPath().toString());
            return "";
        }, STRING));
        add(m, Func.of("softlink", (c, a) -> {
            c.softlink((String) a[0]);
            return "";
        }, STRING));
        add(m, Func.of("file", (c, a) -> {
            c.openFile((String) a[0]);
            return "";
        }, STRING));
        add(m, Func.of("readlink", (c, a) -> readlink((String) a[0]), STRING));
        add(m, Func.of("abort", (c, a) -> {
            throw c.abort();
        }));
        add(m, Func.of("nobackup", (c, a) -> {
            c.noBackup();
            return "";
        }));
        add(m, Func.of("basename", (c, a) -> Sprig.pathBase((String) a[0]), STRING));
        add(m, Func.of("inc", (c, a) -> (Long) a[0] + 1, INT));
        add(m, Func.of("dec", (c, a) -> (Long) a[0] - 1, INT));
        add(m, Func.of("IgnitionJson", (c, a) -> o.ignitionJson().get()));
        add(m, Func.of("UniqueField", (c, a) -> uniqueField((String) a[0], (Long) a[1], (String) a[2]), STRING, INT, STRING));
        add(m, Func.of("SystemdEscape", (c, a) -> systemdEscape((String) a[0], false), STRING));
        add(m, Func.of("SystemdEscapePath", (c, a) -> systemdEscape((String) a[0], true), STRING));
        return m;
    }

    /** Warewulf's functions with every sprig function on top, as upstream registers them. */
    public static Map<String, Func> withSprig(Options o) {
        Map<String, Func> m = functions(o);
        m.putAll(Sprig.functions());
        return m;
    }

    private static void add(Map<String, Func> m, Func f) {
        m.put(f.name(), f);
    }

    private static Path resolve(Options o, String p) {
        Path path = Path.of(p);
        return path.isAbsolute() || o.confDir() == null ? path : o.confDir().resolve(p);
    }

    private static String dropOneNewline(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    static String include(Options o, String p) {
        Path path = resolve(o, p);
        try {
            return dropOneNewline(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            o.log().accept("Include: could not read " + path + ": " + e.getMessage());
            return "";
        }
    }

    static String includeFrom(Options o, String image, String p) {
        if (image.isEmpty() || o.chrootDir() == null) {
            o.log().accept("IncludeFrom: no image given for " + p);
            return "";
        }
        Path path = o.chrootDir().resolve(image).resolve("rootfs").resolve(p.startsWith("/") ? p.substring(1) : p);
        try {
            return dropOneNewline(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            o.log().accept("IncludeFrom: could not read " + path + " from image " + image + ": " + e.getMessage());
            return "";
        }
    }

    static String includeBlock(Options o, String p, String marker) {
        Path path = resolve(o, p);
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            o.log().accept("IncludeBlock: could not read " + path + ": " + e.getMessage());
            return marker;
        }
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.contains(marker)) {
                break;
            }
            b.append(line).append('\n');
        }
        return b.append(marker).toString();
    }

    private static String readlink(String p) throws IOException {
        Path path = Path.of(p);
        Path real = path.toRealPath();
        if (path.isAbsolute()) {
            return real.toString();
        }
        return Path.of("").toAbsolutePath().relativize(real).toString();
    }

    /** Keeps the first line for each value of field {@code index}; other lines always stay. */
    static String uniqueField(String sep, long index, String input) {
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (String line : Sprig.goSplit(input, "\n", -1)) {
            List<String> fields = Sprig.goSplit(line, sep, -1);
            if (index >= 0 && index < fields.size() && !fields.get((int) index).isEmpty()) {
                if (!seen.add(fields.get((int) index))) {
                    continue;
                }
            }
            out.add(line);
        }
        return String.join("\n", out);
    }

    private static final String ALLOWED = ":_.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** go-systemd's UnitNameEscape / UnitNamePathEscape, byte by byte. */
    static String systemdEscape(String s, boolean isPath) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder e = new StringBuilder();
        boolean inSlashes = false;
        boolean start = true;
        for (byte raw : bytes) {
            int c = raw & 0xff;
            if (isPath) {
                if (c == '/') {
                    inSlashes = true;
                    continue;
                } else if (inSlashes) {
                    if (!start) {
                        e.append('-');
                    }
                    inSlashes = false;
                }
            }
            if (c < 128 && ALLOWED.indexOf(c) >= 0) {
                if (start && c == '.') {
                    e.append("\\x").append(Integer.toHexString(c));
                } else {
                    e.append((char) c);
                }
            } else if (c == '/') {
                e.append('-');
            } else {
                e.append("\\x").append(Integer.toHexString(c));
            }
            start = false;
        }
        if (isPath && e.length() == 0) {
            e.append('-');
        }
        return e.toString();
    }
}
