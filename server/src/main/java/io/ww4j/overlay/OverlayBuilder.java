package io.ww4j.overlay;

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
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
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
    private final Map<String, Parsed> templates = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private volatile NodesState nodesState;

    private record Parsed(String key, Template template) {}

    private record NodesState(long generation, String hash, List<TemplateModel.Node> all) {}

    public OverlayBuilder(WarewulfConf conf, OverlayStore store, NodeRegistry nodes) {
        this.conf = conf;
        this.store = store;
        this.nodes = nodes;
        this.imageDir = conf.overlayImageDir();
        this.buildHost = hostname();
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
                    s = new NodesState(gen, HexFormat.of().formatHex(md.digest()), view);
                    nodesState = s;
                }
            }
        }
        return s;
    }

    /** Builds (or reuses) the image of {@code overlays} for {@code n}. */
    Path build(Node n, Context ctx, List<String> overlayNames, boolean gz) throws IOException {
        for (String o : overlayNames) {
            OverlayStore.validateName(o);
        }
        NodesState ns = nodesState();
        List<OverlayStore.Overlay> ovs = new ArrayList<>();
        List<List<OverlayStore.Entry>> walks = new ArrayList<>();
        for (String name : overlayNames) {
            OverlayStore.Overlay o = store.get(name);
            ovs.add(o);
            walks.add(store.walk(o));
        }
        MessageDigest md = sha256();
        md.update((ENGINE + "\0" + confHash() + "\0" + ns.hash + "\0" + n.id + "\0" + ctx + "\0"
                + String.join(",", overlayNames)).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < ovs.size(); i++) {
            md.update(("\0" + ovs.get(i).dir()).getBytes(StandardCharsets.UTF_8));
            for (OverlayStore.Entry e : walks.get(i)) {
                md.update(Fingerprint.of(e).getBytes(StandardCharsets.UTF_8));
            }
        }
        String key = HexFormat.of().formatHex(md.digest());
        Path img = imagePath(n.id, ctx, false);
        Path keyFile = img.resolveSibling("__" + ctx.name() + "__.key");
        Object lock = locks.computeIfAbsent(n.id + "/" + ctx, k -> new Object());
        synchronized (lock) {
            if (Files.exists(img) && Files.exists(img.resolveSibling(img.getFileName() + ".gz"))
                    && Fingerprint.upToDate(keyFile, key)) {
                return gz ? img.resolveSibling(img.getFileName() + ".gz") : img;
            }
            Tree tree = render(n, ns.all, ovs, walks);
            writeImage(img, tree, key, keyFile);
            log.info("{}: built the {} overlay ({} entries: {})", n.id, ctx.name().toLowerCase(), tree.size(),
                    String.join(" ", overlayNames));
            return gz ? img.resolveSibling(img.getFileName() + ".gz") : img;
        }
    }

    private String confHash() {
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

    /** Renders {@code overlayNames} for node {@code nodeId} without writing an image. */
    Tree renderTree(String nodeId, List<String> overlayNames) {
        Node n = nodes.byId(nodeId).orElseThrow(() -> new OverlayException("node does not exist: " + nodeId));
        List<OverlayStore.Overlay> ovs = new ArrayList<>();
        List<List<OverlayStore.Entry>> walks = new ArrayList<>();
        for (String name : overlayNames) {
            OverlayStore.Overlay o = store.get(name);
            ovs.add(o);
            walks.add(store.walk(o));
        }
        return render(n, nodesState().all, ovs, walks);
    }

    /** The rendered file tree of one node (for images and {@code overlay show --render}). */
    Tree render(Node n, List<TemplateModel.Node> all, List<OverlayStore.Overlay> ovs,
            List<List<OverlayStore.Entry>> walks) {
        Tree tree = new Tree();
        ZonedDateTime now = ZonedDateTime.now();
        for (int i = 0; i < ovs.size(); i++) {
            OverlayStore.Overlay o = ovs.get(i);
            for (OverlayStore.Entry e : walks.get(i)) {
                if (e.rel().isEmpty()) {
                    continue;
                }
                switch (e.kind()) {
                    case DIR -> tree.dir(e.rel(), e.mode(), e.uid(), e.gid());
                    case LINK -> tree.link(e.rel(), readLink(e.path()), e.uid(), e.gid());
                    case FILE -> tree.file(e.rel(), readBytes(e.path()), e.mode(), e.uid(), e.gid(), false);
                    case TEMPLATE -> {
                        TemplateData data = TemplateData.of(conf, n, all, o.name(), buildHost, now);
                        data.BuildSource = e.path().toString();
                        Rendered r = renderTemplate(n.id, o, e, data);
                        tree.reads.addAll(r.read());
                        r.warnings().forEach(w -> log.debug("{}: overlay {}: {}: {}", n.id, o.name(), e.rel(), w));
                        place(tree, o, e, r.result());
                    }
                    default -> throw new IllegalStateException();
                }
            }
        }
        return tree;
    }

    /** One template's result plus the server files it read. */
    record Rendered(RenderResult result, List<Path> read, List<String> warnings) {}

    /** Renders one template for one node; errors name node, overlay, file and line. */
    Rendered renderTemplate(String nodeId, OverlayStore.Overlay o, OverlayStore.Entry e, TemplateData data) {
        Template t = parse(o, e);
        WarewulfFunctions.Scope scope = new WarewulfFunctions.Scope(data, conf.sysconfDir(), conf.chrootDir());
        WarewulfFunctions.SCOPE.set(scope);
        try {
            RenderResult r = t.execute(data);
            return new Rendered(r, List.copyOf(scope.read), scope.warnings);
        } catch (TemplateException | IllegalArgumentException x) {
            throw new OverlayException("node " + nodeId + ": overlay " + o.name() + ": file " + e.rel() + ": "
                    + x.getMessage(), x);
        } finally {
            WarewulfFunctions.SCOPE.remove();
        }
    }

    private Template parse(OverlayStore.Overlay o, OverlayStore.Entry e) {
        String path = e.path().toString();
        String text;
        String fp;
        try {
            text = Files.readString(e.path(), StandardCharsets.UTF_8);
            fp = Fingerprint.of(e);
        } catch (IOException x) {
            throw new OverlayException("overlay " + o.name() + ": cannot read " + e.rel() + ": " + x.getMessage(), x);
        }
        Parsed p = templates.get(path);
        if (p != null && p.key.equals(fp + text.hashCode())) {
            return p.template;
        }
        try {
            Template t = Template.parse(e.path().getFileName().toString(), text, WarewulfFunctions.ALL);
            templates.put(path, new Parsed(fp + text.hashCode(), t));
            return t;
        } catch (TemplateException x) {
            throw new OverlayException("overlay " + o.name() + ": file " + e.rel() + ": " + x.getMessage(), x);
        }
    }

    /** Puts a template's output slots into the tree as upstream's BuildOverlayIndir does (§1.3). */
    private static void place(Tree tree, OverlayStore.Overlay o, OverlayStore.Entry e, RenderResult r) {
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
                tree.file(target, out.content().getBytes(StandardCharsets.UTF_8), e.mode(), e.uid(), e.gid(), r.backup());
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

    /** Writes {@code X.img} and {@code X.img.gz} (mode 0600) and the key, each atomically. */
    private void writeImage(Path img, Tree tree, String key, Path keyFile) throws IOException {
        Path dir = img.getParent();
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        } catch (IOException ignored) {
            // not ours to change
        }
        ByteArrayOutputStream cpio = new ByteArrayOutputStream();
        tree.writeCpio(cpio);
        byte[] raw = cpio.toByteArray();
        ByteArrayOutputStream gz = new ByteArrayOutputStream(raw.length / 4 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(gz, 65536)) {
            z.write(raw);
        }
        atomicWrite(img, raw);
        atomicWrite(img.resolveSibling(img.getFileName() + ".gz"), gz.toByteArray());
        atomicWrite(keyFile, Fingerprint.keyFile(key, List.copyOf(tree.reads)).getBytes(StandardCharsets.UTF_8));
    }

    static void atomicWrite(Path target, byte[] data) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp" + Thread.currentThread().threadId());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            ch.write(java.nio.ByteBuffer.wrap(data));
            ch.force(true);
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
                items.put(path + ".wwbackup", new Item(path + ".wwbackup", 'f', old.mode, old.uid, old.gid, old.data));
            }
            items.put(path, new Item(path, 'l', 0777, uid, gid, target.getBytes(StandardCharsets.UTF_8)));
        }

        void file(String path, byte[] data, int mode, int uid, int gid, boolean backup) {
            Item old = items.get(path);
            if (backup && old != null && old.kind != 'd' && !items.containsKey(path + ".wwbackup")) {
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

        void writeCpio(OutputStream out) throws IOException {
            long mtime = System.currentTimeMillis() / 1000;
            try (CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(nonClosing(out), CpioConstants.FORMAT_NEW)) {
                long ino = 1;
                for (Item i : items.values()) {
                    CpioArchiveEntry ce = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, i.path);
                    int type = switch (i.kind) {
                        case 'd' -> CpioConstants.C_ISDIR;
                        case 'l' -> CpioConstants.C_ISLNK;
                        default -> CpioConstants.C_ISREG;
                    };
                    ce.setMode(type | (i.mode & 07777));
                    ce.setUID(i.uid);
                    ce.setGID(i.gid);
                    ce.setInode(ino++);
                    ce.setNumberOfLinks(i.kind == 'd' ? 2 : 1);
                    ce.setTime(mtime);
                    byte[] data = i.data == null ? new byte[0] : i.data;
                    ce.setSize(data.length);
                    cpio.putArchiveEntry(ce);
                    cpio.write(data);
                    cpio.closeArchiveEntry();
                }
            }
        }

        private static OutputStream nonClosing(OutputStream out) {
            return new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }
    }

    static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }
}
