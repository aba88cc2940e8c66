package io.ww4j.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small subset of Go text/template, enough for ww4j's own iPXE/GRUB templates: field paths
 * ({@code .A.B}, {@code $.A}), string literals, {@code if/else if/else/end}, the functions
 * {@code or}, {@code and}, {@code not}, {@code eq}, {@code default}, comments and {@code {{- -}}}
 * trimming. Anything else is a render error (500). It stands in until the daemon wires the full
 * engine of {@code io.ww4j.template} through {@link TemplateRenderer}.
 */
public final class InterimTemplates implements TemplateRenderer {
    private static final Object MISSING = new Object();

    @Override
    public String render(Path template, Map<String, Object> data) throws TemplateFailure {
        try {
            return execute(parsed(template), data);
        } catch (IllegalArgumentException e) {
            throw new TemplateFailure(template.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** Parsed templates, re-read when the file's mtime or size changes (admins edit them live). */
    private final Map<Path, Parsed> cache = new java.util.concurrent.ConcurrentHashMap<>();

    private record Parsed(long mtime, long size, List<Object> tokens) {}

    private List<Object> parsed(Path template) throws TemplateFailure {
        try {
            var attrs = Files.readAttributes(template, java.nio.file.attribute.BasicFileAttributes.class);
            long mtime = attrs.lastModifiedTime().toMillis();
            Parsed p = cache.get(template);
            if (p == null || p.mtime() != mtime || p.size() != attrs.size()) {
                p = new Parsed(mtime, attrs.size(), tokenize(Files.readString(template, StandardCharsets.UTF_8)));
                cache.put(template, p);
            }
            return p.tokens();
        } catch (IOException e) {
            throw new TemplateFailure("cannot read " + template + ": " + e.getMessage(), e);
        }
    }

    static String renderString(String src, Map<String, Object> data) {
        return execute(tokenize(src), data);
    }

    private static String execute(List<Object> tokens, Map<String, Object> data) {
        StringBuilder out = new StringBuilder();
        int end = exec(tokens, 0, data, out, true);
        if (end != tokens.size()) {
            throw new IllegalArgumentException("unexpected {{" + tokens.get(end) + "}}");
        }
        return out.toString();
    }

    /** Action text is wrapped so that it can be told apart from literal text. */
    private record Action(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private static List<Object> tokenize(String src) {
        List<Object> tokens = new ArrayList<>();
        int i = 0;
        boolean trimNext = false;
        while (i < src.length()) {
            int open = src.indexOf("{{", i);
            String text = open < 0 ? src.substring(i) : src.substring(i, open);
            if (trimNext) {
                text = text.stripLeading();
            }
            if (open < 0) {
                tokens.add(text);
                break;
            }
            int close = src.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed action");
            }
            String inner = src.substring(open + 2, close);
            if (inner.startsWith("- ") || inner.equals("-")) {
                text = text.stripTrailing();
                inner = inner.substring(1);
            }
            trimNext = inner.endsWith(" -");
            if (trimNext) {
                inner = inner.substring(0, inner.length() - 1);
            }
            tokens.add(text);
            inner = inner.trim();
            if (!(inner.startsWith("/*") && inner.endsWith("*/"))) {
                tokens.add(new Action(inner));
            }
            i = close + 2;
        }
        return tokens;
    }

    /** Executes tokens from {@code i} until an unmatched else/end; returns that index. */
    private static int exec(List<Object> t, int i, Map<String, Object> data, StringBuilder out, boolean emit) {
        while (i < t.size()) {
            Object tok = t.get(i);
            if (tok instanceof String s) {
                if (emit) {
                    out.append(s);
                }
                i++;
                continue;
            }
            String a = ((Action) tok).text();
            if (a.equals("end") || a.equals("else") || a.startsWith("else if ")) {
                return i;
            }
            if (a.startsWith("if ")) {
                boolean taken = false;
                boolean cond = emit && truth(eval(a.substring(3), data));
                i = exec(t, i + 1, data, out, emit && cond);
                taken = cond;
                while (true) {
                    if (i >= t.size()) {
                        throw new IllegalArgumentException("missing {{end}}");
                    }
                    String b = ((Action) t.get(i)).text();
                    if (b.equals("end")) {
                        i++;
                        break;
                    }
                    boolean branch;
                    if (b.equals("else")) {
                        branch = emit && !taken;
                    } else {
                        branch = emit && !taken && truth(eval(b.substring("else if ".length()), data));
                    }
                    i = exec(t, i + 1, data, out, branch);
                    taken |= branch;
                }
                continue;
            }
            if (a.startsWith("range ") || a.startsWith("with ") || a.startsWith("define ")
                    || a.startsWith("template ") || a.startsWith("block ") || a.contains("|") || a.contains(":=")) {
                throw new IllegalArgumentException("{{" + a + "}} is not supported by the interim renderer");
            }
            if (emit) {
                out.append(print(eval(a, data)));
            }
            i++;
        }
        return i;
    }

    private static Object eval(String expr, Map<String, Object> data) {
        List<String> words = words(expr.trim());
        if (words.isEmpty()) {
            throw new IllegalArgumentException("empty action");
        }
        String f = words.get(0);
        List<Object> args = new ArrayList<>();
        for (String w : words.subList(1, words.size())) {
            args.add(operand(w, data));
        }
        return switch (f) {
            case "or" -> {
                Object last = null;
                for (Object o : args) {
                    last = o;
                    if (truth(o)) {
                        break;
                    }
                }
                yield last;
            }
            case "and" -> {
                Object last = null;
                for (Object o : args) {
                    last = o;
                    if (!truth(o)) {
                        break;
                    }
                }
                yield last;
            }
            case "not" -> !truth(args.get(0));
            case "eq" -> String.valueOf(print(args.get(0))).equals(print(args.get(1)));
            case "default" -> truth(args.get(1)) ? args.get(1) : args.get(0);
            default -> {
                if (!args.isEmpty()) {
                    throw new IllegalArgumentException("function \"" + f + "\" not defined");
                }
                yield operand(f, data);
            }
        };
    }

    private static Object operand(String w, Map<String, Object> data) {
        if (w.startsWith("\"")) {
            return w.substring(1, w.length() - 1).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\");
        }
        if (w.equals("true") || w.equals("false")) {
            return Boolean.parseBoolean(w);
        }
        if (w.equals(".") || w.equals("$")) {
            return data;
        }
        String path = w.startsWith("$.") ? w.substring(1) : w;
        if (!path.startsWith(".")) {
            throw new IllegalArgumentException("function \"" + w + "\" not defined");
        }
        Object cur = data;
        for (String key : path.substring(1).split("\\.")) {
            if (cur instanceof Map<?, ?> m) {
                cur = m.containsKey(key) ? m.get(key) : MISSING;
            } else {
                throw new IllegalArgumentException("can't evaluate field " + key);
            }
        }
        return cur;
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != '"') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                out.add(s.substring(i, Math.min(j + 1, s.length())));
                i = j + 1;
            } else {
                int j = i;
                while (j < s.length() && !Character.isWhitespace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        return out;
    }

    private static boolean truth(Object o) {
        if (o == null || o == MISSING) {
            return false;
        }
        if (o instanceof Boolean b) {
            return b;
        }
        if (o instanceof String s) {
            return !s.isEmpty();
        }
        if (o instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (o instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (o instanceof Number n) {
            return n.doubleValue() != 0;
        }
        return true;
    }

    private static String print(Object o) {
        if (o == MISSING) {
            return "<no value>";
        }
        if (o == null) {
            return "<nil>";
        }
        return String.valueOf(o);
    }
}
