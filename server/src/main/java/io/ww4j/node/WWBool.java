package io.ww4j.node;

import java.util.Locale;
import java.util.Set;

/** Upstream's string-typed boolean (spec §1.8). */
public final class WWBool {
    /** Words WWbool stores verbatim and evaluates as false. */
    public static final Set<String> UNSET_WORDS = Set.of("unset", "delete", "undef", "--", "nil", "0.0.0.0");

    private WWBool() {}

    /** Empty or an unset word is false; otherwise Go's strconv.ParseBool truth values. */
    public static boolean isTrue(String v) {
        if (v == null || v.isEmpty()) {
            return false;
        }
        return switch (v) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            default -> v.equalsIgnoreCase("yes");
        };
    }

    /** Empty is true (upstream BoolDefaultTrue), e.g. for {@code onboot}. */
    public static boolean isTrueDefaultTrue(String v) {
        return v == null || v.isEmpty() || isTrue(v);
    }

    /**
     * Normalises a flag or file value: yes/no and ParseBool words become "true"/"false", unset
     * words are kept verbatim; anything else is refused.
     */
    public static String parse(String v) {
        if (v.isEmpty()) {
            return v;
        }
        if (UNSET_WORDS.contains(v.toLowerCase(Locale.ROOT)) || v.equals("UNDEF") || v.equals("UNSET")) {
            return v;
        }
        return switch (v) {
            case "1", "t", "T", "TRUE", "true", "True" -> "true";
            case "0", "f", "F", "FALSE", "false", "False" -> "false";
            default -> {
                if (v.equalsIgnoreCase("yes")) {
                    yield "true";
                }
                if (v.equalsIgnoreCase("no")) {
                    yield "false";
                }
                throw new IllegalArgumentException("not a boolean: '" + v + "'");
            }
        };
    }
}
