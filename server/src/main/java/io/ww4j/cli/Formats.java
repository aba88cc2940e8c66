package io.ww4j.cli;

import io.ww4j.node.Node;
import io.ww4j.node.NodesConfWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** YAML and JSON renderings of records for {@code list -y/-j} and {@code export}. */
final class Formats {
    private Formats() {}

    /** 2-space YAML map id → record, as nodes.conf writes records ({@code node export}). */
    static String yaml2(Map<String, Node> nodes) {
        return NodesConfWriter.writeNodeMap(nodes);
    }

    /**
     * The 4-space style of yaml.v3 {@code Marshal} ({@code list -y}): every level indented by 4
     * and list items indented under their key.
     */
    static String yaml4(Map<String, Node> nodes) {
        if (nodes.isEmpty()) {
            return "{}\n";
        }
        StringBuilder sb = new StringBuilder();
        for (String line : yaml2(nodes).split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            int k = 0;
            while (k < line.length() && line.charAt(k) == ' ') {
                k++;
            }
            String body = line.substring(k);
            int indent = k * 2 + (body.startsWith("- ") ? 4 : 0);
            sb.append(" ".repeat(indent)).append(body).append('\n');
        }
        return sb.toString();
    }

    /** Indented JSON (2 spaces, keys sorted) of the same data. */
    static String json(Map<String, Node> nodes) {
        Object tree = nodes.isEmpty() ? Map.of() : new Load(LoadSettings.builder().build()).loadFromString(yaml2(nodes));
        StringBuilder sb = new StringBuilder();
        json(sb, tree, 0);
        return sb.append('\n').toString();
    }

    @SuppressWarnings("unchecked")
    private static void json(StringBuilder sb, Object v, int depth) {
        String pad = "  ".repeat(depth + 1);
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            Map<String, Object> sorted = new TreeMap<>();
            m.forEach((k, x) -> sorted.put(String.valueOf(k), x));
            sb.append("{\n");
            int i = 0;
            for (var e : sorted.entrySet()) {
                sb.append(pad);
                // Upstream's JSON tag for onboot is misspelt "onbot" (spec §1.6).
                string(sb, e.getKey().equals("onboot") ? "onbot" : e.getKey());
                sb.append(": ");
                json(sb, e.getValue(), depth + 1);
                sb.append(++i < sorted.size() ? ",\n" : "\n");
            }
            sb.append("  ".repeat(depth)).append('}');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                sb.append(pad);
                json(sb, l.get(i), depth + 1);
                sb.append(i + 1 < l.size() ? ",\n" : "\n");
            }
            sb.append("  ".repeat(depth)).append(']');
        } else if (v == null) {
            sb.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else {
            string(sb, v.toString());
        }
    }

    /** Compact JSON (no spaces, map keys sorted) of a resources value. */
    static String compact(Object v) {
        StringBuilder sb = new StringBuilder();
        compact(sb, v);
        return sb.toString();
    }

    private static void compact(StringBuilder sb, Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> sorted = new TreeMap<>();
            m.forEach((k, x) -> sorted.put(String.valueOf(k), x));
            sb.append('{');
            int i = 0;
            for (var e : sorted.entrySet()) {
                if (i++ > 0) {
                    sb.append(',');
                }
                string(sb, e.getKey());
                sb.append(':');
                compact(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                compact(sb, l.get(i));
            }
            sb.append(']');
        } else if (v == null) {
            sb.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else {
            string(sb, v.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '<' -> sb.append("\\u003c");
                case '>' -> sb.append("\\u003e");
                case '&' -> sb.append("\\u0026");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
