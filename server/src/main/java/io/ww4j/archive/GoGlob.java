package io.ww4j.archive;

/**
 * Go's {@code path/filepath.Match} on Unix: {@code *} matches any run of non-'/' characters,
 * {@code ?} one non-'/' character, {@code [...]} a class ({@code ^} negates, {@code a-z} ranges),
 * {@code \} escapes. The whole name must match. A malformed pattern matches nothing (upstream
 * ignores Match's ErrBadPattern the same way).
 */
public final class GoGlob {
    private GoGlob() {}

    public static boolean match(String pattern, String name) {
        try {
            return match(pattern, 0, name, 0);
        } catch (IllegalArgumentException bad) {
            return false;
        }
    }

    /** Throws IllegalArgumentException for a malformed pattern. */
    public static void validate(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                if (++i >= pattern.length()) {
                    throw new IllegalArgumentException("bad pattern: trailing backslash in " + pattern);
                }
            } else if (c == '[') {
                i = classEnd(pattern, i) - 1;
            }
        }
    }

    private static boolean match(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                while (pi < p.length() && p.charAt(pi) == '*') {
                    pi++;
                }
                if (pi == p.length()) {
                    return s.indexOf('/', si) < 0;
                }
                for (int k = si; k <= s.length(); k++) {
                    if (match(p, pi, s, k)) {
                        return true;
                    }
                    if (k < s.length() && s.charAt(k) == '/') {
                        break;
                    }
                }
                validate(p.substring(pi));
                return false;
            }
            if (si >= s.length()) {
                validate(p.substring(pi));
                return false;
            }
            char sc = s.charAt(si);
            if (c == '?') {
                if (sc == '/') {
                    return false;
                }
                pi++;
                si++;
            } else if (c == '[') {
                int end = classEnd(p, pi);
                if (sc == '/' || !inClass(p, pi + 1, end - 1, sc)) {
                    validate(p.substring(end));
                    return false;
                }
                pi = end;
                si++;
            } else {
                if (c == '\\') {
                    pi++;
                    if (pi >= p.length()) {
                        throw new IllegalArgumentException("trailing backslash");
                    }
                    c = p.charAt(pi);
                }
                if (c != sc) {
                    validate(p.substring(pi + 1));
                    return false;
                }
                pi++;
                si++;
            }
        }
        return si == s.length();
    }

    /** Index just past the ']' closing the class starting at {@code open}. */
    private static int classEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && p.charAt(i) == '^') {
            i++;
        }
        int ranges = 0;
        while (true) {
            if (i >= p.length()) {
                throw new IllegalArgumentException("unterminated class");
            }
            char c = p.charAt(i);
            if (c == ']' && ranges > 0) {
                return i + 1;
            }
            i = classChar(p, i);
            if (i < p.length() && p.charAt(i) == '-') {
                i = classChar(p, i + 1);
            }
            ranges++;
        }
    }

    private static int classChar(String p, int i) {
        if (i >= p.length()) {
            throw new IllegalArgumentException("unterminated class");
        }
        char c = p.charAt(i);
        if (c == '-' || (c == ']')) {
            throw new IllegalArgumentException("bad class");
        }
        if (c == '\\') {
            if (i + 1 >= p.length()) {
                throw new IllegalArgumentException("trailing backslash");
            }
            return i + 2;
        }
        return i + 1;
    }

    private static boolean inClass(String p, int from, int closeIdx, char sc) {
        int i = from;
        boolean negate = false;
        if (p.charAt(i) == '^') {
            negate = true;
            i++;
        }
        boolean matched = false;
        while (i < closeIdx) {
            char lo = p.charAt(i);
            if (lo == '\\') {
                lo = p.charAt(++i);
            }
            i++;
            char hi = lo;
            if (i < closeIdx && p.charAt(i) == '-') {
                i++;
                hi = p.charAt(i);
                if (hi == '\\') {
                    hi = p.charAt(++i);
                }
                i++;
            }
            if (lo <= sc && sc <= hi) {
                matched = true;
            }
        }
        return matched != negate;
    }
}
