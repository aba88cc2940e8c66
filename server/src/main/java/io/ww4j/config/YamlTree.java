package io.ww4j.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A thin, position-aware view over a snakeyaml-engine node tree. Every accessor marks the key it
 * reads as known, so that afterwards {@link #unknownKeys()} can report what nobody asked for,
 * with its line. Scalars are always read as strings first (YAML 1.1 would turn {@code 00:09}
 * into a number; we never let it).
 */
final class YamlTree {
    private final Path file;
    private final MappingNode node;
    private final String prefix;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final List<String> seen = new ArrayList<>();
    private final List<YamlTree> children = new ArrayList<>();

    YamlTree(Path file, Node node, String prefix) {
        this.file = file;
        this.prefix = prefix;
        if (node != null && !(node instanceof MappingNode)) {
            throw new ConfigException(where(node) + ": " + (prefix.isEmpty() ? "document" : prefix)
                    + " must be a mapping");
        }
        this.node = (MappingNode) node;
        if (this.node != null) {
            for (NodeTuple t : this.node.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    throw new ConfigException(where(t.getKeyNode()) + ": keys must be plain strings");
                }
                if (entries.put(k.getValue(), t) != null) {
                    throw new ConfigException(where(k) + ": duplicate key '" + qualify(k.getValue()) + "'");
                }
            }
        }
    }

    String where(Node n) {
        int line = n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        return file + ":" + line;
    }

    private String qualify(String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    private Optional<Node> value(String key) {
        seen.add(key);
        NodeTuple t = entries.get(key);
        if (t == null) {
            return Optional.empty();
        }
        Node v = t.getValueNode();
        if (v instanceof ScalarNode s && isNull(s)) {
            return Optional.empty();
        }
        return Optional.of(v);
    }

    private static boolean isNull(ScalarNode s) {
        String v = s.getValue();
        return s.isPlain() && (v.isEmpty() || v.equals("~") || v.equals("null") || v.equals("Null")
                || v.equals("NULL"));
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    void string(String key, Consumer<String> setter) {
        value(key).ifPresent(v -> setter.accept(scalar(key, v)));
    }

    void integer(String key, Consumer<Integer> setter) {
        value(key).ifPresent(v -> {
            String s = scalar(key, v);
            try {
                setter.accept(Integer.decode(s.trim()));
            } catch (NumberFormatException e) {
                throw new ConfigException(where(v) + ": " + qualify(key) + ": not an integer: '" + s + "'");
            }
        });
    }

    void bool(String key, Consumer<Boolean> setter) {
        value(key).ifPresent(v -> {
            String s = scalar(key, v).trim().toLowerCase(java.util.Locale.ROOT);
            switch (s) {
                case "true", "yes", "on", "y" -> setter.accept(true);
                case "false", "no", "off", "n" -> setter.accept(false);
                default -> throw new ConfigException(where(v) + ": " + qualify(key) + ": not a boolean: '" + s + "'");
            }
        });
    }

    void stringList(String key, Consumer<List<String>> setter) {
        value(key).ifPresent(v -> {
            List<String> out = new ArrayList<>();
            if (v instanceof SequenceNode seq) {
                for (Node item : seq.getValue()) {
                    out.add(scalar(key, item));
                }
            } else {
                out.add(scalar(key, v));
            }
            setter.accept(out);
        });
    }

    /** A map of string to string, keys kept exactly as written (e.g. {@code 00:0B}). */
    void stringMap(String key, Consumer<Map<String, String>> setter) {
        value(key).ifPresent(v -> {
            if (!(v instanceof MappingNode m)) {
                throw new ConfigException(where(v) + ": " + qualify(key) + " must be a mapping");
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                out.put(scalar(key, t.getKeyNode()), scalar(key, t.getValueNode()));
            }
            setter.accept(out);
        });
    }

    Optional<YamlTree> section(String key) {
        return value(key).map(v -> {
            YamlTree child = new YamlTree(file, v, qualify(key));
            children.add(child);
            return child;
        });
    }

    List<YamlTree> sectionList(String key) {
        List<YamlTree> out = new ArrayList<>();
        value(key).ifPresent(v -> {
            if (!(v instanceof SequenceNode seq)) {
                throw new ConfigException(where(v) + ": " + qualify(key) + " must be a list");
            }
            int i = 0;
            for (Node item : seq.getValue()) {
                YamlTree child = new YamlTree(file, item, qualify(key) + "[" + i++ + "]");
                children.add(child);
                out.add(child);
            }
        });
        return out;
    }

    private String scalar(String key, Node v) {
        if (v instanceof ScalarNode s) {
            return isNull(s) ? "" : s.getValue();
        }
        throw new ConfigException(where(v) + ": " + qualify(key) + " must be a single value");
    }

    /** Keys present in the file that no accessor asked for, as "file:line: key" messages. */
    List<String> unknownKeys() {
        List<String> out = new ArrayList<>();
        entries.forEach((k, t) -> {
            if (!seen.contains(k)) {
                out.add(where(t.getKeyNode()) + ": unknown key '" + qualify(k) + "'");
            }
        });
        for (YamlTree c : children) {
            out.addAll(c.unknownKeys());
        }
        return out;
    }
}
