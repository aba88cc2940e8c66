package io.ww4j.node;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Hostlist patterns such as {@code node[01-03,05]} (spec §3.3). */
public final class Hostlist {
    private Hostlist() {}

    /** Expands every argument (each may hold several comma-separated patterns) in order. */
    public static List<String> expand(Collection<String> args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            for (String piece : split(a)) {
                out.addAll(expandOne(piece));
            }
        }
        return out;
    }

    public static List<String> expand(String arg) {
        return expand(List.of(arg));
    }

    /** Splits on commas outside brackets; empty pieces are kept. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']' && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    /** Expands the first bracket group, then the rest of the name; a non-numeric item leaves the name literal. */
    static List<String> expandOne(String name) {
        int open = name.indexOf('[');
        int close = open < 0 ? -1 : name.indexOf(']', open);
        if (close < 0) {
            return List.of(name);
        }
        String prefix = name.substring(0, open);
        String suffix = name.substring(close + 1);
        List<String> values = new ArrayList<>();
        for (String item : name.substring(open + 1, close).split(",", -1)) {
            String[] ends = item.split("-", -1);
            if (ends.length > 2) {
                continue; // two or more dashes: skipped, as upstream does
            }
            String from = ends[0];
            String to = ends.length == 2 ? ends[1] : ends[0];
            if (!digits(from, ends.length == 2) || !digits(to, false)) {
                return List.of(name);
            }
            long a = from.isEmpty() ? 0 : Long.parseLong(from);
            long b = Long.parseLong(to);
            int width = from.length();
            for (long v = a; v <= b; v++) {
                values.add(pad(v, width));
            }
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            for (String rest : expandOne(suffix)) {
                out.add(prefix + v + rest);
            }
        }
        return out;
    }

    private static boolean digits(String s, boolean mayBeEmpty) {
        if (s.isEmpty()) {
            return mayBeEmpty;
        }
        if (s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String pad(long v, int width) {
        String s = Long.toString(v);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }

    /**
     * The inverse of {@link #expand}: names grouped by prefix and by the width of their trailing
     * number, groups in first-seen order, numbers sorted with consecutive runs as ranges. Names
     * without a trailing number pass through unchanged.
     */
    public static String compress(Collection<String> names) {
        Map<String, TreeSet<Long>> groups = new LinkedHashMap<>();
        for (String n : names) {
            int end = n.length();
            int start = end;
            while (start > 0 && Character.isDigit(n.charAt(start - 1)) && n.charAt(start - 1) <= '9') {
                start--;
            }
            if (start == end || end - start > 18) {
                groups.putIfAbsent(n, null);
                continue;
            }
            String key = n.substring(0, start) + "\u0000" + (end - start);
            groups.computeIfAbsent(key, k -> new TreeSet<>()).add(Long.parseLong(n.substring(start)));
        }
        List<String> out = new ArrayList<>();
        groups.forEach((key, nums) -> {
            if (nums == null) {
                out.add(key);
                return;
            }
            int sep = key.indexOf('\u0000');
            String prefix = key.substring(0, sep);
            int width = Integer.parseInt(key.substring(sep + 1));
            if (nums.size() == 1) {
                out.add(prefix + pad(nums.first(), width));
                return;
            }
            StringBuilder sb = new StringBuilder(prefix).append('[');
            Long runStart = null;
            Long prev = null;
            for (long v : nums) {
                if (prev != null && v == prev + 1) {
                    prev = v;
                    continue;
                }
                if (runStart != null) {
                    appendRun(sb, runStart, prev, width);
                    sb.append(',');
                }
                runStart = v;
                prev = v;
            }
            appendRun(sb, runStart, prev, width);
            out.add(sb.append(']').toString());
        });
        return String.join(",", out);
    }

    private static void appendRun(StringBuilder sb, long a, long b, int width) {
        sb.append(pad(a, width));
        if (b != a) {
            sb.append('-').append(pad(b, width));
        }
    }
}
