package io.ww4j.template;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Go value semantics on Java objects: missing values, truth, kinds, type names, member access. */
final class Values {
    private Values() {}

    /** Go's invalid reflect.Value: a missing map key, nil data; prints as {@code <no value>}. */
    static final Object MISSING = new Object() {
        @Override
        public String toString() {
            return "<no value>";
        }
    };

    /** A nil interface{} read from a map inside a chain (a further field access is an error). */
    static final Object NIL_IFACE = new Object() {
        @Override
        public String toString() {
            return "<nil>";
        }
    };

    static boolean isInt(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof Character;
    }

    static long toLong(Object v) {
        if (v instanceof Character c) {
            return c;
        }
        return ((Number) v).longValue();
    }

    static boolean isFloat(Object v) {
        return v instanceof Double || v instanceof Float;
    }

    /** Go's truth: false for missing, nil, zero, empty; structs are always true. */
    static boolean truth(Object v) {
        if (v == null || v == MISSING || v == NIL_IFACE) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof GoString s) {
            return !s.stringValue().isEmpty();
        }
        if (isInt(v)) {
            return toLong(v) != 0;
        }
        if (isFloat(v)) {
            return ((Number) v).doubleValue() != 0;
        }
        if (v instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (v.getClass().isArray()) {
            return Array.getLength(v) != 0;
        }
        if (v instanceof BigInteger b) {
            return b.signum() != 0;
        }
        if (v instanceof Func) {
            return true;
        }
        return true;
    }

    /** Go type name of a value, for error messages and %T. */
    static String typeName(Object v) {
        if (v == null || v == NIL_IFACE) {
            return "<nil>";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return "int";
        }
        if (v instanceof Character) {
            return "int32";
        }
        if (v instanceof Double) {
            return "float64";
        }
        if (v instanceof Float) {
            return "float32";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof BigInteger) {
            return "uint64";
        }
        if (v instanceof GoCollections.StrList) {
            return "[]string";
        }
        if (v instanceof List<?> l) {
            return "[]interface {}";
        }
        if (v instanceof GoCollections.StrMap) {
            return "map[string]string";
        }
        if (v instanceof Map<?, ?> m) {
            return "map[string]interface {}";
        }
        if (v instanceof byte[]) {
            return "[]uint8";
        }
        if (v instanceof Func) {
            return "func";
        }
        return v.getClass().getSimpleName();
    }

    static boolean allStrings(Collection<?> c) {
        for (Object o : c) {
            if (!(o instanceof String)) {
                return false;
            }
        }
        return true;
    }

    /** Length in Go terms (bytes for strings); -1 when the value has no length. */
    static int length(Object v) {
        if (v instanceof String s) {
            return utf8Len(s);
        }
        if (v instanceof GoString s) {
            return utf8Len(s.stringValue());
        }
        if (v instanceof Collection<?> c) {
            return c.size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        if (v != null && v.getClass().isArray()) {
            return Array.getLength(v);
        }
        return -1;
    }

    static int utf8Len(String s) {
        int n = s.length();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return n;
    }

    /** A list view of a slice-like value, or null. */
    static List<?> asList(Object v) {
        if (v instanceof List<?> l) {
            return l;
        }
        if (v instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        if (v != null && v.getClass().isArray()) {
            int n = Array.getLength(v);
            List<Object> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                l.add(Array.get(v, i));
            }
            return l;
        }
        return null;
    }

    // ---- member access on Java objects ----

    /** How a Go field/method name maps onto one Java class. */
    static final class Member {
        final Method method;
        final Field field;
        final GoType[] params;
        final boolean variadic;
        /** The Java parameter types (getParameterTypes() copies on every call). */
        final Class<?>[] ptypes;

        Member(Method m) {
            this.method = m;
            this.field = null;
            Class<?>[] ps = m.getParameterTypes();
            this.ptypes = ps;
            this.variadic = m.isVarArgs();
            this.params = new GoType[ps.length];
            for (int i = 0; i < ps.length; i++) {
                Class<?> p = ps[i];
                if (variadic && i == ps.length - 1) {
                    p = p.getComponentType();
                }
                params[i] = goType(p);
            }
        }

        Member(Field f) {
            this.method = null;
            this.field = f;
            this.params = new GoType[0];
            this.variadic = false;
            this.ptypes = new Class<?>[0];
        }
    }

    static GoType goType(Class<?> p) {
        if (p == String.class) {
            return GoType.STRING;
        }
        if (p == int.class || p == long.class || p == Integer.class || p == Long.class) {
            return GoType.INT;
        }
        if (p == double.class || p == Double.class) {
            return GoType.FLOAT64;
        }
        if (p == boolean.class || p == Boolean.class) {
            return GoType.BOOL;
        }
        if (List.class.isAssignableFrom(p)) {
            return GoType.LIST;
        }
        if (Map.class.isAssignableFrom(p)) {
            return GoType.MAP;
        }
        return GoType.ANY;
    }

    private static final Member NONE = new Member((Field) null);

    private static final ClassValue<Map<String, Member>> MEMBERS = new ClassValue<>() {
        @Override
        protected Map<String, Member> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /** Finds the Java member for Go name {@code name}: Name(), name(), getName(), isName(), field. */
    static Member member(Class<?> c, String name) {
        Map<String, Member> m = MEMBERS.get(c);
        Member r = m.get(name);
        if (r == null) {
            r = find(c, name);
            m.put(name, r);
        }
        return r == NONE ? null : r;
    }

    private static Member find(Class<?> c, String name) {
        String lower = Character.toLowerCase(name.charAt(0)) + name.substring(1);
        String[] candidates = {name, lower, "get" + name, "is" + name};
        for (String cand : candidates) {
            Method best = null;
            for (Method mm : c.getMethods()) {
                if (mm.getName().equals(cand) && !Modifier.isStatic(mm.getModifiers())
                        && mm.getReturnType() != void.class && mm.getDeclaringClass() != Object.class) {
                    if (best == null || mm.getParameterCount() < best.getParameterCount()) {
                        best = mm;
                    }
                }
            }
            if (best != null) {
                Method acc = accessible(best);
                if (acc != null) {
                    return new Member(acc);
                }
            }
        }
        for (String cand : new String[] {name, lower}) {
            try {
                Field f = c.getField(cand);
                if (!Modifier.isStatic(f.getModifiers())) {
                    return new Member(f);
                }
            } catch (NoSuchFieldException e) {
                // try next
            }
        }
        return NONE;
    }

    /** A public method may be declared in a non-public class; find it on a public supertype. */
    private static Method accessible(Method m) {
        if (Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
            try {
                m.setAccessible(true);
            } catch (RuntimeException e) {
                // module boundaries: fall back to public lookup
            }
            return m;
        }
        for (Class<?> i : m.getDeclaringClass().getInterfaces()) {
            try {
                return i.getMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                // next
            }
        }
        try {
            m.setAccessible(true);
            return m;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Converts an int argument for a Java parameter of type int. */
    static Object[] adapt(Member m, Object[] args) {
        Class<?>[] ps = m.ptypes;
        if (m.variadic) {
            int fixed = ps.length - 1;
            Object[] out = new Object[ps.length];
            for (int i = 0; i < fixed; i++) {
                out[i] = adaptOne(ps[i], args[i]);
            }
            Class<?> et = ps[fixed].getComponentType();
            Object va = Array.newInstance(et, args.length - fixed);
            for (int i = fixed; i < args.length; i++) {
                Array.set(va, i - fixed, adaptOne(et, args[i]));
            }
            out[fixed] = va;
            return out;
        }
        for (int i = 0; i < args.length; i++) {
            args[i] = adaptOne(ps[i], args[i]);
        }
        return args;
    }

    private static Object adaptOne(Class<?> p, Object v) {
        if ((p == int.class || p == Integer.class) && v instanceof Long l) {
            return l.intValue();
        }
        return v;
    }
}
