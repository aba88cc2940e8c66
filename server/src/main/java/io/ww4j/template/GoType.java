package io.ww4j.template;

import java.util.List;
import java.util.Map;

/**
 * The Go parameter types a template function may declare. The executor converts arguments the
 * way Go's text/template does: number literals take the parameter's type, a missing value becomes
 * nil for {@link #ANY} and is an error for the others.
 */
public enum GoType {
    ANY("interface {}"),
    /** Go's reflect.Value parameters of the builtins: a missing value stays missing. */
    VALUE("reflect.Value"),
    STRING("string"),
    INT("int"),
    FLOAT64("float64"),
    BOOL("bool"),
    LIST("[]interface {}"),
    STRINGS("[]string"),
    MAP("map[string]interface {}");

    final String goName;

    GoType(String goName) {
        this.goName = goName;
    }

    /** True when a value of this type may be nil (Go's canBeNil). */
    boolean nillable() {
        return this == ANY || this == VALUE || this == LIST || this == STRINGS || this == MAP;
    }

    /** Whether {@code v} (a non-missing value) is assignable; returns the converted value or null. */
    Object accept(Object v) {
        switch (this) {
            case ANY:
            case VALUE:
                return v;
            case STRING:
                return v instanceof String ? v : null;
            case INT:
                if (v instanceof Long) {
                    return v;
                }
                return v instanceof Integer || v instanceof Short || v instanceof Byte
                        ? Long.valueOf(((Number) v).longValue()) : null;
            case FLOAT64:
                return v instanceof Double ? v : null;
            case BOOL:
                return v instanceof Boolean ? v : null;
            case LIST:
                return v instanceof List<?> && !(v instanceof GoCollections.StrList) ? v : null;
            case STRINGS:
                if (v instanceof List<?> l) {
                    for (Object o : l) {
                        if (!(o instanceof String)) {
                            return null;
                        }
                    }
                    return v;
                }
                return null;
            case MAP:
                return v instanceof Map<?, ?> && !(v instanceof GoCollections.StrMap) ? v : null;
            default:
                return null;
        }
    }
}
