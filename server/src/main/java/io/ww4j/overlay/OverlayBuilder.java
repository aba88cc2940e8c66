package io.ww4j.overlay;

import io.ww4j.archive.CpioEntry;
import io.ww4j.archive.CpioWriter;
import io.ww4j.config.WarewulfConf;
import io.ww4j.node.Node;
import io.ww4j.node.NodeRegistry;
import io.ww4j.template.RenderResult;
import io.ww4j.template.Template;
import io.ww4j.template.TemplateException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders overlays for nodes and builds the per-node images (spec/overlays.md §1.3-1.6).
 *
 * <p><b>API for the HTTP server:</b> {@link #overlayImage(String, Context, boolean)} returns the
 * node's {@code __SYSTEM__}/{@code __RUNTIME__} image ({@code .img} or {@code .img.gz}, mode
 * 0600), building it first when it is missing or when any input changed. Images are cached under
 * a SHA-256 of every input: the engine version, warewulf.conf, all merged nodes (templates see
 * {@code .AllNodes}), the overlay list and each overlay file's path, kind, mode, owner, size and
 * mtime, plus every server file a template read ({@code Include*}), re-checked on each request.
 * A render error fails that node's image only and names node, overlay, file and line.
 */
public final class OverlayBuilder {
    private static final Logger log = LoggerFactory.getLogger(OverlayBuilder.class);
    /** Bump when rendering or image layout changes, to invalidate old caches. */
    static final String ENGINE = "ww4j-overlay-1";

    public enum Context { SYSTEM, RUNTIME }

    private final WarewulfConf conf;
    private final OverlayStore store;
    private final NodeRegistry nodes;
    private final Path imageDir;
    private final String buildHost;
    private final String confHash;
    /** The server's part of every node's template data (config is fixed for a builder). */
    private final TemplateData serverData;
    private final Map<String, Parsed> templates = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Static file contents by path, valid while the file's stat fingerprint is the same. */
    private final Map<Path, Content> contents = new ConcurrentHashMap<>();
    /** Renders shared by nodes (see {@link #variantFields}), per template and nodes generation. */
    private final Map<Path, Shared> shared = new ConcurrentHashMap<>();
    private volatile NodesState nodesState;

    /**
     * A parsed template; {@code variantFields} are the node fields its output depends on when it
     * reads only global data and simple node fields (null: it depends on the whole node).
     */
    private record Parsed(String key, Template template, List<String> variantFields) {
        boolean shareable() {
            return variantFields != null;
        }
    }

    /** A static file's bytes; {@code encoded} holds its ready cpio entries + gzip members. */
    private record Content(String fingerprint, byte[] data, Encoded encoded) {}

    /** Renders of one template for one nodes generation, by the values of its variant fields. */
    private record Shared(String key, Map<String, Rendered> variants) {}

    /** At most this many variants are kept per template (say, one per image name). */
    static final int MAX_VARIANTS = 64;

    /** One overlay walked once: its entries, their fingerprints, and a digest of them all. */
    record Walked(OverlayStore.Overlay overlay, List<OverlayStore.Entry> entries, List<String> fingerprints,
                  String digest) {}

    /**
     * The root fields of {@link TemplateData} that are the same for every node (server config,
     * the node list, build facts): a template that reads only these renders alike for all nodes.
     */
    static final java.util.Set<String> GLOBAL_FIELDS = java.util.Set.of("BuildHost", "BuildTime", "BuildTimeUnix",
            "BuildSource", "Overlay", "Ipaddr", "IpCIDR", "Netmask", "Network", "NetworkCIDR", "Ipaddr6", "PrefixLen6",
            "IpCIDR6", "Network6", "NetworkCIDR6", "Ipv6", "Dhcp", "Nfs", "Ssh", "Warewulf", "Tftp", "Paths",
            "AllNodes");
    /** Functions that read the node behind the template's back. */
    static final java.util.Set<String> NODE_FUNCTIONS = java.util.Set.of("IgnitionJson");

    private record NodesState(long generation, String hash, List<TemplateModel.Node> all,
                              Map<String, TemplateModel.Node> byId) {}

    public OverlayBuilder(WarewulfConf conf, OverlayStore store, NodeRegistry nodes) {
        this.conf = conf;
        this.store = store;
        this.nodes = nodes;
        this.imageDir = conf.overlayImageDir();
        this.buildHost = hostname();
        this.confHash = computeConfHash();
        this.serverData = TemplateData.server(conf);
    }

    static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The overlay list of a node for a context (profile lists merged, {@code ~x} removed). */
    public static List<String> overlays(Node n, Context ctx) {
        return ctx == Context.SYSTEM ? n.systemOverlay : n.runtimeOverlay;
    }

    /** The image path for a node and context, e.g. {@code <provision>/overlays/n1/__SYSTEM__.img.gz}. */
    public Path imagePath(String nodeId, Context ctx, boolean gz) {
        return imageDir.resolve(nodeId).resolve("__" + ctx.name() + "__.img" + (gz ? ".gz" : ""));
    }

    /**
     * The node's image for {@code ctx}, (re)built when needed. Throws {@link OverlayException}
     * when the node is unknown or a template fails (the message names node, overlay, file, line).
     */
    public Path overlayImage(String nodeId, Context ctx, boolean gz) throws IOException {
        Node n = nodes.byId(nodeId).orElseThrow(() -> new OverlayException("node does not exist: " + nodeId));
        return build(n, ctx, overlays(n, ctx), gz);
    }

    private NodesState nodesState() {
        long gen = nodes.generation();
        NodesState s = nodesState;
        if (s == null || s.generation != gen) {
            synchronized (this) {
                s = nodesState;
                if (s == null || s.generation != gen) {
                    List<Node> all = nodes.all();
                    MessageDigest md = sha256();
                    // The merged nodes as the templates see them: hash their data view.
                    List<TemplateModel.Node> view = TemplateData.nodes(all);
                    for (TemplateModel.Node v : view) {
                        md.update(Fingerprint.of(v).getBytes(StandardCharsets.UTF_8));
                    }
                    Map<String, TemplateModel.Node> byId = new java.util.HashMap<>(view.size() * 2);
                    for (TemplateModel.Node v : view) {
                        byId.put(v.Id(), v);
                    }
                    s = new NodesState(gen, HexFormat.of().formatHex(md.digest()), view, byId);
                    nodesState = s;
                }
            }
        }
        return s;
    }

    /** Walks an overlay and fingerprints its entries. */
    Walked walk(String name) {
        OverlayStore.Overlay o = store.get(name);
        List<OverlayStore.Entry> entries = store.walk(o);
        List<String> fps = new ArrayList<>(entries.size());
        MessageDigest md = sha256();
        md.update(o.dir().toString().getBytes(StandardCharsets.UTF_8));
        for (OverlayStore.Entry e : entries) {
            String fp = Fingerprint.of(e);
            fps.add(fp);
            md.update(fp.getBytes(StandardCharsets.UTF_8));
        }
        return new Walked(o, entries, fps, HexFormat.of().formatHex(md.digest()));
    }

    /**
     * Builds many nodes' images with each overlay walked once (for {@code wwctl overlay build}):
     * a batch assumes the overlay files do not change while it runs.
     */
    public final class Batch {
        private final Map<String, Walked> walks = new ConcurrentHashMap<>();

        /** Builds (or finds current) the node's system and runtime images. */
        public void build(String nodeId) throws IOException {
            Node n = nodes.byId(nodeId).orElseThrow(() -> new OverlayException("node does not exist: " + nodeId));
            for (Context ctx : Context.values()) {
                OverlayBuilder.this.build(n, ctx, overlays(n, ctx), true,
                        name -> walks.computeIfAbsent(name, OverlayBuilder.this::walk));
            }
        }
    }

    NodeRegistry nodesForTest() {
        return nodes;
    }

    public Batch batch() {
        return new Batch();
    }

    Path build(Node n, Context ctx, List<String> overlayNames, boolean gz) throws IOException {
        return build(n, ctx, overlayNames, gz, this::walk);
    }

    /** Builds (or reuses) the image of {@code overlays} for {@code n}. */
    Path build(Node n, Context ctx, List<String> overlayNames, boolean gz,
               java.util.function.Function<String, Walked> walker) throws IOException {
        for (String o : overlayNames) {
            OverlayStore.validateName(o);
        }
        NodesState ns = nodesState();
        List<Walked> walks = new ArrayList<>(overlayNames.size());
        for (String name : overlayNames) {
            walks.add(walker.apply(name));
        }
        MessageDigest md = sha256();
        md.update((ENGINE + "\0" + confHash + "\0" + ns.hash + "\0" + n.id + "\0" + ctx + "\0"
                + String.join(",", overlayNames)).getBytes(StandardCharsets.UTF_8));
        for (Walked w : walks) {
            md.update(w.digest().getBytes(StandardCharsets.UTF_8));
        }
        String key = HexFormat.of().formatHex(md.digest());
        Path img = imagePath(n.id, ctx, false);
        Path imgGz = img.resolveSibling(img.getFileName() + ".gz");
        Path keyFile = img.resolveSibling("__" + ctx.name() + "__.key");
        Object lock = locks.computeIfAbsent(n.id + "/" + ctx, k -> new Object());
        synchronized (lock) {
            Fingerprint.Cached c = Fingerprint.cached(keyFile, key);
            if (c != null && Fingerprint.hasSize(imgGz, c.gzSize())) {
                if (gz) {
                    return imgGz;
                }
                if (Fingerprint.hasSize(img, c.imgSize())) {
                    return img;
                }
                // The .img.gz is current, the .img was never asked for: unpack it.
                long size = gunzip(imgGz, img);
                atomicWrite(keyFile, Fingerprint.keyFile(key, size, c.gzSize(), c.reads()).getBytes(StandardCharsets.UTF_8));
                return img;
            }
            Tree tree = render(n, ns, walks);
            writeImage(img, imgGz, tree, key, keyFile, !gz);
            log.debug("{}: built the {} overlay ({} entries: {})", n.id, ctx.name().toLowerCase(), tree.size(),
                    String.join(" ", overlayNames));
            return gz ? imgGz : img;
        }
    }

    private String computeConfHash() {
        StringBuilder b = new StringBuilder();
        try {
            if (conf.file != null && Files.exists(conf.file)) {
                b.append(Fingerprint.content(conf.file));
            }
        } catch (IOException e) {
            b.append("?");
        }
        return b.append(conf.ipaddr).append(conf.netmask).append(conf.network).append(conf.ipaddr6).toString();
    }

    /** A template rendered for {@code overlay show --render}: the result and the file used. */
    public record Shown(RenderResult result, String file, boolean isTemplate) {}

    /**
     * Renders one file of an overlay for a node, as {@code wwctl overlay show --render} does:
     * {@code file} may omit {@code .ww}; a node id that is not in the database renders for the
     * server itself (a node named after this host, in a cluster of that name), as upstream.
     */
    public Shown renderFile(String nodeId, String overlay, String file) {
        Walked w = walk(overlay);
        String rel = file.replaceFirst("^/+", "");
        OverlayStore.Entry found = null;
        String fp = null;
        for (String want : List.of(rel, rel + ".ww")) {
            for (int i = 0; i < w.entries().size() && found == null; i++) {
                OverlayStore.Entry e = w.entries().get(i);
                if (e.rel().equals(want) && e.kind() != OverlayStore.Kind.DIR) {
                    found = e;
                    fp = w.fingerprints().get(i);
                }
            }
        }
        if (found == null) {
            throw new OverlayException("file " + file + " does not exist within overlay " + overlay);
        }
        Node n = nodes.byId(nodeId).orElseGet(() -> {
            Node h = new Node();
            h.id = buildHost;
            h.clusterName = buildHost;
            return h;
        });
        NodesState ns = nodesState();
        TemplateData data = data(n, ns, w.overlay(), found, ZonedDateTime.now());
        Rendered r = renderTemplate(n.id, w.overlay(), found, data, parse(w.overlay(), found, fp).template());
        return new Shown(r.result(), found.rel(), found.kind() == OverlayStore.Kind.TEMPLATE);
    }

    /**
     * Renders the {@code host} overlay for the server itself straight into {@code root} (upstream's
     * BuildHostOverlay, spec/overlays.md §1.7, run by {@code wwctl configure} with root {@code /}):
     * a fresh node named after this host, every node in AllNodes; a file a template replaces is
     * first copied to {@code <file>.wwbackup} unless that exists or the template said
     * {@code nobackup}; {@code abort()} writes nothing for that template. Each file is written
     * atomically (temp file + rename) with the overlay file's mode and, as root, owner.
     * Returns the paths written.
     */
    public List<Path> buildHost(Path root) throws IOException {
        Walked w = walk("host");
        int rootMode = w.entries().stream().filter(e -> e.rel().isEmpty()).mapToInt(OverlayStore.Entry::mode)
                .findFirst().orElse(0);
        if ((rootMode & 0777) != 0750 && (rootMode & 0777) != 0700) {
            log.warn("host overlay: {} has mode {}; 0750 or 0700 keeps its templates (secrets) private",
                    w.overlay().rootfs(), Integer.toOctalString(rootMode & 0777));
        }
        Node host = new Node();
        host.id = buildHost;
        Tree tree = render(host, nodesState(), List.of(w));
        List<Path> written = new ArrayList<>();
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        for (Tree.Item i : tree.items.values()) {
            if (tree.madeBackups.contains(i.path())) {
                continue; // the host's backups are of the files on disk, below
            }
            Path dest = root.resolve(i.path());
            switch (i.kind()) {
                case 'd' -> {
                    if (!Files.isDirectory(dest)) {
                        Files.createDirectories(dest);
                        Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString(rwx(i.mode())));
                    }
                }
                case 'l' -> {
                    Files.createDirectories(dest.getParent());
                    Path tmp = tempOf(dest);
                    Files.deleteIfExists(tmp);
                    Files.createSymbolicLink(tmp, Path.of(new String(i.data(), StandardCharsets.UTF_8)));
                    rename(tmp, dest);
                    written.add(dest);
                }
                default -> {
                    Files.createDirectories(dest.getParent());
                    Path backup = dest.resolveSibling(dest.getFileName() + ".wwbackup");
                    if (tree.backedUp.contains(i.path()) && exists(dest) && !Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)
                            && !exists(backup)) {
                        Files.copy(dest, backup, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    }
                    Path tmp = tempOf(dest);
                    try {
                        Files.deleteIfExists(tmp);
                        Files.write(tmp, i.data(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(rwx(i.mode())));
                        if (asRoot) {
                            Files.setAttribute(tmp, "unix:uid", i.uid(), LinkOption.NOFOLLOW_LINKS);
                            Files.setAttribute(tmp, "unix:gid", i.gid(), LinkOption.NOFOLLOW_LINKS);
                        }
                        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                            ch.force(true);
                        }
                        rename(tmp, dest);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                    written.add(dest);
                }
            }
        }
        log.info("host overlay: wrote {} files under {}", written.size(), root);
        return written;
    }

    private static String rwx(int mode) {
        String all = "rwxrwxrwx";
        StringBuilder b = new StringBuilder(9);
        for (int bit = 0; bit < 9; bit++) {
            b.append((mode & (0400 >> bit)) != 0 ? all.charAt(bit) : '-');
        }
        return b.toString();
    }

    /** Renders {@code overlayNames} for node {@code nodeId} without writing an image. */
    Tree renderTree(String nodeId, List<String> overlayNames) {
        Node n = nodes.byId(nodeId).orElseThrow(() -> new OverlayException("node does not exist: " + nodeId));
        List<Walked> walks = new ArrayList<>();
        for (String name : overlayNames) {
            walks.add(walk(name));
        }
        return render(n, nodesState(), walks);
    }

    /** The rendered file tree of one node (for images and {@code overlay show --render}). */
    private Tree render(Node n, NodesState ns, List<Walked> walks) {
        Tree tree = new Tree();
        // One data value per node build; each template gets its overlay and source set in turn.
        TemplateData data = data(n, ns, ZonedDateTime.now());
        for (Walked w : walks) {
            OverlayStore.Overlay o = w.overlay();
            for (int i = 0; i < w.entries().size(); i++) {
                OverlayStore.Entry e = w.entries().get(i);
                if (e.rel().isEmpty()) {
                    continue;
                }
                switch (e.kind()) {
                    case DIR -> tree.dir(e.rel(), e.mode(), e.uid(), e.gid());
                    case LINK -> tree.link(e.rel(), readLink(e.path()), e.uid(), e.gid());
                    case FILE -> {
                        // Static files are the same for every node: spliced in ready-made (see Tree.write).
                        Content c = content(e, w.fingerprints().get(i));
                        tree.file(e.rel(), c.data(), e.mode(), e.uid(), e.gid(), false);
                        if (c.encoded() != null) {
                            tree.shared.put(e.rel(), c.encoded());
                        }
                    }
                    case TEMPLATE -> {
                        data.Overlay = o.name();
                        data.BuildSource = e.path().toString();
                        Rendered r = renderShared(n, ns, o, e, w.fingerprints().get(i), data);
                        tree.reads.addAll(r.read());
                        tree.readStats.putAll(r.readStats());
                        r.warnings().forEach(x -> log.debug("{}: overlay {}: {}: {}", n.id, o.name(), e.rel(), x));
                        place(tree, o, e, r.result(), r.encoded(), templates.get(e.path().toString()).shareable());
                    }
                    default -> throw new IllegalStateException();
                }
            }
        }
        return tree;
    }

    /**
     * Renders a template for a node. A node-independent template ({@link #shareable}) is rendered
     * once per nodes generation and the result reused for every node: the {@code hosts} file
     * lists all nodes, and rendering it for each node would cost nodes² work.
     */
    private Rendered renderShared(Node n, NodesState ns, OverlayStore.Overlay o, OverlayStore.Entry e, String fp,
                                  TemplateData data) {
        Parsed p = parse(o, e, fp);
        if (!p.shareable()) {
            return renderTemplate(n.id, o, e, data, p.template());
        }
        String key = ns.hash + "|" + fp;
        Shared sh = shared.get(e.path());
        if (sh == null || !sh.key().equals(key)) {
            sh = new Shared(key, new ConcurrentHashMap<>());
            shared.put(e.path(), sh);
        }
        StringBuilder variant = new StringBuilder();
        for (String f : p.variantFields()) {
            variant.append(variantValue(data, f)).append('\0');
        }
        Rendered r = sh.variants().get(variant.toString());
        if (r != null && Fingerprint.unchanged(r.readStats())) {
            return r;
        }
        r = renderTemplate(n.id, o, e, data, p.template());
        if (sh.variants().size() < MAX_VARIANTS || sh.variants().containsKey(variant.toString())) {
            sh.variants().put(variant.toString(), r);
        }
        return r;
    }

    /**
     * Node fields of simple values (text, lists of text, tags): a template that reads only these
     * and global data renders alike for nodes that agree on them (syncuser's passwd and group
     * depend only on the image name).
     */
    static final java.util.Set<String> VARIANT_FIELDS = java.util.Set.of("ImageName", "ClusterName", "Init", "Root",
            "Ipxe", "Comment", "Profiles", "RuntimeOverlay", "SystemOverlay", "Discoverable", "Tags", "Kernel",
            "Container", "ContainerName", "PrimaryNetDev");

    /** A variant field's value as text (lists, maps and the kernel print all their parts). */
    static String variantValue(TemplateData d, String field) {
        return switch (field) {
            case "ImageName" -> d.ImageName;
            case "ClusterName" -> d.ClusterName;
            case "Init" -> d.Init;
            case "Root" -> d.Root;
            case "Ipxe" -> d.Ipxe;
            case "Comment" -> d.Comment;
            case "Profiles" -> String.valueOf(d.Profiles);
            case "RuntimeOverlay" -> String.valueOf(d.RuntimeOverlay);
            case "SystemOverlay" -> String.valueOf(d.SystemOverlay);
            case "Discoverable" -> d.Discoverable == null ? "" : d.Discoverable.stringValue();
            case "Tags" -> String.valueOf(d.Tags);
            case "Kernel" -> d.Kernel == null ? "" : d.Kernel.Version + "\0" + d.Kernel.Args;
            case "Container" -> d.Container;
            case "ContainerName" -> d.ContainerName;
            case "PrimaryNetDev" -> d.PrimaryNetDev;
            default -> throw new IllegalArgumentException("not a variant field: " + field);
        };
    }

    private TemplateData data(Node n, NodesState ns, OverlayStore.Overlay o, OverlayStore.Entry e, ZonedDateTime now) {
        TemplateData data = data(n, ns, now);
        data.Overlay = o.name();
        data.BuildSource = e.path().toString();
        return data;
    }

    /** A node's data; its view is the one in AllNodes (a node not in the list, the host, gets its own). */
    private TemplateData data(Node n, NodesState ns, ZonedDateTime now) {
        TemplateModel.Node view = ns.byId.get(n.id);
        return TemplateData.of(serverData, n, view != null ? view : TemplateData.node(n), ns.all, "", buildHost, now);
    }

    /** True when the template reads only node-independent data (and no node-reading function). */
    static boolean shareable(Template t) {
        List<String> v = variantFields(t);
        return v != null && v.isEmpty();
    }

    /**
     * The node fields a template's output depends on, when it reads only global data and
     * {@link #VARIANT_FIELDS} (and calls no function that reads the node); null otherwise.
     */
    static List<String> variantFields(Template t) {
        if (!java.util.Collections.disjoint(t.functionsCalled(), NODE_FUNCTIONS)) {
            return null;
        }
        java.util.Set<String> read = t.rootFieldsRead().orElse(null);
        if (read == null) {
            return null;
        }
        List<String> v = new ArrayList<>();
        for (String f : read) {
            if (VARIANT_FIELDS.contains(f)) {
                v.add(f);
            } else if (!GLOBAL_FIELDS.contains(f)) {
                return null;
            }
        }
        v.sort(null);
        return List.copyOf(v);
    }

    /** A static file's bytes, read once per version of the file. */
    private Content content(OverlayStore.Entry e, String fp) {
        Content c = contents.get(e.path());
        if (c != null && c.fingerprint().equals(fp)) {
            return c;
        }
        byte[] data = readBytes(e.path());
        c = new Content(fp, data, new Encoded(new byte[][] {data}));
        if (data.length <= (1 << 20)) {
            contents.put(e.path(), c);
        }
        return c;
    }

    /** One template's result plus the server files it read (with their stat when read). */
    record Rendered(RenderResult result, List<Path> read, List<String> warnings, Map<Path, String> readStats,
                    Encoded encoded) {
        Rendered(RenderResult result, List<Path> read, List<String> warnings, Map<Path, String> readStats) {
            this(result, read, warnings, readStats, new Encoded(result));
        }
    }

    /**
     * A render's text outputs as bytes (encoded once, also when the render is shared by every
     * node), and for shared renders the ready cpio entry + gzip member of each output.
     */
    static final class Encoded {
        final byte[][] bytes;
        final Map<String, Blob> blobs = new ConcurrentHashMap<>();

        Encoded(RenderResult r) {
            List<RenderResult.Output> outs = r.outputs();
            bytes = new byte[outs.size()][];
            for (int i = 0; i < outs.size(); i++) {
                RenderResult.Output o = outs.get(i);
                bytes[i] = o.isSymlink() ? null : o.content().getBytes(StandardCharsets.UTF_8);
            }
        }

        Encoded(byte[][] bytes) {
            this.bytes = bytes;
        }
    }

    /** One cpio entry (header, name, data, padding) and the same bytes as a gzip member. */
    record Blob(byte[] cpio, byte[] gz) {}

    /** Renders one template for one node; errors name node, overlay, file and line. */
    Rendered renderTemplate(String nodeId, OverlayStore.Overlay o, OverlayStore.Entry e, TemplateData data) {
        return renderTemplate(nodeId, o, e, data, parse(o, e, Fingerprint.of(e)).template());
    }

    private Rendered renderTemplate(String nodeId, OverlayStore.Overlay o, OverlayStore.Entry e, TemplateData data,
                                    Template t) {
        WarewulfFunctions.Scope scope = new WarewulfFunctions.Scope(data, conf.sysconfDir(), conf.chrootDir());
        WarewulfFunctions.SCOPE.set(scope);
        try {
            RenderResult r = t.execute(data);
            Map<Path, String> stats = new TreeMap<>();
            for (Path read : scope.read) {
                stats.put(read, Fingerprint.stat(read));
            }
            return new Rendered(r, List.copyOf(scope.read), scope.warnings, stats);
        } catch (TemplateException | IllegalArgumentException x) {
            throw new OverlayException("node " + nodeId + ": overlay " + o.name() + ": file " + e.rel() + ": "
                    + x.getMessage(), x);
        } finally {
            WarewulfFunctions.SCOPE.remove();
        }
    }

    /** The parsed template; re-parsed only when the file's fingerprint changed. */
    private Parsed parse(OverlayStore.Overlay o, OverlayStore.Entry e, String fp) {
        Parsed p = templates.get(e.path().toString());
        if (p != null && p.key().equals(fp)) {
            return p;
        }
        String text;
        try {
            text = Files.readString(e.path(), StandardCharsets.UTF_8);
        } catch (IOException x) {
            throw new OverlayException("overlay " + o.name() + ": cannot read " + e.rel() + ": " + x.getMessage(), x);
        }
        try {
            Template t = Template.parse(e.path().getFileName().toString(), text, WarewulfFunctions.ALL);
            p = new Parsed(fp, t, variantFields(t));
            templates.put(e.path().toString(), p);
            return p;
        } catch (TemplateException x) {
            throw new OverlayException("overlay " + o.name() + ": file " + e.rel() + ": " + x.getMessage(), x);
        }
    }

    /** Puts a template's output slots into the tree as upstream's BuildOverlayIndir does (§1.3). */
    private static void place(Tree tree, OverlayStore.Overlay o, OverlayStore.Entry e, RenderResult r, Encoded enc,
                              boolean shared) {
        if (r.aborted()) {
            return;
        }
        String rel = e.rel().substring(0, e.rel().length() - 3);
        String dir = rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')) : "";
        List<RenderResult.Output> outs = r.outputs();
        for (int i = 0; i < outs.size(); i++) {
            RenderResult.Output out = outs.get(i);
            String target;
            if (i == 0) {
                if (outs.size() > 1 && !out.isSymlink()) {
                    continue; // text before the first file() is dropped
                }
                target = rel;
            } else if (out.name().startsWith("/")) {
                target = out.name().substring(1);
            } else {
                target = dir.isEmpty() ? out.name() : dir + "/" + out.name();
            }
            target = Tree.clean(target, o.name(), out.name());
            tree.parents(target, e.mode() | 0111 & 0755, e.uid(), e.gid());
            if (out.isSymlink()) {
                tree.link(target, out.symlink(), e.uid(), e.gid());
            } else {
                tree.file(target, enc.bytes[i], e.mode(), e.uid(), e.gid(), r.backup());
                if (r.backup()) {
                    tree.backedUp.add(target);
                } else {
                    tree.backedUp.remove(target);
                }
                if (shared) {
                    tree.shared.put(target, enc);
                }
            }
        }
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            throw new OverlayException("cannot read link " + p + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readBytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new OverlayException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code X.img.gz}, {@code X.img} when {@code raw} (else a stale one is removed: it is
     * unpacked from the .gz when first asked for; nodes boot from the .gz) (mode 0600) and the key
     * file, each through a temp file and a rename, so a reader never sees a partial file. No
     * fsync: the images are a cache whose key file records the sizes, so a file cut short by a
     * crash is rebuilt, not served.
     */
    private void writeImage(Path img, Path imgGz, Tree tree, String key, Path keyFile, boolean raw) throws IOException {
        Path dir = img.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
            } catch (IOException ignored) {
                // not ours to change
            }
        }
        // Both images stream straight into their temp files (a big cluster's hosts file makes them large).
        Path tmpImg = tempOf(img);
        Path tmpGz = tempOf(imgGz);
        try {
            try (OutputStream rawOut = raw ? new java.io.BufferedOutputStream(newPrivate(tmpImg), 1 << 16)
                    : OutputStream.nullOutputStream();
                 OutputStream gz = new java.io.BufferedOutputStream(newPrivate(tmpGz), 1 << 16)) {
                tree.write(rawOut, gz);
            }
            long rawSize = raw ? Files.size(tmpImg) : -1;
            long gzSize = Files.size(tmpGz);
            if (raw) {
                rename(tmpImg, img);
            } else {
                Files.deleteIfExists(img);
            }
            rename(tmpGz, imgGz);
            atomicWrite(keyFile, Fingerprint.keyFile(key, rawSize, gzSize, tree.readStats).getBytes(StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(tmpImg);
            Files.deleteIfExists(tmpGz);
        }
    }

    /** Unpacks {@code gz} (all its members) into {@code img} through a 0600 temp file; returns the size. */
    private static long gunzip(Path gz, Path img) throws IOException {
        Path tmp = tempOf(img);
        try {
            try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz), 1 << 16);
                 OutputStream out = newPrivate(tmp)) {
                in.transferTo(out);
            }
            long size = Files.size(tmp);
            rename(tmp, img);
            return size;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path tempOf(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".tmp" + Thread.currentThread().threadId());
    }

    private static OutputStream newPrivate(Path p) throws IOException {
        Files.deleteIfExists(p);
        // Created 0600 (never briefly readable by others: images hold host keys), chmod'd against the umask.
        FileChannel ch = FileChannel.open(p, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return java.nio.channels.Channels.newOutputStream(ch);
    }

    private static void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void atomicWrite(Path target, byte[] data) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp" + Thread.currentThread().threadId());
        try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")))) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The rendered tree: path to entry, in the order of creation; serialised in path order. */
    static final class Tree {
        record Item(String path, char kind, int mode, int uid, int gid, byte[] data) {}

        final Map<String, Item> items = new TreeMap<>();
        /** Server files the templates read (Include*), for the cache check. */
        final java.util.Set<Path> reads = new java.util.TreeSet<>();
        /** Those files' stat fingerprints when they were read. */
        final Map<Path, String> readStats = new TreeMap<>();
        /** Paths last written by a template with backups on (the host overlay backs up what it replaces). */
        final java.util.Set<String> backedUp = new java.util.HashSet<>();
        /** {@code .wwbackup} entries the tree made itself (for an image; the host keeps its own on disk). */
        final java.util.Set<String> madeBackups = new java.util.HashSet<>();
        /** Paths whose content came from a render shared by all nodes (if still that content). */
        final Map<String, Encoded> shared = new java.util.HashMap<>();

        int size() {
            return items.size();
        }

        static String clean(String target, String overlay, String asGiven) {
            Path p = Path.of("/").resolve(target).normalize();
            if (!p.startsWith("/") || p.toString().equals("/")) {
                throw new OverlayException("overlay " + overlay + ": file() path \"" + asGiven + "\" escapes output directory");
            }
            String s = p.toString().substring(1);
            if (s.startsWith("..")) {
                throw new OverlayException("overlay " + overlay + ": file() path \"" + asGiven + "\" escapes output directory");
            }
            return s;
        }

        void dir(String path, int mode, int uid, int gid) {
            Item old = items.get(path);
            // An existing directory keeps its mode; the owner is the last overlay's.
            items.put(path, new Item(path, 'd', old != null && old.kind == 'd' ? old.mode : mode, uid, gid, null));
        }

        void parents(String path, int mode, int uid, int gid) {
            int i = path.indexOf('/');
            while (i > 0) {
                String d = path.substring(0, i);
                if (!items.containsKey(d)) {
                    items.put(d, new Item(d, 'd', mode, uid, gid, null));
                }
                i = path.indexOf('/', i + 1);
            }
        }

        void link(String path, String target, int uid, int gid) {
            Item old = items.get(path);
            if (old != null && old.kind == 'f' && !items.containsKey(path + ".wwbackup")) {
                madeBackups.add(path + ".wwbackup");
                items.put(path + ".wwbackup", new Item(path + ".wwbackup", 'f', old.mode, old.uid, old.gid, old.data));
            }
            items.put(path, new Item(path, 'l', 0777, uid, gid, target.getBytes(StandardCharsets.UTF_8)));
        }

        void file(String path, byte[] data, int mode, int uid, int gid, boolean backup) {
            Item old = items.get(path);
            if (backup && old != null && old.kind != 'd' && !items.containsKey(path + ".wwbackup")) {
                madeBackups.add(path + ".wwbackup");
                items.put(path + ".wwbackup", new Item(path + ".wwbackup", old.kind, old.mode, old.uid, old.gid, old.data));
            }
            // An existing file keeps the mode of its first creator (open(O_CREAT) semantics).
            int m = old != null && old.kind == 'f' ? old.mode : mode;
            items.put(path, new Item(path, 'f', m, uid, gid, data));
        }

        byte[] content(String path) {
            Item i = items.get(path);
            return i == null ? null : i.data;
        }

        /** The uncompressed newc archive (for tests and tools). */
        void writeCpio(OutputStream out) throws IOException {
            write(out, OutputStream.nullOutputStream());
        }

        /**
         * Writes the newc archive to {@code raw} and its gzip to {@code gz}. Entries from renders
         * shared by all nodes (the hosts file of a big cluster) are cpio-encoded and compressed
         * once and spliced in as gzip members of their own: the decompressed stream is still one
         * archive, and gzip, the kernel's initramfs unpacker and Go all read multi-member gzip.
         */
        void write(OutputStream raw, OutputStream gz) throws IOException {
            long mtime = System.currentTimeMillis() / 1000;
            Segment seg = new Segment(8192);
            CpioWriter cpio = new CpioWriter(seg);
            long ino = 1;
            for (Item i : items.values()) {
                byte[] data = i.data == null ? new byte[0] : i.data;
                Blob blob = blob(i, data, mtime);
                if (blob != null) {
                    flush(cpio, seg, raw, gz);
                    raw.write(blob.cpio());
                    gz.write(blob.gz());
                    seg.reset();
                    cpio = new CpioWriter(seg);
                    continue;
                }
                cpio.putEntry(entry(i, data, mtime).withIno(ino++), data);
            }
            cpio.finish();
            raw.write(seg.buf(), 0, seg.size());
            gzipMember(seg.buf(), seg.size(), gz);
        }

        private static CpioEntry entry(Item i, byte[] data, long mtime) {
            return switch (i.kind) {
                case 'd' -> CpioEntry.directory(i.path, i.mode, i.uid, i.gid, mtime);
                case 'l' -> CpioEntry.symlink(i.path, i.uid, i.gid, mtime, data.length);
                default -> CpioEntry.file(i.path, i.mode, i.uid, i.gid, mtime, data.length);
            };
        }

        /** The shared, ready-made entry for {@code i} if its content is still a shared render's. */
        private Blob blob(Item i, byte[] data, long mtime) throws IOException {
            Encoded enc = shared.get(i.path);
            if (enc == null || i.kind != 'f' || data.length < SPLICE_MIN) {
                return null;
            }
            boolean same = false;
            for (byte[] b : enc.bytes) {
                same |= b == data;
            }
            if (!same) {
                return null; // overwritten by a later overlay
            }
            String key = i.path + "|" + i.mode + "|" + i.uid + "|" + i.gid;
            Blob b = enc.blobs.get(key);
            if (b == null) {
                ByteArrayOutputStream one = new ByteArrayOutputStream(data.length + 256);
                CpioWriter w = new CpioWriter(one);
                w.putEntry(entry(i, data, mtime).withIno(0x7fff0000L + (key.hashCode() & 0xffff)), data);
                pad(w, one);
                byte[] c = one.toByteArray();
                b = new Blob(c, gzip(c));
                enc.blobs.putIfAbsent(key, b);
            }
            return b;
        }

        private static void flush(CpioWriter cpio, Segment seg, OutputStream raw, OutputStream gz) throws IOException {
            pad(cpio, seg);
            if (seg.size() > 0) {
                raw.write(seg.buf(), 0, seg.size());
                gzipMember(seg.buf(), seg.size(), gz);
            }
        }

        /** Pads the last entry's data to 4 bytes (CpioWriter pads lazily, before the next header). */
        private static void pad(CpioWriter w, ByteArrayOutputStream seg) {
            int n = (int) ((4 - (w.bytesWritten() & 3)) & 3);
            seg.write(new byte[n], 0, n);
        }

        private static byte[] gzip(byte[] data) throws IOException {
            ByteArrayOutputStream gz = new ByteArrayOutputStream(data.length / 4 + 64);
            gzipMember(data, data.length, gz);
            return gz.toByteArray();
        }

        /** A growable buffer whose bytes can be read without a copy. */
        private static final class Segment extends ByteArrayOutputStream {
            Segment(int size) {
                super(size);
            }

            byte[] buf() {
                return buf;
            }
        }
    }

    /** Entries of at least this size whose bytes every node shares are compressed once and spliced in. */
    static final int SPLICE_MIN = 1024;

    /** One Deflater per thread, reset per member: zlib's state is costly to set up for small inputs. */
    private static final ThreadLocal<java.util.zip.Deflater> DEFLATER =
            ThreadLocal.withInitial(() -> new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true));
    /** The gzip member header java.util.zip writes: deflate, no flags, no mtime, OS 0. */
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0};

    /** Writes {@code data[0..len)} as one gzip member (RFC 1952) to {@code out}. */
    static void gzipMember(byte[] data, int len, OutputStream out) throws IOException {
        java.util.zip.Deflater d = DEFLATER.get();
        d.reset();
        d.setInput(data, 0, len);
        d.finish();
        out.write(GZIP_HEADER);
        byte[] buf = new byte[Math.min(1 << 16, Math.max(256, len / 2 + 64))];
        while (!d.finished()) {
            int n = d.deflate(buf);
            out.write(buf, 0, n);
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data, 0, len);
        long c = crc.getValue();
        out.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
                (byte) len, (byte) (len >> 8), (byte) (len >> 16), (byte) (len >> 24)});
    }

    static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }
}
