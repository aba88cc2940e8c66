package io.ww4j.cli;

import io.ww4j.node.InMemoryRegistry;
import io.ww4j.node.Node;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfException;
import io.ww4j.node.NodesConfReader;
import io.ww4j.node.NodesConfWriter;
import io.ww4j.node.Profile;
import io.ww4j.node.Tx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code wwctl node edit} and {@code profile edit} (spec §2.2.6): the raw records as YAML in
 * $EDITOR on the user's side; records missing from the saved file are deleted, new ones added,
 * changed ones replaced. The result is checked (YAML, addresses, profile references, unique
 * MACs/IPs) before the prompt, and a bad file can be edited again; it is applied in one
 * transaction that refuses to overwrite a record someone else changed meanwhile. Any error
 * leaves the database as it was.
 */
final class RecordEdit {
    private final Session s;
    private final NodeDb db;
    private final boolean nodes;
    private final String what;

    private RecordEdit(Session s, NodeDb db, boolean nodes) {
        this.s = s;
        this.db = db;
        this.nodes = nodes;
        this.what = nodes ? "nodes" : "profiles";
    }

    static int nodes(Session s, NodeDb db, List<String> ids, boolean noHeader) {
        return new RecordEdit(s, db, true).run(ids, noHeader);
    }

    static int profiles(Session s, NodeDb db, List<String> ids, boolean noHeader) {
        return new RecordEdit(s, db, false).run(ids, noHeader);
    }

    private Map<String, ? extends Profile> stored() {
        return nodes ? db.raw().nodes : db.raw().profiles;
    }

    /** One record as YAML: the unit of "did it change". */
    private String text(Profile p) {
        return nodes ? NodesConfWriter.writeNodeMap(Map.of(p.id, (Node) p))
                : NodesConfWriter.writeProfileMap(Map.of(p.id, p));
    }

    private int run(List<String> ids, boolean noHeader) {
        Map<String, Profile> original = new LinkedHashMap<>();
        for (String id : ids) {
            original.put(id, stored().get(id));
        }
        Map<String, String> originalText = new LinkedHashMap<>();
        original.forEach((id, p) -> originalText.put(id, text(p)));
        String body = nodes ? NodesConfWriter.writeNodeMap(castNodes(original))
                : NodesConfWriter.writeProfileMap(original);
        String text = (noHeader ? "" : header()) + body;
        String suffix = nodes ? "ww4NodeEdit*.yaml" : "ww4ProfileEdit*.yaml";
        while (true) {
            String edited = s.edit(text, suffix);
            if (edited.equals(text)) {
                return 0; // saved unchanged (upstream compares checksums): nothing to do
            }
            Map<String, Profile> next;
            try {
                next = parse(edited);
                check(original, next);
            } catch (NodesConfException | CliException e) {
                s.error("%s", e.getMessage());
                if (s.confirm("Parse error: retry")) {
                    text = edited;
                    continue;
                }
                return 255;
            }
            List<String> added = new ArrayList<>();
            List<String> deleted = new ArrayList<>();
            List<String> updated = new ArrayList<>();
            next.forEach((id, p) -> {
                if (!original.containsKey(id)) {
                    added.add(id);
                } else if (!text(p).equals(originalText.get(id))) {
                    updated.add(id);
                }
            });
            original.keySet().stream().filter(id -> !next.containsKey(id)).forEach(deleted::add);
            if (added.isEmpty() && deleted.isEmpty() && updated.isEmpty()) {
                return 0;
            }
            if (!s.confirm("Are you sure you want to add " + added.size() + ", delete " + deleted.size()
                    + ", and update " + updated.size() + " " + what)) {
                return 0;
            }
            db.update(tx -> apply(tx, originalText, next, added, deleted, updated));
            return 0;
        }
    }

    private Map<String, Profile> parse(String edited) {
        String name = "edited " + what;
        NodesConf c = nodes ? NodesConfReader.parseNodeMap(edited, name) : NodesConfReader.parseProfileMap(edited, name);
        c.warnings.forEach(w -> s.warn("%s", w));
        return new LinkedHashMap<>(nodes ? c.nodes : c.profiles);
    }

    /**
     * Everything the commit would check, on an in-memory copy, so that a mistake can be fixed in
     * the editor before anything is asked or written: the store's own validation and address
     * uniqueness, profile references, profiles still in use.
     */
    private void check(Map<String, Profile> original, Map<String, Profile> next) {
        InMemoryRegistry trial = InMemoryRegistry.of(db.raw());
        trial.update(tx -> {
            original.keySet().stream().filter(id -> !next.containsKey(id)).forEach(id -> delete(tx, id));
            next.values().forEach(p -> put(tx, p.copy()));
        });
        NodesConf after = trial.raw();
        List<String> missing = new ArrayList<>();
        Map<String, ? extends Profile> records = nodes ? after.nodes : after.profiles;
        for (String id : next.keySet()) {
            for (String ref : records.get(id).profiles) {
                String name = ref.startsWith("~") ? ref.substring(1) : ref;
                if (!after.profiles.containsKey(name) && !missing.contains(name)) {
                    missing.add(name);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new CliException("profile does not exist: " + String.join(", ", missing));
        }
        if (!nodes) {
            for (String id : original.keySet()) {
                if (next.containsKey(id)) {
                    continue;
                }
                List<String> users = new ArrayList<>();
                after.nodes.forEach((nid, n) -> {
                    if (n.profiles.contains(id)) {
                        users.add(nid);
                    }
                });
                after.profiles.forEach((pid, p) -> {
                    if (p.profiles.contains(id)) {
                        users.add(pid);
                    }
                });
                if (!users.isEmpty()) {
                    throw new CliException("profile " + id + " is still used by: " + String.join(", ", users));
                }
            }
        }
    }

    private void apply(Tx tx, Map<String, String> originalText, Map<String, Profile> next, List<String> added,
                       List<String> deleted, List<String> updated) {
        // Another wwctl may have written while the editor was open: never overwrite that.
        for (String id : concat(deleted, updated)) {
            Profile now = nodes ? tx.node(id).orElse(null) : tx.profile(id).orElse(null);
            if (now == null || !Objects.equals(text(now), originalText.get(id))) {
                throw new CliException(id + " was changed by someone else while it was being edited; nothing applied "
                        + "(edit again)");
            }
        }
        for (String id : added) {
            if ((nodes ? tx.node(id) : tx.profile(id)).isPresent()) {
                throw new CliException(id + " was added by someone else while the editor was open; nothing applied "
                        + "(edit again)");
            }
        }
        deleted.forEach(id -> delete(tx, id));
        for (String id : concat(added, updated)) {
            put(tx, next.get(id));
        }
    }

    private void delete(Tx tx, String id) {
        if (nodes) {
            tx.deleteNode(id);
        } else {
            tx.deleteProfile(id);
        }
    }

    private void put(Tx tx, Profile p) {
        if (nodes) {
            tx.putNode((Node) p);
        } else {
            tx.putProfile(p);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Node> castNodes(Map<String, Profile> m) {
        return (Map<String, Node>) (Map<String, ?>) m;
    }

    /** A commented outline of the record format (our own wording), as upstream puts at the top. */
    private String header() {
        StringBuilder b = new StringBuilder();
        b.append(nodes ? "#nodename:\n" : "#profilename:\n");
        if (nodes) {
            b.append("#  discoverable: bool\n#  asset key: string\n");
        }
        b.append("""
                #  profiles: [string]
                #  comment: string
                #  cluster name: string
                #  image name: string
                #  ipxe template: string
                #  runtime overlay: [string]
                #  system overlay: [string]
                #  kernel:
                #    version: string
                #    args: [string]
                #  ipmi:
                #    username: string
                #    password: string
                #    ipaddr: IPv4
                #    gateway: IPv4
                #    netmask: IPv4
                #    port: string
                #    interface: string
                #    escapechar: string
                #    write: bool
                #    template: string
                #    tags: {string: string}
                #  init: string
                #  root: string
                #  network devices:
                #    <netdev>:
                #      type: string
                #      onboot: bool
                #      device: string
                #      hwaddr: MAC
                #      ipaddr: IPv4
                #      netmask: IPv4
                #      gateway: IPv4
                #      ipaddr6: IPv6
                #      prefixlen6: string
                #      gateway6: IPv6
                #      mtu: string
                #      tags: {string: string}
                #  tags: {string: string}
                #  primary network: string
                #  disks:
                #    <device>:
                #      wipe_table: bool
                #      partitions:
                #        <label>:
                #          number: string
                #          size_mib: string
                #          start_mib: string
                #          type_guid: string
                #          guid: string
                #          wipe_partition_entry: bool
                #          should_exist: bool
                #          resize: bool
                #  filesystems:
                #    <device>:
                #      format: string
                #      path: string
                #      wipe_filesystem: bool
                #      label: string
                #      uuid: string
                #      options: [string]
                #      mount_options: string
                #  resources: {string: any}
                """);
        return b.toString();
    }
}
