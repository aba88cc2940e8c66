package io.ww4j.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Java stand-ins for Go's []string and map[string]string results of sprig functions. */
final class GoCollections {
    private GoCollections() {}

    /** A Go []string. */
    static final class StrList extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        StrList() {
        }

        StrList(Collection<String> c) {
            super(c);
        }
    }

    /** A Go map[string]string. */
    static final class StrMap extends LinkedHashMap<String, String> {
        private static final long serialVersionUID = 1L;

        StrMap() {
        }

        StrMap(Map<String, String> m) {
            super(m);
        }
    }
}
