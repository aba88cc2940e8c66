package io.ww4j.template;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** JSON as Go's encoding/json writes it (sorted keys, HTML-safe escapes) and reads it (numbers are float64). */
final class Json {
    private Json() {}

    /** json.Marshal; throws for values Go cannot encode (NaN, infinities). */
    static String marshal(Object v, String indent, boolean escapeHtml) {
        StringBuilder b = new StringBuilder();
        write(b, v, indent, "", escapeHtml);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v, String indent, String cur, boolean html) {
        if (v == null || v == Values.MISSING || v == Values.NIL_IFACE) {
            b.append("null");
        } else if (v instanceof String s) {
            string(b, s, html);
        } else if (v instanceof Boolean) {
            b.append(v);
        } else if (Values.isInt(v) || v instanceof java.math.BigInteger) {
            b.append(v instanceof Character c ? (long) c : v);
        } else if (v instanceof Double || v instanceof Float) {
            b.append(number(((Number) v).doubleValue()));
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                b.append("{}");
                return;
            }
            b.append('{');
            String inner = cur + indent;
            boolean first = true;
            for (Object k : GoFmt.sortedKeys(m)) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                if (indent != null && !indent.isEmpty()) {
                    b.append('\n').append(inner);
                }
                string(b, GoFmt.v(k), html);
                b.append(indent != null && !indent.isEmpty() ? ": " : ":");
                write(b, m.get(k), indent, inner, html);
            }
            if (indent != null && !indent.isEmpty()) {
                b.append('\n').append(cur);
            }
            b.append('}');
        } else if (v instanceof byte[] bytes) {
            string(b, java.util.Base64.getEncoder().encodeToString(bytes), html);
        } else if (v instanceof Collection<?> || v.getClass().isArray()) {
            List<?> l = Values.asList(v);
            if (l.isEmpty()) {
                b.append("[]");
                return;
            }
            b.append('[');
            String inner = cur + indent;
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                if (indent != null && !indent.isEmpty()) {
                    b.append('\n').append(inner);
                }
                write(b, l.get(i), indent, inner, html);
            }
            if (indent != null && !indent.isEmpty()) {
                b.append('\n').append(cur);
            }
            b.append(']');
        } else if (v instanceof Record r) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            for (RecordComponent rc : r.getClass().getRecordComponents()) {
                try {
                    m.put(rc.getName(), rc.getAccessor().invoke(r));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            write(b, m, indent, cur, html);
        } else {
            string(b, GoFmt.v(v), html);
        }
    }

    static String number(double f) {
        if (Double.isNaN(f) || Double.isInfinite(f)) {
            throw new IllegalArgumentException("json: unsupported value: " + GoFmt.formatFloat(f, 'g', -1, false));
        }
        double a = Math.abs(f);
        if (a != 0 && (a < 1e-6 || a >= 1e21)) {
            String s = GoFmt.formatFloat(f, 'e', -1, false);
            int n = s.length();
            if (n >= 4 && s.charAt(n - 4) == 'e' && s.charAt(n - 3) == '-' && s.charAt(n - 2) == '0') {
                s = s.substring(0, n - 2) + s.charAt(n - 1);
            }
            return s;
        }
        return GoFmt.formatFloat(f, 'f', -1, false);
    }

    private static void string(StringBuilder b, String s, boolean html) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || (html && (c == '<' || c == '>' || c == '&'))) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        b.append('"');
    }

    /** json.Unmarshal into interface{}: objects are maps, arrays lists, numbers float64. */
    static Object parse(String s) {
        return parse(s, false);
    }

    /** As {@link #parse(String)}; with {@code ints}, numbers without fraction or exponent become int. */
    static Object parse(String s, boolean ints) {
        Reader r = new Reader(s);
        r.ints = ints;
        r.ws();
        Object v = r.value();
        r.ws();
        if (r.i != s.length()) {
            throw new IllegalArgumentException("invalid character after top-level value");
        }
        return v;
    }

    private static final class Reader {
        final String s;
        int i;
        boolean ints;

        Reader(String s) {
            this.s = s;
        }

        void ws() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        IllegalArgumentException bad() {
            return new IllegalArgumentException("invalid JSON at offset " + i);
        }

        Object value() {
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end of JSON input");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    AnyMap m = new AnyMap();
                    ws();
                    if (i < s.length() && s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        ws();
                        if (i >= s.length() || s.charAt(i) != '"') {
                            throw bad();
                        }
                        String k = str();
                        ws();
                        if (i >= s.length() || s.charAt(i) != ':') {
                            throw bad();
                        }
                        i++;
                        ws();
                        m.put(k.intern(), value()); // keys repeat: one shared string each (Node.interned)
                        ws();
                        if (i < s.length() && s.charAt(i) == ',') {
                            i++;
                            continue;
                        }
                        if (i < s.length() && s.charAt(i) == '}') {
                            i++;
                            return m;
                        }
                        throw bad();
                    }
                }
                case '[': {
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (i < s.length() && s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        ws();
                        l.add(value());
                        ws();
                        if (i < s.length() && s.charAt(i) == ',') {
                            i++;
                            continue;
                        }
                        if (i < s.length() && s.charAt(i) == ']') {
                            i++;
                            return l;
                        }
                        throw bad();
                    }
                }
                case '"':
                    return str();
                case 't':
                    return lit("true", Boolean.TRUE);
                case 'f':
                    return lit("false", Boolean.FALSE);
                case 'n':
                    return lit("null", null);
                default:
                    int st = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    if (st == i) {
                        throw bad();
                    }
                    try {
                        String num = s.substring(st, i);
                        if (ints && num.indexOf('.') < 0 && num.indexOf('e') < 0 && num.indexOf('E') < 0) {
                            Long l = Parser.parseGoInt(num);
                            if (l != null) {
                                return l;
                            }
                        }
                        return Double.parseDouble(num);
                    } catch (NumberFormatException e) {
                        throw bad();
                    }
            }
        }

        Object lit(String word, Object v) {
            if (!s.startsWith(word, i)) {
                throw bad();
            }
            i += word.length();
            return v;
        }

        String str() {
            i++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw bad();
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    throw bad();
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n': b.append('\n'); break;
                    case 't': b.append('\t'); break;
                    case 'r': b.append('\r'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case '/': b.append('/'); break;
                    case '\\': b.append('\\'); break;
                    case '"': b.append('"'); break;
                    case 'u':
                        if (i + 4 > s.length()) {
                            throw bad();
                        }
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default:
                        throw bad();
                }
            }
        }
    }
}
