package io.ww4j.node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes nodes.conf the way upstream does (spec §1.8): records flattened (UNDEF/UNSET cleared,
 * empty fields and empty kernel/ipmi dropped), struct fields in declaration order, map keys
 * sorted, 2-space indent, lists not indented under their key, {@code nodeprofiles} before
 * {@code nodes}. Strings that would read back as another type are double-quoted
 * ({@code discoverable: "true"}, {@code mtu: "9000"}, MACs that look like sexagesimal numbers).
 */
public final class NodesConfWriter {
    private NodesConfWriter() {}

    /** The whole document. */
    public static String write(NodesConf conf) {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> profiles = new LinkedHashMap<>();
        conf.profiles.forEach((id, p) -> profiles.put(id, record(p)));
        Map<String, Object> nodes = new LinkedHashMap<>();
        conf.nodes.forEach((id, n) -> nodes.put(id, record(n)));
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("nodeprofiles", profiles);
        top.put("nodes", nodes);
        emitMap(sb, top, 0, null);
        return sb.toString();
    }

    /** A bare map of nodes (the per-node YAML format). */
    public static String writeNodeMap(Map<String, Node> nodes) {
        Map<String, Object> m = new LinkedHashMap<>();
        nodes.forEach((id, n) -> m.put(id, record(n)));
        StringBuilder sb = new StringBuilder();
        if (m.isEmpty()) {
            return "{}\n";
        }
        emitMap(sb, m, 0, null);
        return sb.toString();
    }

    /** A bare map of profiles ({@code wwctl profile edit}). */
    public static String writeProfileMap(Map<String, Profile> profiles) {
        Map<String, Object> m = new LinkedHashMap<>();
        profiles.forEach((id, p) -> m.put(id, record(p)));
        StringBuilder sb = new StringBuilder();
        if (m.isEmpty()) {
            return "{}\n";
        }
        emitMap(sb, m, 0, null);
        return sb.toString();
    }

    /** One record's body, as stored in the database ("{}" when empty). */
    public static String writeRecord(Profile p) {
        Map<String, Object> m = record(p);
        if (m.isEmpty()) {
            return "{}\n";
        }
        StringBuilder sb = new StringBuilder();
        emitMap(sb, m, 0, null);
        return sb.toString();
    }

    /** Writes atomically: temp file in the same folder, fsync, rename. */
    public static void writeFile(Path path, String text) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ---- record -> ordered map (flattening) ----

    static Map<String, Object> record(Profile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (p instanceof Node n) {
            str(m, "discoverable", n.discoverable);
            str(m, "asset key", n.assetKey);
        }
        list(m, "profiles", p.profiles);
        str(m, "comment", p.comment);
        str(m, "cluster name", p.clusterName);
        str(m, "image name", p.imageName);
        str(m, "ipxe template", p.ipxeTemplate);
        list(m, "runtime overlay", p.runtimeOverlay);
        list(m, "system overlay", p.systemOverlay);
        Map<String, Object> k = new LinkedHashMap<>();
        str(k, "version", p.kernel.version);
        list(k, "args", p.kernel.args);
        if (!k.isEmpty()) {
            m.put("kernel", k);
        }
        Map<String, Object> i = new LinkedHashMap<>();
        Ipmi ip = p.ipmi;
        str(i, "username", ip.username);
        str(i, "password", ip.password);
        str(i, "ipaddr", ip.ipaddr);
        str(i, "gateway", ip.gateway);
        str(i, "netmask", ip.netmask);
        str(i, "port", ip.port);
        str(i, "interface", ip.iface);
        str(i, "escapechar", ip.escapechar);
        str(i, "write", ip.write);
        str(i, "template", ip.template);
        tags(i, "tags", ip.tags);
        if (!i.isEmpty()) {
            m.put("ipmi", i);
        }
        str(m, "init", p.init);
        str(m, "root", p.root);
        if (!p.netDevs.isEmpty()) {
            Map<String, Object> nds = new LinkedHashMap<>();
            p.netDevs.forEach((name, nd) -> {
                Map<String, Object> d = new LinkedHashMap<>();
                str(d, "type", nd.type);
                str(d, "onboot", nd.onboot);
                str(d, "device", nd.device);
                str(d, "hwaddr", nd.hwaddr);
                str(d, "ipaddr", nd.ipaddr);
                str(d, "netmask", nd.netmask);
                str(d, "gateway", nd.gateway);
                str(d, "ipaddr6", nd.ipaddr6);
                str(d, "prefixlen6", nd.prefixlen6);
                str(d, "gateway6", nd.gateway6);
                str(d, "mtu", nd.mtu);
                tags(d, "tags", nd.tags);
                nds.put(name, d);
            });
            m.put("network devices", nds);
        }
        tags(m, "tags", p.tags);
        str(m, "primary network", p.primaryNetwork);
        if (!p.disks.isEmpty()) {
            Map<String, Object> ds = new LinkedHashMap<>();
            p.disks.forEach((dev, d) -> {
                Map<String, Object> dm = new LinkedHashMap<>();
                if (d.wipeTable != null) {
                    dm.put("wipe_table", d.wipeTable);
                }
                if (!d.partitions.isEmpty()) {
                    Map<String, Object> ps = new LinkedHashMap<>();
                    d.partitions.forEach((label, part) -> {
                        Map<String, Object> pm = new LinkedHashMap<>();
                        str(pm, "number", part.number);
                        str(pm, "size_mib", part.sizeMib);
                        str(pm, "start_mib", part.startMib);
                        str(pm, "type_guid", part.typeGuid);
                        str(pm, "guid", part.guid);
                        opt(pm, "wipe_partition_entry", part.wipePartitionEntry);
                        opt(pm, "should_exist", part.shouldExist);
                        opt(pm, "resize", part.resize);
                        ps.put(label, pm);
                    });
                    dm.put("partitions", ps);
                }
                ds.put(dev, dm);
            });
            m.put("disks", ds);
        }
        if (!p.filesystems.isEmpty()) {
            Map<String, Object> fs = new LinkedHashMap<>();
            p.filesystems.forEach((dev, f) -> {
                Map<String, Object> fm = new LinkedHashMap<>();
                str(fm, "format", f.format);
                str(fm, "path", f.path);
                opt(fm, "wipe_filesystem", f.wipeFilesystem);
                str(fm, "label", f.label);
                str(fm, "uuid", f.uuid);
                list(fm, "options", f.options);
                str(fm, "mount_options", f.mountOptions);
                fs.put(dev, fm);
            });
            m.put("filesystems", fs);
        }
        if (!p.resources.isEmpty()) {
            m.put("resources", p.resources);
        }
        return m;
    }

    private static boolean unset(String s) {
        return s.equals("UNDEF") || s.equals("UNSET");
    }

    private static void str(Map<String, Object> m, String key, String v) {
        if (v != null && !v.isEmpty() && !unset(v)) {
            m.put(key, v);
        }
    }

    private static void opt(Map<String, Object> m, String key, Boolean v) {
        if (v != null) {
            m.put(key, v);
        }
    }

    private static void list(Map<String, Object> m, String key, List<String> v) {
        if (v.isEmpty() || v.stream().anyMatch(NodesConfWriter::unset)) {
            return;
        }
        m.put(key, v);
    }

    private static void tags(Map<String, Object> m, String key, Map<String, String> v) {
        if (!v.isEmpty()) {
            m.put(key, v);
        }
    }

    // ---- block-style emitter ----

    private static void indent(StringBuilder sb, int n) {
        for (int i = 0; i < n; i++) {
            sb.append(' ');
        }
    }

    /** Emits a non-empty map; the first line starts with {@code first} instead of the indent when given. */
    private static void emitMap(StringBuilder sb, Map<?, ?> m, int ind, String first) {
        boolean isFirst = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (isFirst && first != null) {
                sb.append(first);
            } else {
                indent(sb, ind);
            }
            isFirst = false;
            sb.append(scalar(String.valueOf(e.getKey()))).append(':');
            emitValue(sb, e.getValue(), ind, true);
        }
    }

    private static void emitValue(StringBuilder sb, Object v, int ind, boolean inMap) {
        if (v instanceof Map<?, ?> mm) {
            if (mm.isEmpty()) {
                sb.append(" {}\n");
            } else {
                sb.append('\n');
                emitMap(sb, mm, ind + 2, null);
            }
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append(" []\n");
            } else {
                sb.append('\n');
                emitList(sb, l, ind, null);
            }
        } else {
            sb.append(' ').append(scalarValue(v)).append('\n');
        }
    }

    private static void emitList(StringBuilder sb, List<?> l, int ind, String first) {
        boolean isFirst = true;
        for (Object item : l) {
            String lead;
            if (isFirst && first != null) {
                lead = first + "- ";
            } else {
                StringBuilder b = new StringBuilder();
                indent(b, ind);
                lead = b + "- ";
            }
            isFirst = false;
            if (item instanceof Map<?, ?> mm && !mm.isEmpty()) {
                emitMap(sb, mm, ind + 2, lead);
            } else if (item instanceof List<?> ll && !ll.isEmpty()) {
                emitList(sb, ll, ind + 2, lead);
            } else if (item instanceof Map<?, ?>) {
                sb.append(lead).append("{}\n");
            } else if (item instanceof List<?>) {
                sb.append(lead).append("[]\n");
            } else {
                sb.append(lead).append(scalarValue(item)).append('\n');
            }
        }
    }

    private static String scalarValue(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return scalar(s);
        }
        return v.toString(); // Boolean, Long, YamlFloat: plain
    }

    private static final Pattern NON_STRING = Pattern.compile(
            "~|null|Null|NULL|true|True|TRUE|false|False|FALSE"
            + "|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF"
            + "|[-+]?[0-9][0-9_]*"
            + "|[-+]?0[xX][0-9a-fA-F_]+|[-+]?0o[0-7_]+|[-+]?0b[01_]+"
            + "|[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?"
            + "|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)"
            + "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?"
            + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?|<<");

    /** A string scalar: plain when it reads back as the same string, else quoted. */
    static String scalar(String s) {
        if (s.isEmpty()) {
            return "\"\"";
        }
        boolean special = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u0085' || c == '\u2028' || c == '\u2029' || c == '\ufeff') {
                special = true;
                break;
            }
        }
        if (special) {
            return doubleQuoted(s);
        }
        if (NON_STRING.matcher(s).matches()) {
            return doubleQuoted(s);
        }
        if (!plainSafe(s)) {
            return "'" + s.replace("'", "''") + "'";
        }
        return s;
    }

    private static boolean plainSafe(String s) {
        char c0 = s.charAt(0);
        boolean followedBySpace = s.length() == 1 || s.charAt(1) == ' ';
        if ("#,[]{}&*!|>'\"%@`".indexOf(c0) >= 0) {
            return false;
        }
        if ((c0 == '-' || c0 == '?' || c0 == ':') && followedBySpace) {
            return false;
        }
        if (s.startsWith("---") || s.startsWith("...")) {
            return false;
        }
        if (c0 == ' ' || s.charAt(s.length() - 1) == ' ') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':' && (i + 1 == s.length() || s.charAt(i + 1) == ' ')) {
                return false;
            }
            if (c == '#' && i > 0 && s.charAt(i - 1) == ' ') {
                return false;
            }
        }
        return true;
    }

    private static String doubleQuoted(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u0085' || c == '\u2028' || c == '\u2029' || c == '\ufeff') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
