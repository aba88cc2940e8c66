package io.ww4j.template;

import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Go's predefined template functions. */
final class Builtins {
    private Builtins() {}

    static final Func AND = Func.variadic("and", (c, a) -> null, GoType.VALUE, GoType.VALUE);
    static final Func OR = Func.variadic("or", (c, a) -> null, GoType.VALUE, GoType.VALUE);

    static final Func CALL = Func.variadic("call", (c, a) -> null, GoType.VALUE, GoType.VALUE);

    static final Map<String, Func> ALL = build();

    private static Map<String, Func> build() {
        Map<String, Func> m = new HashMap<>();
        m.put("and", AND);
        m.put("or", OR);
        m.put("not", Func.of("not", (c, a) -> !Values.truth(a[0]), GoType.VALUE));
        m.put("len", Func.of("len", (c, a) -> length(a[0]), GoType.VALUE));
        m.put("index", Func.variadic("index", (c, a) -> index(a), GoType.VALUE, GoType.VALUE));
        m.put("slice", Func.variadic("slice", (c, a) -> slice(a), GoType.VALUE, GoType.VALUE));
        m.put("print", Func.variadic("print", (c, a) -> GoFmt.sprint(a), GoType.ANY));
        m.put("println", Func.variadic("println", (c, a) -> GoFmt.sprintln(a), GoType.ANY));
        m.put("printf", Func.variadic("printf", (c, a) -> GoFmt.sprintf((String) a[0], rest(a)), GoType.STRING, GoType.ANY));
        m.put("eq", Func.variadic("eq", (c, a) -> eq(a[0], rest(a)), GoType.VALUE, GoType.VALUE));
        m.put("ne", Func.of("ne", (c, a) -> !eq(a[0], new Object[] {a[1]}), GoType.VALUE, GoType.VALUE));
        m.put("lt", Func.of("lt", (c, a) -> lt(a[0], a[1]), GoType.VALUE, GoType.VALUE));
        m.put("le", Func.of("le", (c, a) -> lt(a[0], a[1]) || eq(a[0], new Object[] {a[1]}), GoType.VALUE, GoType.VALUE));
        m.put("gt", Func.of("gt", (c, a) -> !(lt(a[0], a[1]) || eq(a[0], new Object[] {a[1]})), GoType.VALUE, GoType.VALUE));
        m.put("ge", Func.of("ge", (c, a) -> !lt(a[0], a[1]), GoType.VALUE, GoType.VALUE));
        m.put("html", Func.variadic("html", (c, a) -> html(evalArgs(a)), GoType.ANY));
        m.put("js", Func.variadic("js", (c, a) -> js(evalArgs(a)), GoType.ANY));
        m.put("urlquery", Func.variadic("urlquery", (c, a) -> URLEncoder.encode(evalArgs(a), StandardCharsets.UTF_8), GoType.ANY));
        m.put("call", CALL);
        return Map.copyOf(m);
    }

    static Object[] rest(Object[] a) {
        Object[] r = new Object[a.length - 1];
        System.arraycopy(a, 1, r, 0, r.length);
        return r;
    }

    /** Go's evalArgs for html/js/urlquery: a nil argument prints as "<no value>". */
    private static String evalArgs(Object[] a) {
        if (a.length == 1 && a[0] instanceof String s) {
            return s;
        }
        Object[] c = a.clone();
        for (int i = 0; i < c.length; i++) {
            if (c[i] == null) {
                c[i] = "<no value>";
            }
        }
        return GoFmt.sprint(c);
    }

    private static long length(Object v) {
        if (v == null) {
            throw new IllegalArgumentException("len of nil pointer");
        }
        if (v == Values.MISSING) {
            throw new IllegalArgumentException("len of untyped nil");
        }
        int n = Values.length(v);
        if (n < 0) {
            throw new IllegalArgumentException("len of type " + Values.typeName(v));
        }
        return n;
    }

    private static Object index(Object[] a) {
        Object item = a[0];
        if (item == Values.MISSING) {
            throw new IllegalArgumentException("index of untyped nil");
        }
        for (int i = 1; i < a.length; i++) {
            Object ix = a[i];
            if (item == null || item == Values.NIL_IFACE) {
                throw new IllegalArgumentException(item == null ? "index of nil pointer" : "index of untyped nil");
            }
            if (item instanceof Map<?, ?> m) {
                if (ix == Values.MISSING) {
                    throw new IllegalArgumentException("value is nil; should be of type string");
                }
                Object v = m.get(ix);
                if (v == null && ix instanceof String && !m.containsKey(ix)) {
                    v = zeroOf(m);
                } else if (v == null && !(ix instanceof String) && !m.isEmpty()) {
                    Object k = m.keySet().iterator().next();
                    if (k instanceof String) {
                        throw new IllegalArgumentException("value has type " + Values.typeName(ix) + "; should be string");
                    }
                }
                item = v == null ? Values.NIL_IFACE : v;
            } else if (item instanceof String s) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                int x = indexArg(ix, b.length);
                if (x >= b.length) {
                    throw new IllegalArgumentException("index out of range: " + x);
                }
                item = (long) (b[x] & 0xff);
            } else {
                List<?> l = Values.asList(item);
                if (l == null) {
                    throw new IllegalArgumentException("can't index item of type " + Values.typeName(item));
                }
                int x = indexArg(ix, l.size());
                if (x >= l.size()) {
                    throw new IllegalArgumentException("index out of range: " + x);
                }
                Object e = l.get(x);
                item = e == null ? Values.NIL_IFACE : e;
            }
        }
        return item;
    }

    /** Zero value of a map's element type: "" for maps of strings, nil for map[string]interface{}. */
    private static Object zeroOf(Map<?, ?> m) {
        if (m instanceof AnyMap) {
            return Values.NIL_IFACE;
        }
        return Values.allStrings(m.values()) ? "" : Values.NIL_IFACE;
    }

    private static int indexArg(Object ix, int cap) {
        if (ix == Values.MISSING || ix == null) {
            throw new IllegalArgumentException("cannot index slice/array with nil");
        }
        if (!Values.isInt(ix)) {
            throw new IllegalArgumentException("cannot index slice/array with type " + Values.typeName(ix));
        }
        long x = Values.toLong(ix);
        if (x < 0 || x > cap) {
            throw new IllegalArgumentException("index out of range: " + x);
        }
        return (int) x;
    }

    private static Object slice(Object[] a) {
        Object item = a[0];
        if (item == Values.MISSING) {
            throw new IllegalArgumentException("slice of untyped nil");
        }
        if (a.length > 4) {
            throw new IllegalArgumentException("too many slice indexes: " + (a.length - 1));
        }
        int len;
        boolean isString = item instanceof String;
        List<?> l = null;
        byte[] bytes = null;
        if (isString) {
            bytes = ((String) item).getBytes(StandardCharsets.UTF_8);
            len = bytes.length;
            if (a.length == 4) {
                throw new IllegalArgumentException("cannot 3-index slice a string");
            }
        } else {
            l = Values.asList(item);
            if (l == null) {
                throw new IllegalArgumentException("can't slice item of type " + Values.typeName(item));
            }
            len = l.size();
        }
        int[] idx = {0, len, len};
        for (int i = 1; i < a.length; i++) {
            idx[i - 1] = indexArg(a[i], len);
        }
        if (idx[0] > idx[1]) {
            throw new IllegalArgumentException("invalid slice index: " + idx[0] + " > " + idx[1]);
        }
        if (isString) {
            return new String(bytes, idx[0], idx[1] - idx[0], StandardCharsets.UTF_8);
        }
        return new java.util.ArrayList<>(l.subList(idx[0], idx[1]));
    }

    // ---- comparison ----

    private enum K { INVALID, BOOL, INT, FLOAT, STRING, OTHER }

    private static K kind(Object v) {
        if (v == null || v == Values.MISSING || v == Values.NIL_IFACE) {
            return v == null ? K.OTHER : K.INVALID;
        }
        if (v instanceof Boolean) {
            return K.BOOL;
        }
        if (Values.isInt(v) || v instanceof BigInteger) {
            return K.INT;
        }
        if (Values.isFloat(v)) {
            return K.FLOAT;
        }
        if (v instanceof String || v instanceof GoString) {
            return K.STRING;
        }
        return K.OTHER;
    }

    static boolean eq(Object a1, Object[] rest) {
        if (a1 instanceof List<?> || a1 instanceof Map<?, ?>) {
            if (rest.length > 0 && Values.typeName(rest[0]).equals(Values.typeName(a1))) {
                // Go compares two values of one non-comparable type no further
                throw new IllegalArgumentException("non-comparable type " + GoFmt.v(rest[0]) + ": " + Values.typeName(rest[0]));
            }
            throw new IllegalArgumentException("invalid type for comparison");
        }
        if (rest.length == 0) {
            throw new IllegalArgumentException("missing argument for comparison");
        }
        K k1 = kind(a1);
        for (Object a : rest) {
            K k2 = kind(a);
            boolean truth;
            if (k1 != k2) {
                if (k1 != K.INVALID && k2 != K.INVALID) {
                    throw new IllegalArgumentException("incompatible types for comparison");
                }
                truth = false;
            } else {
                switch (k1) {
                    case BOOL:
                        truth = a1.equals(a);
                        break;
                    case STRING:
                        truth = str(a1).equals(str(a));
                        break;
                    case INT:
                        truth = Values.toLong(a1) == Values.toLong(a);
                        break;
                    case FLOAT:
                        truth = ((Number) a1).doubleValue() == ((Number) a).doubleValue();
                        break;
                    case INVALID:
                        truth = true;
                        break;
                    default:
                        if (a instanceof List<?> || a instanceof Map<?, ?>) {
                            throw new IllegalArgumentException("non-comparable types");
                        }
                        truth = a1 == null ? a == null : a1.equals(a);
                }
            }
            if (truth) {
                return true;
            }
        }
        return false;
    }

    static boolean lt(Object a1, Object a2) {
        K k1 = kind(a1);
        if (k1 == K.INVALID || k1 == K.OTHER) {
            throw new IllegalArgumentException("invalid type for comparison");
        }
        K k2 = kind(a2);
        if (k2 == K.INVALID || k2 == K.OTHER) {
            throw new IllegalArgumentException("invalid type for comparison");
        }
        if (k1 != k2) {
            throw new IllegalArgumentException("incompatible types for comparison");
        }
        switch (k1) {
            case BOOL:
                throw new IllegalArgumentException("invalid type for comparison");
            case FLOAT:
                return ((Number) a1).doubleValue() < ((Number) a2).doubleValue();
            case INT:
                return Values.toLong(a1) < Values.toLong(a2);
            default:
                return GoFmt.compareBytes(str(a1), str(a2)) < 0;
        }
    }

    /** The string of a string-kind value (a String or a {@link GoString}). */
    private static String str(Object v) {
        return v instanceof GoString g ? g.stringValue() : (String) v;
    }

    // ---- escaping ----

    static String html(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case 0: b.append('\uFFFD'); break;
                case '"': b.append("&#34;"); break;
                case '\'': b.append("&#39;"); break;
                case '&': b.append("&amp;"); break;
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }

    static String js(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length();) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '\\': b.append("\\\\"); break;
                case '\'': b.append("\\'"); break;
                case '"': b.append("\\\""); break;
                case '<': b.append("\\u003C"); break;
                case '>': b.append("\\u003E"); break;
                case '&': b.append("\\u0026"); break;
                case '=': b.append("\\u003D"); break;
                default:
                    if (c < ' ') {
                        b.append(String.format("\\u%04X", c));
                    } else if (c < 0x80 || Character.isLetterOrDigit(c) || !Character.isISOControl(c) && Character.isDefined(c)) {
                        b.appendCodePoint(c);
                    } else {
                        b.append(String.format("\\u%04X", c));
                    }
            }
        }
        return b.toString();
    }
}
