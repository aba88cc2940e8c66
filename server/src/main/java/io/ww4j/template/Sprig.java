package io.ww4j.template;

import static io.ww4j.template.GoType.ANY;
import static io.ww4j.template.GoType.BOOL;
import static io.ww4j.template.GoType.INT;
import static io.ww4j.template.GoType.MAP;
import static io.ww4j.template.GoType.STRING;

import io.ww4j.template.GoCollections.StrList;
import io.ww4j.template.GoCollections.StrMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Adler32;

/**
 * The sprig v3 functions (Masterminds/sprig TxtFuncMap) that templates use, with sprig's quirks:
 * {@code split} returns a map keyed {@code _0, _1, ...}, {@code regexMatch} searches,
 * {@code regexSplit} keeps trailing empty strings, {@code set} changes the dict in place, and
 * sprig's list-only {@code slice} replaces Go's builtin.
 */
public final class Sprig {
    private Sprig() {}

    private static final Map<String, Func> DEFAULT = Collections.unmodifiableMap(build(Clock.systemDefaultZone()));

    /** The sprig functions with the system clock. */
    public static Map<String, Func> functions() {
        return DEFAULT;
    }

    /** The sprig functions with {@code clock} for {@code now}, {@code date} and friends. */
    public static Map<String, Func> functions(Clock clock) {
        return Collections.unmodifiableMap(build(clock));
    }

    private static Func f(String n, Func.Body b, GoType... p) {
        return Func.of(n, b, p);
    }

    private static Func va(String n, Func.Body b, GoType... p) {
        return Func.variadic(n, b, p);
    }

    private static void put(Map<String, Func> m, Func fn) {
        m.put(fn.name, fn);
    }

    private static void alias(Map<String, Func> m, String alias, String name) {
        Func o = m.get(name);
        m.put(alias, o.variadic ? Func.variadic(alias, o.body, o.params) : Func.of(alias, o.body, o.params));
    }

    private static String s(Object o) {
        return (String) o;
    }

    private static long i(Object o) {
        return ((Number) o).longValue();
    }

    private static Map<String, Func> build(Clock clock) {
        Map<String, Func> m = new HashMap<>();
        // ---- strings ----
        put(m, f("hello", (c, a) -> "Hello!"));
        put(m, f("trim", (c, a) -> trimSpace(s(a[0])), STRING));
        put(m, f("upper", (c, a) -> upper(s(a[0])), STRING));
        put(m, f("lower", (c, a) -> lower(s(a[0])), STRING));
        put(m, f("title", (c, a) -> title(s(a[0])), STRING));
        put(m, f("untitle", (c, a) -> untitle(s(a[0])), STRING));
        put(m, f("substr", (c, a) -> substr(i(a[0]), i(a[1]), s(a[2])), INT, INT, STRING));
        put(m, f("repeat", (c, a) -> {
            if (i(a[0]) < 0) {
                throw new IllegalArgumentException("strings: negative Repeat count");
            }
            return s(a[1]).repeat((int) i(a[0]));
        }, INT, STRING));
        put(m, f("trimAll", (c, a) -> trimCutset(s(a[1]), s(a[0])), STRING, STRING));
        alias(m, "trimall", "trimAll");
        put(m, f("trimSuffix", (c, a) -> s(a[1]).endsWith(s(a[0])) ? s(a[1]).substring(0, s(a[1]).length() - s(a[0]).length()) : s(a[1]), STRING, STRING));
        put(m, f("trimPrefix", (c, a) -> s(a[1]).startsWith(s(a[0])) ? s(a[1]).substring(s(a[0]).length()) : s(a[1]), STRING, STRING));
        put(m, f("nospace", (c, a) -> s(a[0]).codePoints().filter(cp -> !isGoSpace(cp))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString(), STRING));
        put(m, f("trunc", (c, a) -> trunc(i(a[0]), s(a[1])), INT, STRING));
        put(m, f("abbrev", (c, a) -> abbrev(i(a[0]), s(a[1])), INT, STRING));
        put(m, f("initials", (c, a) -> initials(s(a[0])), STRING));
        put(m, f("swapcase", (c, a) -> swapcase(s(a[0])), STRING));
        put(m, f("contains", (c, a) -> s(a[1]).contains(s(a[0])), STRING, STRING));
        put(m, f("hasPrefix", (c, a) -> s(a[1]).startsWith(s(a[0])), STRING, STRING));
        put(m, f("hasSuffix", (c, a) -> s(a[1]).endsWith(s(a[0])), STRING, STRING));
        put(m, va("quote", (c, a) -> quoteAll(a, true), ANY));
        put(m, va("squote", (c, a) -> quoteAll(a, false), ANY));
        put(m, va("cat", (c, a) -> cat(a), ANY));
        put(m, f("indent", (c, a) -> indent(i(a[0]), s(a[1])), INT, STRING));
        put(m, f("nindent", (c, a) -> "\n" + indent(i(a[0]), s(a[1])), INT, STRING));
        put(m, f("replace", (c, a) -> s(a[2]).replace(s(a[0]), s(a[1])), STRING, STRING, STRING));
        put(m, f("plural", (c, a) -> i(a[2]) == 1 ? a[0] : a[1], STRING, STRING, INT));
        put(m, f("sha1sum", (c, a) -> digest("SHA-1", s(a[0])), STRING));
        put(m, f("sha256sum", (c, a) -> digest("SHA-256", s(a[0])), STRING));
        put(m, f("adler32sum", (c, a) -> {
            Adler32 ad = new Adler32();
            ad.update(s(a[0]).getBytes(StandardCharsets.UTF_8));
            return Long.toString(ad.getValue());
        }, STRING));
        put(m, f("toString", (c, a) -> strval(a[0]), ANY));
        put(m, f("atoi", (c, a) -> atoi(s(a[0])), STRING));
        put(m, f("int64", (c, a) -> toInt64(a[0]), ANY));
        put(m, f("int", (c, a) -> toInt64(a[0]), ANY));
        put(m, f("float64", (c, a) -> toFloat64(a[0]), ANY));
        put(m, va("seq", (c, a) -> seq(a), INT));
        put(m, f("split", (c, a) -> split(s(a[0]), s(a[1])), STRING, STRING));
        put(m, f("splitList", (c, a) -> new StrList(goSplit(s(a[1]), s(a[0]), -1)), STRING, STRING));
        put(m, f("splitn", (c, a) -> splitn(s(a[0]), i(a[1]), s(a[2])), STRING, INT, STRING));
        put(m, f("toStrings", (c, a) -> strslice(a[0]), ANY));
        put(m, f("until", (c, a) -> until(0, i(a[0]), i(a[0]) < 0 ? -1 : 1), INT));
        put(m, f("untilStep", (c, a) -> until(i(a[0]), i(a[1]), i(a[2])), INT, INT, INT));
        put(m, f("join", (c, a) -> String.join(s(a[0]), strslice(a[1])), STRING, ANY));
        put(m, f("sortAlpha", (c, a) -> sortAlpha(a[0]), ANY));
        // ---- encoding, paths, env ----
        put(m, f("b64enc", (c, a) -> Base64.getEncoder().encodeToString(s(a[0]).getBytes(StandardCharsets.UTF_8)), STRING));
        put(m, f("b64dec", (c, a) -> b64dec(s(a[0])), STRING));
        put(m, f("base", (c, a) -> pathBase(s(a[0])), STRING));
        put(m, f("dir", (c, a) -> pathDir(s(a[0])), STRING));
        put(m, f("clean", (c, a) -> pathClean(s(a[0])), STRING));
        put(m, f("ext", (c, a) -> pathExt(s(a[0])), STRING));
        put(m, f("isAbs", (c, a) -> s(a[0]).startsWith("/"), STRING));
        alias(m, "osBase", "base");
        alias(m, "osDir", "dir");
        alias(m, "osClean", "clean");
        alias(m, "osExt", "ext");
        alias(m, "osIsAbs", "isAbs");
        put(m, f("env", (c, a) -> {
            String v = System.getenv(s(a[0]));
            return v == null ? "" : v;
        }, STRING));
        put(m, f("expandenv", (c, a) -> expandEnv(s(a[0])), STRING));
        // ---- math ----
        put(m, va("add", (c, a) -> {
            long r = 0;
            for (Object o : a) {
                r += toInt64(o);
            }
            return r;
        }, ANY));
        put(m, f("add1", (c, a) -> toInt64(a[0]) + 1, ANY));
        put(m, f("sub", (c, a) -> toInt64(a[0]) - toInt64(a[1]), ANY, ANY));
        put(m, f("div", (c, a) -> {
            long d = toInt64(a[1]);
            if (d == 0) {
                throw new ArithmeticException("runtime error: integer divide by zero");
            }
            return toInt64(a[0]) / d;
        }, ANY, ANY));
        put(m, f("mod", (c, a) -> {
            long d = toInt64(a[1]);
            if (d == 0) {
                throw new ArithmeticException("runtime error: integer divide by zero");
            }
            return toInt64(a[0]) % d;
        }, ANY, ANY));
        put(m, va("mul", (c, a) -> {
            long r = toInt64(a[0]);
            for (int k = 1; k < a.length; k++) {
                r *= toInt64(a[k]);
            }
            return r;
        }, ANY, ANY));
        put(m, va("max", (c, a) -> {
            long r = toInt64(a[0]);
            for (int k = 1; k < a.length; k++) {
                r = Math.max(r, toInt64(a[k]));
            }
            return r;
        }, ANY, ANY));
        alias(m, "biggest", "max");
        put(m, va("min", (c, a) -> {
            long r = toInt64(a[0]);
            for (int k = 1; k < a.length; k++) {
                r = Math.min(r, toInt64(a[k]));
            }
            return r;
        }, ANY, ANY));
        put(m, va("maxf", (c, a) -> {
            double r = toFloat64(a[0]);
            for (int k = 1; k < a.length; k++) {
                r = Math.max(r, toFloat64(a[k]));
            }
            return r;
        }, ANY, ANY));
        put(m, va("minf", (c, a) -> {
            double r = toFloat64(a[0]);
            for (int k = 1; k < a.length; k++) {
                r = Math.min(r, toFloat64(a[k]));
            }
            return r;
        }, ANY, ANY));
        put(m, f("floor", (c, a) -> Math.floor(toFloat64(a[0])), ANY));
        put(m, f("ceil", (c, a) -> Math.ceil(toFloat64(a[0])), ANY));
        put(m, f("randInt", (c, a) -> {
            long lo = i(a[0]);
            long hi = i(a[1]);
            if (hi - lo <= 0) {
                throw new IllegalArgumentException("invalid argument to Intn");
            }
            return lo + RANDOM.nextLong(hi - lo);
        }, INT, INT));
        // ---- defaults, flow, json, reflection ----
        put(m, va("default", (c, a) -> a.length < 2 || empty(a[1]) ? a[0] : a[1], ANY, ANY));
        put(m, f("empty", (c, a) -> empty(a[0]), ANY));
        put(m, va("coalesce", (c, a) -> {
            for (Object o : a) {
                if (!empty(o)) {
                    return o;
                }
            }
            return null;
        }, ANY));
        put(m, va("all", (c, a) -> {
            for (Object o : a) {
                if (empty(o)) {
                    return false;
                }
            }
            return true;
        }, ANY));
        put(m, va("any", (c, a) -> {
            for (Object o : a) {
                if (!empty(o)) {
                    return true;
                }
            }
            return a.length == 0 ? false : false;
        }, ANY));
        put(m, f("ternary", (c, a) -> (Boolean) a[2] ? a[0] : a[1], ANY, ANY, BOOL));
        put(m, f("fromJson", (c, a) -> {
            try {
                return Json.parse(s(a[0]));
            } catch (RuntimeException e) {
                return null;
            }
        }, STRING));
        put(m, f("mustFromJson", (c, a) -> Json.parse(s(a[0])), STRING));
        put(m, f("toJson", (c, a) -> jsonOrEmpty(a[0], "", true), ANY));
        put(m, f("toPrettyJson", (c, a) -> jsonOrEmpty(a[0], "  ", true), ANY));
        put(m, f("toRawJson", (c, a) -> jsonOrEmpty(a[0], "", false), ANY));
        put(m, f("mustToJson", (c, a) -> Json.marshal(a[0], "", true), ANY));
        put(m, f("mustToPrettyJson", (c, a) -> Json.marshal(a[0], "  ", true), ANY));
        put(m, f("mustToRawJson", (c, a) -> Json.marshal(a[0], "", false), ANY));
        put(m, f("typeOf", (c, a) -> Values.typeName(a[0]), ANY));
        put(m, f("typeIs", (c, a) -> s(a[0]).equals(Values.typeName(a[1])), STRING, ANY));
        put(m, f("kindOf", (c, a) -> kindOf(a[0]), ANY));
        put(m, f("kindIs", (c, a) -> s(a[0]).equals(kindOf(a[1])), STRING, ANY));
        put(m, f("deepEqual", (c, a) -> deepEqual(a[0], a[1]), ANY, ANY));
        put(m, f("fail", (c, a) -> {
            throw new IllegalArgumentException(s(a[0]));
        }, STRING));
        put(m, f("uuidv4", (c, a) -> java.util.UUID.randomUUID().toString()));
        put(m, f("randAlphaNum", (c, a) -> rand(i(a[0]), ALNUM), INT));
        put(m, f("randAlpha", (c, a) -> rand(i(a[0]), ALPHA), INT));
        put(m, f("randNumeric", (c, a) -> rand(i(a[0]), "0123456789"), INT));
        put(m, f("randAscii", (c, a) -> rand(i(a[0]), ASCII), INT));
        // ---- lists ----
        put(m, va("list", (c, a) -> new ArrayList<>(java.util.Arrays.asList(a)), ANY));
        alias(m, "tuple", "list");
        put(m, f("append", (c, a) -> {
            List<Object> l = new ArrayList<>(list(a[0], "push"));
            l.add(a[1]);
            return l;
        }, ANY, ANY));
        alias(m, "push", "append");
        alias(m, "mustAppend", "append");
        alias(m, "mustPush", "append");
        put(m, f("prepend", (c, a) -> {
            List<Object> l = new ArrayList<>();
            l.add(a[1]);
            l.addAll(list(a[0], "prepend"));
            return l;
        }, ANY, ANY));
        alias(m, "mustPrepend", "prepend");
        put(m, f("first", (c, a) -> {
            List<?> l = list(a[0], "find first");
            return l.isEmpty() ? null : l.get(0);
        }, ANY));
        alias(m, "mustFirst", "first");
        put(m, f("last", (c, a) -> {
            List<?> l = list(a[0], "find last");
            return l.isEmpty() ? null : l.get(l.size() - 1);
        }, ANY));
        alias(m, "mustLast", "last");
        put(m, f("rest", (c, a) -> {
            List<?> l = list(a[0], "find rest");
            return l.isEmpty() ? new ArrayList<>() : new ArrayList<>(l.subList(1, l.size()));
        }, ANY));
        alias(m, "mustRest", "rest");
        put(m, f("initial", (c, a) -> {
            List<?> l = list(a[0], "find initial");
            return l.isEmpty() ? new ArrayList<>() : new ArrayList<>(l.subList(0, l.size() - 1));
        }, ANY));
        alias(m, "mustInitial", "initial");
        put(m, f("reverse", (c, a) -> {
            List<Object> l = new ArrayList<>(list(a[0], "find reverse"));
            Collections.reverse(l);
            return l;
        }, ANY));
        alias(m, "mustReverse", "reverse");
        put(m, f("compact", (c, a) -> {
            List<Object> r = new ArrayList<>();
            for (Object o : list(a[0], "compact")) {
                if (!empty(o)) {
                    r.add(o);
                }
            }
            return r;
        }, ANY));
        alias(m, "mustCompact", "compact");
        put(m, f("uniq", (c, a) -> {
            List<Object> r = new ArrayList<>();
            for (Object o : list(a[0], "find uniq")) {
                if (!inList(r, o)) {
                    r.add(o);
                }
            }
            return r;
        }, ANY));
        alias(m, "mustUniq", "uniq");
        put(m, va("without", (c, a) -> {
            List<Object> omit = java.util.Arrays.asList(Builtins.rest(a));
            List<Object> r = new ArrayList<>();
            for (Object o : list(a[0], "find without")) {
                if (!inList(omit, o)) {
                    r.add(o);
                }
            }
            return r;
        }, ANY, ANY));
        alias(m, "mustWithout", "without");
        put(m, f("has", (c, a) -> {
            if (a[1] == null) {
                return false;
            }
            for (Object o : list(a[1], "find has")) {
                if (deepEqual(a[0], o)) {
                    return true;
                }
            }
            return false;
        }, ANY, ANY));
        alias(m, "mustHas", "has");
        put(m, va("slice", (c, a) -> {
            if (a[0] != null && Values.asList(a[0]) == null) {
                throw new IllegalArgumentException("list should be type of slice or array but " + kindOf(a[0]));
            }
            List<?> l = list(a[0], "slice");
            if (l.isEmpty()) {
                return null;
            }
            int start = a.length > 1 ? (int) toInt64(a[1]) : 0;
            int end = a.length > 2 ? (int) toInt64(a[2]) : l.size();
            if (start < 0 || end < start || end > l.size()) {
                throw new IndexOutOfBoundsException("reflect: slice index out of range");
            }
            return new ArrayList<>(l.subList(start, end));
        }, ANY, ANY));
        alias(m, "mustSlice", "slice");
        put(m, va("concat", (c, a) -> {
            List<Object> r = new ArrayList<>();
            for (Object o : a) {
                r.addAll(list(o, "concat"));
            }
            return r.isEmpty() ? null : r;
        }, ANY));
        put(m, f("chunk", (c, a) -> {
            long size = i(a[0]);
            List<?> l = list(a[1], "chunk");
            List<Object> r = new ArrayList<>();
            for (int k = 0; k < l.size(); k += (int) size) {
                r.add(new ArrayList<>(l.subList(k, (int) Math.min(l.size(), k + size))));
            }
            return r;
        }, INT, ANY));
        // ---- dicts ----
        put(m, va("dict", (c, a) -> {
            AnyMap d = new AnyMap();
            for (int k = 0; k < a.length; k += 2) {
                d.put(strval(a[k]), k + 1 < a.length ? a[k + 1] : "");
            }
            return d;
        }, ANY));
        put(m, f("get", (c, a) -> {
            Map<?, ?> d = (Map<?, ?>) a[0];
            return d != null && d.containsKey(a[1]) ? d.get(a[1]) : "";
        }, MAP, STRING));
        put(m, f("set", (c, a) -> {
            Map<String, Object> d = dictOf(a[0]);
            d.put(s(a[1]), a[2]);
            return d;
        }, MAP, STRING, ANY));
        put(m, f("unset", (c, a) -> {
            Map<String, Object> d = dictOf(a[0]);
            d.remove(s(a[1]));
            return d;
        }, MAP, STRING));
        put(m, f("hasKey", (c, a) -> a[0] != null && ((Map<?, ?>) a[0]).containsKey(a[1]), MAP, STRING));
        put(m, va("pluck", (c, a) -> {
            List<Object> r = new ArrayList<>();
            for (int k = 1; k < a.length; k++) {
                Map<?, ?> d = (Map<?, ?>) a[k];
                if (d != null && d.containsKey(a[0])) {
                    r.add(d.get(a[0]));
                }
            }
            return r;
        }, STRING, MAP));
        put(m, va("keys", (c, a) -> {
            StrList r = new StrList();
            for (Object o : a) {
                if (o != null) {
                    for (Object k : GoFmt.sortedKeys((Map<?, ?>) o)) {
                        r.add((String) k);
                    }
                }
            }
            return r;
        }, MAP));
        put(m, f("values", (c, a) -> {
            List<Object> r = new ArrayList<>();
            if (a[0] != null) {
                Map<?, ?> d = (Map<?, ?>) a[0];
                for (Object k : GoFmt.sortedKeys(d)) {
                    r.add(d.get(k));
                }
            }
            return r;
        }, MAP));
        put(m, va("pick", (c, a) -> {
            AnyMap r = new AnyMap();
            Map<?, ?> d = a[0] == null ? Map.of() : (Map<?, ?>) a[0];
            for (int k = 1; k < a.length; k++) {
                if (d.containsKey(a[k])) {
                    r.put(s(a[k]), d.get(a[k]));
                }
            }
            return r;
        }, MAP, STRING));
        put(m, va("omit", (c, a) -> {
            AnyMap r = new AnyMap();
            Map<?, ?> d = a[0] == null ? Map.of() : (Map<?, ?>) a[0];
            List<Object> drop = java.util.Arrays.asList(Builtins.rest(a));
            for (Map.Entry<?, ?> e : d.entrySet()) {
                if (!drop.contains(e.getKey())) {
                    r.put((String) e.getKey(), e.getValue());
                }
            }
            return r;
        }, MAP, STRING));
        put(m, va("merge", (c, a) -> merge(a, false), MAP, MAP));
        put(m, va("mergeOverwrite", (c, a) -> merge(a, true), MAP, MAP));
        alias(m, "mustMerge", "merge");
        alias(m, "mustMergeOverwrite", "mergeOverwrite");
        put(m, f("deepCopy", (c, a) -> deepCopy(a[0]), ANY));
        alias(m, "mustDeepCopy", "deepCopy");
        // ---- regex ----
        put(m, f("regexMatch", (c, a) -> {
            try {
                return re(s(a[0])).matcher(s(a[1])).find();
            } catch (IllegalArgumentException e) {
                return false;
            }
        }, STRING, STRING));
        put(m, f("mustRegexMatch", (c, a) -> re(s(a[0])).matcher(s(a[1])).find(), STRING, STRING));
        put(m, f("regexFindAll", (c, a) -> findAll(re(s(a[0])), s(a[1]), (int) i(a[2])), STRING, STRING, INT));
        alias(m, "mustRegexFindAll", "regexFindAll");
        put(m, f("regexFind", (c, a) -> {
            Matcher mt = re(s(a[0])).matcher(s(a[1]));
            return mt.find() ? mt.group() : "";
        }, STRING, STRING));
        alias(m, "mustRegexFind", "regexFind");
        put(m, f("regexReplaceAll", (c, a) -> replaceAll(re(s(a[0])), s(a[1]), s(a[2]), false), STRING, STRING, STRING));
        alias(m, "mustRegexReplaceAll", "regexReplaceAll");
        put(m, f("regexReplaceAllLiteral", (c, a) -> replaceAll(re(s(a[0])), s(a[1]), s(a[2]), true), STRING, STRING, STRING));
        alias(m, "mustRegexReplaceAllLiteral", "regexReplaceAllLiteral");
        put(m, f("regexSplit", (c, a) -> regexSplit(re(s(a[0])), s(a[1]), (int) i(a[2])), STRING, STRING, INT));
        alias(m, "mustRegexSplit", "regexSplit");
        put(m, f("regexQuoteMeta", (c, a) -> quoteMeta(s(a[0])), STRING));
        // ---- dates (clock injectable) ----
        put(m, f("now", (c, a) -> ZonedDateTime.now(clock)));
        put(m, f("date", (c, a) -> GoTime.format(toTime(a[1], clock.getZone()), s(a[0])), STRING, ANY));
        put(m, f("dateInZone", (c, a) -> GoTime.format(toTime(a[1], zone(s(a[2]))), s(a[0])), STRING, ANY, STRING));
        alias(m, "date_in_zone", "dateInZone");
        put(m, f("htmlDate", (c, a) -> GoTime.format(toTime(a[0], clock.getZone()), "2006-01-02"), ANY));
        put(m, f("htmlDateInZone", (c, a) -> GoTime.format(toTime(a[0], zone(s(a[1]))), "2006-01-02"), ANY, STRING));
        put(m, f("unixEpoch", (c, a) -> Long.toString(((ZonedDateTime) a[0]).toEpochSecond()), ANY));
        return m;
    }

    // ---- helpers ----

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String ALNUM = ALPHA + "0123456789";
    private static final String ASCII;

    static {
        StringBuilder b = new StringBuilder();
        for (char ch = 32; ch < 127; ch++) {
            b.append(ch);
        }
        ASCII = b.toString();
    }

    private static String rand(long n, String set) {
        StringBuilder b = new StringBuilder();
        for (long k = 0; k < n; k++) {
            b.append(set.charAt(RANDOM.nextInt(set.length())));
        }
        return b.toString();
    }

    private static ZoneId zone(String name) {
        if (name.equals("Local")) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(name);
        } catch (RuntimeException e) {
            return ZoneId.of("UTC");
        }
    }

    private static ZonedDateTime toTime(Object v, ZoneId zone) {
        if (v instanceof ZonedDateTime z) {
            return z.withZoneSameInstant(zone);
        }
        if (v instanceof Instant in) {
            return in.atZone(zone);
        }
        if (Values.isInt(v)) {
            return Instant.ofEpochSecond(Values.toLong(v)).atZone(zone);
        }
        return ZonedDateTime.now(zone);
    }

    static boolean isGoSpace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == 0x0b || cp == '\f' || cp == '\r' || cp == 0x85 || cp == 0xA0
                || (cp > 0xff && Character.isWhitespace(cp)) || cp == 0x2007 || cp == 0x202F || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x205f || cp == 0x3000;
    }

    static String trimSpace(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && isGoSpace(s.codePointAt(b))) {
            b += Character.charCount(s.codePointAt(b));
        }
        while (e > b && isGoSpace(s.codePointBefore(e))) {
            e -= Character.charCount(s.codePointBefore(e));
        }
        return s.substring(b, e);
    }

    private static String trimCutset(String s, String cut) {
        int b = 0;
        int e = s.length();
        while (b < e && cut.indexOf(s.codePointAt(b)) >= 0) {
            b += Character.charCount(s.codePointAt(b));
        }
        while (e > b && cut.indexOf(s.codePointBefore(e)) >= 0) {
            e -= Character.charCount(s.codePointBefore(e));
        }
        return s.substring(b, e);
    }

    private static String upper(String s) {
        if (ascii(s)) {
            return s.toUpperCase(java.util.Locale.ROOT); // same as Go's for ASCII; no copy when unchanged
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> b.appendCodePoint(Character.toUpperCase(cp)));
        return b.toString();
    }

    private static String lower(String s) {
        if (ascii(s)) {
            return s.toLowerCase(java.util.Locale.ROOT);
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> b.appendCodePoint(Character.toLowerCase(cp)));
        return b.toString();
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** strings.Title: upper-cases the first letter of each word; words end at separators. */
    private static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int prev = ' ';
        for (int k = 0; k < s.length();) {
            int cp = s.codePointAt(k);
            k += Character.charCount(cp);
            b.appendCodePoint(isSeparator(prev) ? Character.toTitleCase(cp) : cp);
            prev = cp;
        }
        return b.toString();
    }

    private static boolean isSeparator(int r) {
        if (r <= 0x7F) {
            if ((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_') {
                return false;
            }
            return true;
        }
        if (Character.isLetterOrDigit(r)) {
            return false;
        }
        return Character.isWhitespace(r) || Character.isSpaceChar(r);
    }

    private static String untitle(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean start = true;
        for (int k = 0; k < s.length();) {
            int cp = s.codePointAt(k);
            k += Character.charCount(cp);
            if (isGoSpace(cp)) {
                start = true;
                b.appendCodePoint(cp);
            } else {
                b.appendCodePoint(start ? Character.toLowerCase(cp) : cp);
                start = false;
            }
        }
        return b.toString();
    }

    private static String swapcase(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> b.appendCodePoint(Character.isUpperCase(cp) ? Character.toLowerCase(cp)
                : Character.isLowerCase(cp) ? Character.toUpperCase(cp) : cp));
        return b.toString();
    }

    private static String initials(String s) {
        StringBuilder b = new StringBuilder();
        boolean start = true;
        for (int k = 0; k < s.length();) {
            int cp = s.codePointAt(k);
            k += Character.charCount(cp);
            if (isGoSpace(cp)) {
                start = true;
            } else if (start) {
                b.appendCodePoint(cp);
                start = false;
            }
        }
        return b.toString();
    }

    /** Works on bytes, as Go's string slicing does; a split rune becomes U+FFFD. */
    private static String substr(long start, long end, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (start < 0) {
            if (end < 0 || end > b.length) {
                throw new IndexOutOfBoundsException("runtime error: slice bounds out of range [:" + end + "] with length " + b.length);
            }
            return new String(b, 0, (int) end, StandardCharsets.UTF_8);
        }
        if (end < 0 || end > b.length) {
            if (start > b.length) {
                throw new IndexOutOfBoundsException("runtime error: slice bounds out of range [" + start + ":" + b.length + "]");
            }
            return new String(b, (int) start, b.length - (int) start, StandardCharsets.UTF_8);
        }
        if (start > end) {
            throw new IndexOutOfBoundsException("runtime error: slice bounds out of range [" + start + ":" + end + "]");
        }
        return new String(b, (int) start, (int) (end - start), StandardCharsets.UTF_8);
    }

    private static String trunc(long c, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (c < 0 && b.length + c > 0) {
            return new String(b, (int) (b.length + c), (int) -c, StandardCharsets.UTF_8);
        }
        if (c >= 0 && b.length > c) {
            return new String(b, 0, (int) c, StandardCharsets.UTF_8);
        }
        return s;
    }

    private static String abbrev(long width, String s) {
        if (width < 4) {
            return s;
        }
        if (s.length() <= width) {
            return s;
        }
        return s.substring(0, (int) width - 3) + "...";
    }

    private static String quoteAll(Object[] a, boolean dbl) {
        if (a.length == 1 && a[0] != null) {
            return dbl ? GoFmt.quote(strval(a[0])) : "'" + strval(a[0]) + "'";
        }
        List<String> out = new ArrayList<>();
        for (Object o : a) {
            if (o != null) {
                out.add(dbl ? GoFmt.quote(strval(o)) : "'" + strval(o) + "'");
            }
        }
        return String.join(" ", out);
    }

    /** Sprintf of "%v %v ..." over the non-nil arguments (the format is trimmed, not the result). */
    private static String cat(Object[] a) {
        StringBuilder b = new StringBuilder();
        boolean first = true;
        for (Object o : a) {
            if (o == null) {
                continue;
            }
            if (!first) {
                b.append(' ');
            }
            first = false;
            GoFmt.value(b, o, 0);
        }
        return b.toString();
    }

    private static String indent(long n, String v) {
        String pad = " ".repeat((int) Math.max(0, n));
        return pad + v.replace("\n", "\n" + pad);
    }

    private static String digest(String alg, String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** sprig's strval: strings as is, else %v. */
    static String strval(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return GoFmt.v(v);
    }

    private static long atoi(String s) {
        try {
            String t = s.startsWith("+") ? s.substring(1) : s;
            if (t.startsWith("+") || t.startsWith("-") && t.length() > 1 && t.charAt(1) == '+') {
                return 0;
            }
            return Long.parseLong(t.replace("_", "x").equals(t) ? t : "x");
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** cast.ToInt64: strings parse with base prefixes (".0" trimmed), floats truncate, bools are 0/1. */
    static long toInt64(Object v) {
        if (v == null) {
            return 0;
        }
        if (Values.isInt(v)) {
            return Values.toLong(v);
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return (long) d;
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof String s) {
            String t = trimZeroDecimal(s);
            Long l = Parser.parseGoInt(t);
            return l == null ? 0 : l;
        }
        return 0;
    }

    private static String trimZeroDecimal(String s) {
        boolean foundZero = false;
        for (int k = s.length(); k > 0; k--) {
            char c = s.charAt(k - 1);
            if (c == '.') {
                if (foundZero) {
                    return s.substring(0, k - 1);
                }
                return s;
            } else if (c == '0') {
                foundZero = true;
            } else {
                return s;
            }
        }
        return s;
    }

    static double toFloat64(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof Character ch) {
            return ch;
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof String s) {
            try {
                String t = s.trim().equals(s) ? s : "x";
                if (t.endsWith("d") || t.endsWith("f") || t.endsWith("D") || t.endsWith("F")) {
                    return 0;
                }
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static List<Long> untilList(long start, long stop, long step) {
        List<Long> v = new ArrayList<>();
        if (stop < start) {
            if (step >= 0) {
                return v;
            }
            for (long k = start; k > stop; k += step) {
                v.add(k);
            }
            return v;
        }
        if (step <= 0) {
            return v;
        }
        for (long k = start; k < stop; k += step) {
            v.add(k);
        }
        return v;
    }

    private static Object until(long start, long stop, long step) {
        return new ArrayList<Object>(untilList(start, stop, step));
    }

    private static String seq(Object[] a) {
        long inc = 1;
        List<Long> r;
        switch (a.length) {
            case 1: {
                long start = 1;
                long end = i(a[0]);
                if (end < start) {
                    inc = -1;
                }
                r = untilList(start, end + inc, inc);
                break;
            }
            case 2: {
                long start = i(a[0]);
                long end = i(a[1]);
                long step = end < start ? -1 : 1;
                r = untilList(start, end + step, step);
                break;
            }
            case 3: {
                long start = i(a[0]);
                long end = i(a[2]);
                long step = i(a[1]);
                if (end < start) {
                    inc = -1;
                    if (step > 0) {
                        return "";
                    }
                }
                r = untilList(start, end + inc, step);
                break;
            }
            default:
                return "";
        }
        StringBuilder b = new StringBuilder();
        for (Long x : r) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(x);
        }
        return b.toString();
    }

    /** strings.Split / SplitN. */
    static List<String> goSplit(String s, String sep, int n) {
        List<String> out = new ArrayList<>();
        if (n == 0) {
            return out;
        }
        if (sep.isEmpty()) {
            int[] cps = s.codePoints().toArray();
            int lim = n < 0 || n > cps.length ? cps.length : n;
            for (int k = 0; k < lim; k++) {
                if (k == lim - 1 && lim < cps.length) {
                    out.add(new String(cps, k, cps.length - k));
                } else {
                    out.add(new String(cps, k, 1));
                }
            }
            return out;
        }
        int start = 0;
        while (n < 0 || out.size() < n - 1) {
            int x = s.indexOf(sep, start);
            if (x < 0) {
                break;
            }
            out.add(s.substring(start, x));
            start = x + sep.length();
        }
        out.add(s.substring(start));
        return out;
    }

    private static StrMap split(String sep, String orig) {
        StrMap m = new StrMap();
        List<String> parts = goSplit(orig, sep, -1);
        for (int k = 0; k < parts.size(); k++) {
            m.put("_" + k, parts.get(k));
        }
        return m;
    }

    private static StrMap splitn(String sep, long n, String orig) {
        StrMap m = new StrMap();
        List<String> parts = goSplit(orig, sep, (int) n);
        for (int k = 0; k < parts.size(); k++) {
            m.put("_" + k, parts.get(k));
        }
        return m;
    }

    /** sprig's strslice: nil elements are dropped, others converted with strval. */
    static StrList strslice(Object v) {
        StrList r = new StrList();
        if (v == null) {
            return r;
        }
        List<?> l = Values.asList(v);
        if (l == null) {
            r.add(strval(v));
            return r;
        }
        for (Object o : l) {
            if (o != null) {
                r.add(strval(o));
            }
        }
        return r;
    }

    private static StrList sortAlpha(Object v) {
        if (Values.asList(v) == null) {
            StrList r = new StrList();
            r.add(strval(v));
            return r;
        }
        StrList r = strslice(v);
        r.sort(GoFmt::compareBytes);
        return r;
    }

    private static String b64dec(String s) {
        try {
            return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            int bad = 0;
            for (int k = 0; k < s.length(); k++) {
                char ch = s.charAt(k);
                if (!(Character.isLetterOrDigit(ch) && ch < 128 || ch == '+' || ch == '/' || ch == '=')) {
                    bad = k;
                    break;
                }
                bad = k;
            }
            return "illegal base64 data at input byte " + bad;
        }
    }

    static String pathBase(String p) {
        if (p.isEmpty()) {
            return ".";
        }
        while (p.length() > 0 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        int x = p.lastIndexOf('/');
        if (x >= 0) {
            p = p.substring(x + 1);
        }
        return p.isEmpty() ? "/" : p;
    }

    static String pathClean(String p) {
        if (p.isEmpty()) {
            return ".";
        }
        boolean rooted = p.startsWith("/");
        List<String> out = new ArrayList<>();
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                    out.remove(out.size() - 1);
                } else if (!rooted) {
                    out.add("..");
                }
                continue;
            }
            out.add(part);
        }
        String r = (rooted ? "/" : "") + String.join("/", out);
        return r.isEmpty() ? "." : r;
    }

    private static String pathDir(String p) {
        int x = p.lastIndexOf('/');
        return pathClean(p.substring(0, x + 1));
    }

    private static String pathExt(String p) {
        for (int k = p.length() - 1; k >= 0 && p.charAt(k) != '/'; k--) {
            if (p.charAt(k) == '.') {
                return p.substring(k);
            }
        }
        return "";
    }

    private static String expandEnv(String s) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < s.length(); k++) {
            char ch = s.charAt(k);
            if (ch != '$' || k + 1 >= s.length()) {
                b.append(ch);
                continue;
            }
            String name;
            if (s.charAt(k + 1) == '{') {
                int e = s.indexOf('}', k + 2);
                if (e < 0) {
                    b.append(ch);
                    continue;
                }
                name = s.substring(k + 2, e);
                k = e;
            } else {
                int e = k + 1;
                while (e < s.length() && (Character.isLetterOrDigit(s.charAt(e)) || s.charAt(e) == '_')) {
                    e++;
                }
                name = s.substring(k + 1, e);
                k = e - 1;
            }
            String v = System.getenv(name);
            b.append(v == null ? "" : v);
        }
        return b.toString();
    }

    /** sprig's empty(): nil, false, zero, and empty strings/lists/maps are empty; structs never. */
    static boolean empty(Object v) {
        if (v == null || v == Values.MISSING || v == Values.NIL_IFACE) {
            return true;
        }
        if (v instanceof String || v instanceof Boolean || v instanceof Number || v instanceof Character
                || v instanceof java.util.Collection<?> || v instanceof Map<?, ?> || v.getClass().isArray()) {
            return !Values.truth(v);
        }
        return false;
    }

    private static String jsonOrEmpty(Object v, String indent, boolean html) {
        try {
            return Json.marshal(v, indent, html);
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String kindOf(Object v) {
        if (v == null) {
            return "invalid";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Long || v instanceof Integer) {
            return "int";
        }
        if (v instanceof Character) {
            return "int32";
        }
        if (v instanceof Double) {
            return "float64";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof List<?> || v.getClass().isArray()) {
            return "slice";
        }
        if (v instanceof Map<?, ?>) {
            return "map";
        }
        if (v instanceof Func) {
            return "func";
        }
        return "struct";
    }

    static boolean deepEqual(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (!Values.typeName(a).equals(Values.typeName(b))) {
            return false;
        }
        if (Values.isInt(a) && Values.isInt(b)) {
            return Values.toLong(a) == Values.toLong(b);
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return false;
            }
            for (int k = 0; k < la.size(); k++) {
                if (!deepEqual(la.get(k), lb.get(k))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                if (!mb.containsKey(e.getKey()) || !deepEqual(e.getValue(), mb.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static boolean inList(List<?> hay, Object needle) {
        for (Object h : hay) {
            if (deepEqual(needle, h)) {
                return true;
            }
        }
        return false;
    }

    private static List<?> list(Object v, String what) {
        List<?> l = Values.asList(v);
        if (l == null) {
            if (v == null) {
                throw new IllegalArgumentException("runtime error: invalid memory address or nil pointer dereference");
            }
            throw new IllegalArgumentException("Cannot " + what + " on type " + kindOf(v));
        }
        return l;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dictOf(Object v) {
        if (v == null) {
            throw new IllegalArgumentException("assignment to entry in nil map");
        }
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static Object merge(Object[] a, boolean overwrite) {
        Map<String, Object> dst = dictOf(a[0]);
        for (int k = 1; k < a.length; k++) {
            if (a[k] != null) {
                mergeInto(dst, (Map<String, Object>) a[k], overwrite);
            }
        }
        return dst;
    }

    @SuppressWarnings("unchecked")
    private static void mergeInto(Map<String, Object> dst, Map<String, Object> src, boolean overwrite) {
        for (Map.Entry<String, Object> e : src.entrySet()) {
            Object cur = dst.get(e.getKey());
            if (cur instanceof Map<?, ?> cm && e.getValue() instanceof Map<?, ?> sm) {
                mergeInto((Map<String, Object>) cm, (Map<String, Object>) sm, overwrite);
            } else if (!dst.containsKey(e.getKey()) || empty(cur) || (overwrite && !empty(e.getValue()))) {
                dst.put(e.getKey(), e.getValue());
            }
        }
    }

    private static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            AnyMap r = new AnyMap();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                r.put(String.valueOf(e.getKey()), deepCopy(e.getValue()));
            }
            return r;
        }
        if (v instanceof List<?> l) {
            List<Object> r = new ArrayList<>();
            for (Object o : l) {
                r.add(deepCopy(o));
            }
            return r;
        }
        return v;
    }

    // ---- RE2 on java.util.regex ----

    private static final Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Compiles an RE2 expression; rewrites the RE2-only syntax Java spells differently. */
    static Pattern re(String expr) {
        Pattern p = PATTERNS.get(expr);
        if (p == null) {
            String j = expr.replace("(?P<", "(?<");
            j = j.replace("[:alpha:]", "\\p{Alpha}").replace("[:digit:]", "\\p{Digit}").replace("[:alnum:]", "\\p{Alnum}")
                    .replace("[:space:]", "\\s").replace("[:upper:]", "\\p{Upper}").replace("[:lower:]", "\\p{Lower}")
                    .replace("[:punct:]", "\\p{Punct}").replace("[:xdigit:]", "\\p{XDigit}");
            try {
                p = Pattern.compile(j);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException("error parsing regexp: " + e.getDescription() + ": `" + expr + "`");
            }
            if (PATTERNS.size() < 1000) {
                PATTERNS.put(expr, p);
            }
        }
        return p;
    }

    /** Match spans as Go's FindAll reports them (an empty match right after a match is skipped). */
    private static List<int[]> spans(Pattern p, String s, int n) {
        List<int[]> out = new ArrayList<>();
        Matcher mt = p.matcher(s);
        int prevEnd = -1;
        int from = 0;
        while ((n < 0 || out.size() < n) && from <= s.length() && mt.find(from)) {
            int st = mt.start();
            int en = mt.end();
            if (st == en && st == prevEnd) {
                from = st + (st < s.length() ? Character.charCount(s.codePointAt(st)) : 1);
                continue;
            }
            out.add(new int[] {st, en});
            prevEnd = en;
            from = en == st ? en + (en < s.length() ? Character.charCount(s.codePointAt(en)) : 1) : en;
        }
        return out;
    }

    private static StrList findAll(Pattern p, String s, int n) {
        StrList r = new StrList();
        if (n == 0) {
            return r;
        }
        for (int[] sp : spans(p, s, n)) {
            r.add(s.substring(sp[0], sp[1]));
        }
        return r;
    }

    private static StrList regexSplit(Pattern p, String s, int n) {
        StrList r = new StrList();
        if (n == 0) {
            return r;
        }
        if (!p.pattern().isEmpty() && s.isEmpty()) {
            r.add("");
            return r;
        }
        int beg = 0;
        int end = 0;
        for (int[] m : spans(p, s, n)) {
            if (n > 0 && r.size() == n - 1) {
                break;
            }
            end = m[0];
            if (m[1] != 0) {
                r.add(s.substring(beg, end));
            }
            beg = m[1];
        }
        if (end != s.length()) {
            r.add(s.substring(beg));
        }
        return r;
    }

    private static String replaceAll(Pattern p, String s, String repl, boolean literal) {
        StringBuilder b = new StringBuilder();
        int last = 0;
        Matcher mt = p.matcher(s);
        for (int[] sp : spans(p, s, -1)) {
            b.append(s, last, sp[0]);
            if (literal) {
                b.append(repl);
            } else {
                mt.find(sp[0]);
                expand(b, repl, mt);
            }
            last = sp[1];
        }
        b.append(s.substring(last));
        return b.toString();
    }

    /** Go's Regexp.Expand: $1, ${1}, $name, ${name}; $$ is a dollar; unknown groups are empty. */
    private static void expand(StringBuilder b, String t, Matcher mt) {
        for (int k = 0; k < t.length(); k++) {
            char ch = t.charAt(k);
            if (ch != '$' || k + 1 >= t.length()) {
                b.append(ch);
                continue;
            }
            char nx = t.charAt(k + 1);
            if (nx == '$') {
                b.append('$');
                k++;
                continue;
            }
            String name;
            int endk;
            if (nx == '{') {
                int e = t.indexOf('}', k + 2);
                if (e < 0) {
                    b.append(ch);
                    continue;
                }
                name = t.substring(k + 2, e);
                endk = e;
            } else {
                int e = k + 1;
                while (e < t.length() && (Character.isLetterOrDigit(t.charAt(e)) || t.charAt(e) == '_')) {
                    e++;
                }
                if (e == k + 1) {
                    b.append(ch);
                    continue;
                }
                name = t.substring(k + 1, e);
                endk = e - 1;
            }
            if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')) {
                b.append(ch);
                continue;
            }
            k = endk;
            String g = null;
            try {
                if (name.chars().allMatch(Character::isDigit)) {
                    int gi = Integer.parseInt(name);
                    if (gi <= mt.groupCount()) {
                        g = mt.group(gi);
                    }
                } else {
                    g = mt.group(name);
                }
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                g = null;
            }
            if (g != null) {
                b.append(g);
            }
        }
    }

    private static String quoteMeta(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if ("\\.+*?()|[]{}^$".indexOf(ch) >= 0) {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.toString();
    }
}
