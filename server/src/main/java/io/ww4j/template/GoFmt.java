package io.ww4j.template;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The parts of Go's fmt package that templates show: %v, print, println, printf. */
final class GoFmt {
    private GoFmt() {}

    /** fmt.Sprint: a space between operands when neither is a string. */
    static String sprint(Object[] args) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            if (i > 0 && !(args[i] instanceof String) && !(args[i - 1] instanceof String)) {
                b.append(' ');
            }
            value(b, args[i], 0);
        }
        return b.toString();
    }

    static String sprintln(Object[] args) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                b.append(' ');
            }
            value(b, args[i], 0);
        }
        return b.append('\n').toString();
    }

    static String v(Object o) {
        if (o instanceof String s) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        value(b, o, 0);
        return b.toString();
    }

    /** %v of one value. */
    static void value(StringBuilder b, Object o, int depth) {
        if (o == null || o == Values.NIL_IFACE) {
            b.append("<nil>");
        } else if (o == Values.MISSING) {
            b.append("<invalid reflect.Value>");
        } else if (o instanceof String s) {
            b.append(s);
        } else if (o instanceof GoString s) {
            b.append(s.stringValue());
        } else if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte
                || o instanceof BigInteger) {
            b.append(o);
        } else if (o instanceof Character c) {
            b.append((int) c.charValue());
        } else if (o instanceof Double d) {
            b.append(formatFloat(d, 'g', -1, false));
        } else if (o instanceof Float f) {
            b.append(formatFloat32(f));
        } else if (o instanceof Boolean) {
            b.append(o);
        } else if (o instanceof Map<?, ?> m) {
            b.append("map[");
            boolean first = true;
            for (Object k : sortedKeys(m)) {
                if (!first) {
                    b.append(' ');
                }
                first = false;
                value(b, k, depth + 1);
                b.append(':');
                value(b, m.get(k), depth + 1);
            }
            b.append(']');
        } else if (o instanceof Collection<?> c) {
            b.append('[');
            boolean first = true;
            for (Object e : c) {
                if (!first) {
                    b.append(' ');
                }
                first = false;
                value(b, e, depth + 1);
            }
            b.append(']');
        } else if (o.getClass().isArray()) {
            b.append('[');
            int n = Array.getLength(o);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    b.append(' ');
                }
                value(b, Array.get(o, i), depth + 1);
            }
            b.append(']');
        } else if (o instanceof InetAddress a) {
            b.append(ip(a));
        } else if (o instanceof Record r && depth < 10) {
            b.append('{');
            RecordComponent[] rc = r.getClass().getRecordComponents();
            for (int i = 0; i < rc.length; i++) {
                if (i > 0) {
                    b.append(' ');
                }
                try {
                    value(b, rc[i].getAccessor().invoke(r), depth + 1);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    b.append("?");
                }
            }
            b.append('}');
        } else if (o instanceof Func f) {
            b.append("func:").append(f.name);
        } else {
            b.append(o);
        }
    }

    /** Go's net.IP String(): dotted IPv4, compressed lower-case IPv6. */
    static String ip(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return a.getHostAddress();
        }
        byte[] x = a.getAddress();
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = ((x[2 * i] & 0xff) << 8) | (x[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8;) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(w[i]));
        }
        return b.toString();
    }

    /** Map keys in Go's fmtsort order: numbers numerically, strings byte-wise, nil first. */
    static List<Object> sortedKeys(Map<?, ?> m) {
        Object[] keys = m.keySet().toArray();
        if (!stringsInOrder(keys)) {
            Arrays.sort(keys, GoFmt::compareKeys);
        }
        return Arrays.asList(keys);
    }

    /** True when all keys are strings already in Go's order (decoded JSON usually is): no sort. */
    private static boolean stringsInOrder(Object[] keys) {
        for (int i = 0; i < keys.length; i++) {
            if (!(keys[i] instanceof String k) || i > 0 && compareBytes((String) keys[i - 1], k) > 0) {
                return false;
            }
        }
        return true;
    }

    static int compareKeys(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return compareBytes(x, y);
        }
        if (Values.isInt(a) && Values.isInt(b)) {
            return Long.compare(Values.toLong(a), Values.toLong(b));
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof Boolean x && b instanceof Boolean y) {
            return Boolean.compare(x, y);
        }
        if (a == null) {
            return b == null ? 0 : -1;
        }
        if (b == null) {
            return 1;
        }
        return compareBytes(String.valueOf(a), String.valueOf(b));
    }

    /** Compares as Go compares strings: UTF-8 bytes, unsigned. */
    static int compareBytes(String x, String y) {
        int n = Math.min(x.length(), y.length());
        for (int i = 0; i < n; i++) {
            char a = x.charAt(i);
            char c = y.charAt(i);
            if (a != c) {
                if (a < 0x80 && c < 0x80) {
                    return a - c;
                }
                return cmpUtf8(x, y);
            }
        }
        return x.length() - y.length();
    }

    private static int cmpUtf8(String x, String y) {
        return java.util.Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
    }

    // ---- floats ----

    static String formatFloat32(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            return formatFloat(f, 'g', -1, false);
        }
        return shortestG(Float.toString(Math.abs(f)), f < 0 || (f == 0 && 1 / f < 0));
    }

    /** strconv.FormatFloat for the verbs templates use; prec -1 means shortest. */
    static String formatFloat(double d, char verb, int prec, boolean sharp) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        boolean neg = d < 0 || (d == 0 && 1 / d < 0);
        double a = Math.abs(d);
        switch (verb) {
            case 'g':
            case 'G':
                if (prec < 0) {
                    return shortestG(Double.toString(a), neg);
                }
                return precG(a, neg, prec == 0 ? 1 : prec);
            case 'f':
            case 'F':
                if (prec < 0) {
                    String[] de = digits(Double.toString(a));
                    int exp = Integer.parseInt(de[1]);
                    int frac = Math.max(0, de[0].length() - (exp + 1));
                    prec = frac;
                }
                return (neg ? "-" : "") + new java.math.BigDecimal(a).setScale(prec, java.math.RoundingMode.HALF_EVEN).toPlainString();
            case 'e':
            case 'E':
                String s;
                if (prec < 0) {
                    String[] de = digits(Double.toString(a));
                    s = eform(de[0], Integer.parseInt(de[1]));
                } else {
                    s = eprec(a, prec);
                }
                return (neg ? "-" : "") + (verb == 'E' ? s.toUpperCase() : s);
            default:
                return shortestG(Double.toString(a), neg);
        }
    }

    private static String eprec(double a, int prec) {
        if (a == 0) {
            return "0" + (prec > 0 ? "." + "0".repeat(prec) : "") + "e+00";
        }
        java.math.BigDecimal bd = new java.math.BigDecimal(a).round(new java.math.MathContext(prec + 1, java.math.RoundingMode.HALF_EVEN));
        String unscaled = bd.unscaledValue().toString();
        int exp = unscaled.length() - 1 - bd.scale();
        String dig = unscaled.length() > prec + 1 ? unscaled.substring(0, prec + 1) : unscaled + "0".repeat(prec + 1 - unscaled.length());
        return eform2(dig, exp, prec);
    }

    private static String eform2(String dig, int exp, int prec) {
        StringBuilder b = new StringBuilder();
        b.append(dig.charAt(0));
        if (prec > 0) {
            b.append('.').append(dig, 1, prec + 1);
        }
        b.append('e').append(exp < 0 ? '-' : '+');
        int ae = Math.abs(exp);
        if (ae < 10) {
            b.append('0');
        }
        return b.append(ae).toString();
    }

    private static String precG(double a, boolean neg, int prec) {
        if (a == 0) {
            return (neg ? "-" : "") + "0";
        }
        java.math.BigDecimal bd = new java.math.BigDecimal(a).round(new java.math.MathContext(prec, java.math.RoundingMode.HALF_EVEN));
        String unscaled = bd.unscaledValue().toString().replaceAll("0+$", "");
        if (unscaled.isEmpty()) {
            unscaled = "0";
        }
        int exp = bd.unscaledValue().toString().length() - 1 - bd.scale();
        return (neg ? "-" : "") + layoutG(unscaled, exp, prec);
    }

    /** Digits (no leading/trailing zeros) and decimal exponent of Java's shortest repr. */
    private static String[] digits(String js) {
        String mant = js;
        int exp = 0;
        int e = js.indexOf('E');
        if (e >= 0) {
            mant = js.substring(0, e);
            exp = Integer.parseInt(js.substring(e + 1));
        }
        int dot = mant.indexOf('.');
        String intPart = dot < 0 ? mant : mant.substring(0, dot);
        String frac = dot < 0 ? "" : mant.substring(dot + 1);
        String all = intPart + frac;
        int pointPos = intPart.length() + exp; // digits before the decimal point
        int lead = 0;
        while (lead < all.length() - 1 && all.charAt(lead) == '0') {
            lead++;
        }
        all = all.substring(lead);
        pointPos -= lead;
        all = all.replaceAll("0+$", "");
        if (all.isEmpty()) {
            return new String[] {"0", "0"};
        }
        return new String[] {all, String.valueOf(pointPos - 1)};
    }

    private static String shortestG(String js, boolean neg) {
        String[] de = digits(js);
        String dig = de[0];
        int exp = Integer.parseInt(de[1]);
        if (dig.equals("0")) {
            return neg ? "-0" : "0";
        }
        return (neg ? "-" : "") + layoutG(dig, exp, 6);
    }

    private static String layoutG(String dig, int exp, int eprec) {
        if (exp < -4 || exp >= Math.max(eprec, dig.length() > eprec ? eprec : eprec)) {
            return eform(dig, exp);
        }
        if (exp < 0) {
            return "0." + "0".repeat(-exp - 1) + dig;
        }
        if (dig.length() <= exp + 1) {
            return dig + "0".repeat(exp + 1 - dig.length());
        }
        return dig.substring(0, exp + 1) + "." + dig.substring(exp + 1);
    }

    private static String eform(String dig, int exp) {
        StringBuilder b = new StringBuilder();
        b.append(dig.charAt(0));
        if (dig.length() > 1) {
            b.append('.').append(dig, 1, dig.length());
        }
        b.append('e').append(exp < 0 ? '-' : '+');
        int ae = Math.abs(exp);
        if (ae < 10) {
            b.append('0');
        }
        return b.append(ae).toString();
    }

    // ---- quoting ----

    /** strconv.Quote. */
    static String quote(String s) {
        if (plainAscii(s)) {
            return "\"" + s + "\"";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(cp -> quoteRune(b, cp, '"'));
        return b.append('"').toString();
    }

    /** True when strconv.Quote leaves every character as is (printable ASCII, no quote or backslash). */
    private static boolean plainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    static void quoteRune(StringBuilder b, int cp, char q) {
        switch (cp) {
            case '\\':
                b.append("\\\\");
                return;
            case 7:
                b.append("\\a");
                return;
            case '\b':
                b.append("\\b");
                return;
            case '\f':
                b.append("\\f");
                return;
            case '\n':
                b.append("\\n");
                return;
            case '\r':
                b.append("\\r");
                return;
            case '\t':
                b.append("\\t");
                return;
            case 11:
                b.append("\\v");
                return;
            default:
                break;
        }
        if (cp == q) {
            b.append('\\').append(q);
        } else if (cp < 0x20 || cp == 0x7f) {
            b.append(String.format("\\x%02x", cp));
        } else if (cp < 0x7f || (isPrint(cp))) {
            b.appendCodePoint(cp);
        } else if (cp < 0x10000) {
            b.append(String.format("\\u%04x", cp));
        } else {
            b.append(String.format("\\U%08x", cp));
        }
    }

    private static boolean isPrint(int cp) {
        if (cp == 0xFFFD) {
            return true;
        }
        int t = Character.getType(cp);
        return Character.isDefined(cp) && t != Character.CONTROL && t != Character.FORMAT
                && t != Character.SURROGATE && t != Character.PRIVATE_USE && t != Character.UNASSIGNED
                && t != Character.LINE_SEPARATOR && t != Character.PARAGRAPH_SEPARATOR
                && (t != Character.SPACE_SEPARATOR || cp == ' ');
    }

    // ---- printf ----

    static String sprintf(String format, Object[] args) {
        StringBuilder b = new StringBuilder(format.length() + 16 * args.length);
        int argi = 0;
        int n = format.length();
        for (int i = 0; i < n;) {
            char c = format.charAt(i);
            if (c != '%') {
                b.append(c);
                i++;
                continue;
            }
            i++;
            if (i >= n) {
                b.append("%!(NOVERB)");
                break;
            }
            boolean minus = false;
            boolean plus = false;
            boolean sharp = false;
            boolean zero = false;
            boolean space = false;
            for (; i < n; i++) {
                char f = format.charAt(i);
                if (f == '-') {
                    minus = true;
                    zero = false;
                } else if (f == '+') {
                    plus = true;
                } else if (f == '#') {
                    sharp = true;
                } else if (f == '0') {
                    zero = !minus;
                } else if (f == ' ') {
                    space = true;
                } else {
                    break;
                }
            }
            int width = -1;
            if (i < n && format.charAt(i) == '*') {
                i++;
                if (argi < args.length && Values.isInt(args[argi])) {
                    width = (int) Values.toLong(args[argi++]);
                    if (width < 0) {
                        minus = true;
                        width = -width;
                    }
                } else {
                    argi++;
                    b.append("%!(BADWIDTH)");
                }
            } else {
                int st = i;
                while (i < n && Character.isDigit(format.charAt(i))) {
                    i++;
                }
                if (i > st) {
                    width = Integer.parseInt(format.substring(st, i));
                }
            }
            int prec = -1;
            if (i < n && format.charAt(i) == '.') {
                i++;
                if (i < n && format.charAt(i) == '*') {
                    i++;
                    if (argi < args.length && Values.isInt(args[argi])) {
                        prec = (int) Values.toLong(args[argi++]);
                    } else {
                        argi++;
                        b.append("%!(BADPREC)");
                    }
                } else {
                    int st = i;
                    while (i < n && Character.isDigit(format.charAt(i))) {
                        i++;
                    }
                    prec = i > st ? Integer.parseInt(format.substring(st, i)) : 0;
                }
            }
            if (i >= n) {
                b.append("%!(NOVERB)");
                break;
            }
            int verb = format.codePointAt(i);
            i += Character.charCount(verb);
            if (verb == '%') {
                b.append('%');
                continue;
            }
            if (argi >= args.length) {
                b.append("%!").appendCodePoint(verb).append("(MISSING)");
                continue;
            }
            Object arg = args[argi++];
            if (arg instanceof String str && (verb == 's' || verb == 'v') && width < 0 && prec < 0 && !minus && !plus
                    && !sharp && !zero && !space) {
                b.append(str); // the common plain %s / %v of a string
                continue;
            }
            Spec sp = new Spec(minus, plus, sharp, zero, space, width, prec);
            formatOne(b, arg, verb, sp);
        }
        if (argi < args.length) {
            b.append("%!(EXTRA ");
            for (int k = argi; k < args.length; k++) {
                if (k > argi) {
                    b.append(", ");
                }
                Object a = args[k];
                b.append(Values.typeName(a));
                if (a != null) {
                    b.append('=');
                    value(b, a, 0);
                }
            }
            b.append(')');
        }
        return b.toString();
    }

    record Spec(boolean minus, boolean plus, boolean sharp, boolean zero, boolean space, int width, int prec) {}

    private static void pad(StringBuilder b, String s, Spec sp, boolean numeric) {
        int len = s.codePointCount(0, s.length());
        if (sp.width <= len) {
            b.append(s);
            return;
        }
        int fill = sp.width - len;
        if (sp.minus) {
            b.append(s).append(" ".repeat(fill));
        } else if (sp.zero && numeric) {
            int signEnd = (s.startsWith("-") || s.startsWith("+")) ? 1 : 0;
            b.append(s, 0, signEnd).append("0".repeat(fill)).append(s, signEnd, s.length());
        } else if (sp.zero) {
            b.append("0".repeat(fill)).append(s);
        } else {
            b.append(" ".repeat(fill)).append(s);
        }
    }

    private static void bad(StringBuilder b, int verb, Object arg, Spec sp) {
        b.append("%!").appendCodePoint(verb).append('(');
        if (arg == null) {
            b.append("<nil>");
        } else {
            b.append(Values.typeName(arg)).append('=');
            formatOne(b, arg, 'v', sp, 0);
        }
        b.append(')');
    }

    private static void formatOne(StringBuilder b, Object arg, int verb, Spec sp) {
        if (verb == 'v' && (sp.plus || sp.sharp)) {
            // %+v and %#v select Go's struct/Go-syntax forms; no sign flag
            sp = new Spec(sp.minus, false, false, sp.zero, sp.space, sp.width, sp.prec);
        }
        formatOne(b, arg, verb, sp, 0);
    }

    private static void formatOne(StringBuilder b, Object arg, int verb, Spec sp, int depth) {
        if (verb == 'T') {
            pad(b, Values.typeName(arg), sp, false);
            return;
        }
        if (arg == null || arg == Values.NIL_IFACE) {
            if (depth > 0) {
                b.append("<nil>");
            } else if (verb == 'v') {
                pad(b, "<nil>", sp, false);
            } else {
                bad(b, verb, null, sp);
            }
            return;
        }
        if (arg instanceof List<?> || (arg.getClass().isArray() && !(arg instanceof byte[]))) {
            List<?> l = Values.asList(arg);
            if (verb == 'q' || verb == 'v' || verb == 'd' || verb == 's' || verb == 'x' || verb == 'X'
                    || verb == 't' || verb == 'f' || verb == 'g' || verb == 'e' || verb == 'c' || verb == 'o') {
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        b.append(' ');
                    }
                    formatOne(b, l.get(i), verb, sp, depth + 1);
                }
                b.append(']');
                return;
            }
        }
        if (arg instanceof Map<?, ?> m && verb != 'T') {
            b.append("map[");
            boolean first = true;
            for (Object k : sortedKeys(m)) {
                if (!first) {
                    b.append(' ');
                }
                first = false;
                formatOne(b, k, verb, sp, depth + 1);
                b.append(':');
                formatOne(b, m.get(k), verb, sp, depth + 1);
            }
            b.append(']');
            return;
        }
        if (arg instanceof String s) {
            switch (verb) {
                case 'v':
                case 's':
                    pad(b, sp.prec >= 0 ? truncRunes(s, sp.prec) : s, sp, false);
                    return;
                case 'q':
                    pad(b, sp.sharp && !s.contains("`") ? "`" + s + "`" : quote(s), sp, false);
                    return;
                case 'x':
                case 'X':
                    StringBuilder h = new StringBuilder();
                    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                    for (int i = 0; i < bytes.length; i++) {
                        if (sp.space && i > 0) {
                            h.append(' ');
                        }
                        h.append(String.format(verb == 'x' ? "%02x" : "%02X", bytes[i] & 0xff));
                    }
                    pad(b, h.toString(), sp, false);
                    return;
                default:
                    bad(b, verb, arg, sp);
                    return;
            }
        }
        if (arg instanceof Boolean) {
            if (verb == 'v' || verb == 't') {
                pad(b, arg.toString(), sp, false);
            } else {
                bad(b, verb, arg, sp);
            }
            return;
        }
        if (Values.isInt(arg) || arg instanceof BigInteger) {
            long x = arg instanceof BigInteger bi ? bi.longValue() : Values.toLong(arg);
            String s;
            switch (verb) {
                case 'v':
                case 'd':
                    s = Long.toString(x);
                    break;
                case 'x':
                    s = x < 0 ? "-" + Long.toHexString(-x) : Long.toHexString(x);
                    if (sp.sharp) {
                        s = s.startsWith("-") ? "-0x" + s.substring(1) : "0x" + s;
                    }
                    break;
                case 'X':
                    s = (x < 0 ? "-" + Long.toHexString(-x) : Long.toHexString(x)).toUpperCase();
                    if (sp.sharp) {
                        s = s.startsWith("-") ? "-0X" + s.substring(1) : "0X" + s;
                    }
                    break;
                case 'o':
                    s = x < 0 ? "-" + Long.toOctalString(-x) : Long.toOctalString(x);
                    if (sp.sharp) {
                        s = "0" + s;
                    }
                    break;
                case 'b':
                    s = x < 0 ? "-" + Long.toBinaryString(-x) : Long.toBinaryString(x);
                    break;
                case 'c':
                    pad(b, new String(Character.toChars((int) x)), sp, false);
                    return;
                case 'q':
                    StringBuilder q = new StringBuilder("'");
                    boolean valid = x >= 0 && x <= 0x10FFFF && !(x >= 0xD800 && x < 0xE000);
                    quoteRune(q, valid ? (int) x : 0xFFFD, '\'');
                    pad(b, q.append('\'').toString(), sp, false);
                    return;
                case 'U':
                    s = String.format("U+%04X", x);
                    break;
                case 'e':
                case 'E':
                case 'f':
                case 'F':
                case 'g':
                case 'G':
                    bad(b, verb, arg, sp);
                    return;
                default:
                    bad(b, verb, arg, sp);
                    return;
            }
            if (sp.prec >= 0) {
                boolean neg = s.startsWith("-");
                String d = neg ? s.substring(1) : s;
                if (d.length() < sp.prec) {
                    d = "0".repeat(sp.prec - d.length()) + d;
                }
                s = (neg ? "-" : "") + d;
            }
            if (sp.plus && x >= 0) {
                s = "+" + s;
            } else if (sp.space && x >= 0) {
                s = " " + s;
            }
            pad(b, s, sp.prec >= 0 ? new Spec(sp.minus, sp.plus, sp.sharp, false, sp.space, sp.width, sp.prec) : sp, true);
            return;
        }
        if (Values.isFloat(arg)) {
            double d = ((Number) arg).doubleValue();
            String s;
            switch (verb) {
                case 'v':
                case 'g':
                case 'G':
                    s = arg instanceof Float f && sp.prec < 0 ? formatFloat32(f) : formatFloat(d, 'g', sp.prec, sp.sharp);
                    break;
                case 'f':
                case 'F':
                    s = formatFloat(d, 'f', sp.prec < 0 ? 6 : sp.prec, false);
                    break;
                case 'e':
                case 'E':
                    s = formatFloat(d, (char) verb, sp.prec < 0 ? 6 : sp.prec, false);
                    break;
                case 'x':
                case 'X':
                    s = hexFloat(d);
                    if (verb == 'X') {
                        s = s.toUpperCase();
                    }
                    break;
                default:
                    bad(b, verb, arg, sp);
                    return;
            }
            if (sp.plus && !s.startsWith("-") && !s.startsWith("+")) {
                s = "+" + s;
            } else if (sp.space && !s.startsWith("-")) {
                s = " " + s;
            }
            pad(b, s, sp, !Double.isInfinite(d) && !Double.isNaN(d));
            return;
        }
        if (verb == 'v' || verb == 's') {
            pad(b, v(arg), sp, false);
            return;
        }
        bad(b, verb, arg, sp);
    }

    /** strconv's %x for floats: 0x1.8p+00. */
    static String hexFloat(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return formatFloat(d, 'g', -1, false);
        }
        boolean neg = d < 0 || (d == 0 && 1 / d < 0);
        double a = Math.abs(d);
        if (a == 0) {
            return (neg ? "-" : "") + "0x0p+00";
        }
        long bits = Double.doubleToRawLongBits(a);
        int exp = (int) ((bits >>> 52) & 0x7ff);
        long mant = bits & ((1L << 52) - 1);
        if (exp == 0) {
            // subnormal: normalise
            int shift = Long.numberOfLeadingZeros(mant) - 11;
            mant = (mant << shift) & ((1L << 52) - 1);
            exp = 1 - shift;
        }
        int e = exp - 1023;
        String digits = String.format("%013x", mant).replaceAll("0+$", "");
        int ae = Math.abs(e);
        return (neg ? "-" : "") + "0x1" + (digits.isEmpty() ? "" : "." + digits) + "p" + (e < 0 ? "-" : "+")
                + (ae < 10 ? "0" : "") + ae;
    }

    private static String truncRunes(String s, int n) {
        int cps = s.codePointCount(0, s.length());
        if (cps <= n) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, n));
    }
}
