package io.ww4j.template;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Go {@code map[string]interface{}} (decoded JSON/YAML, sprig's {@code dict}): {@code index} on
 * a missing key gives nil, where a plain Java map of strings gives "" like Go's
 * {@code map[string]string}.
 */
public final class AnyMap extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    public AnyMap() {
    }

    public AnyMap(Map<String, ?> m) {
        super(m);
    }
}
