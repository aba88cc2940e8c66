package io.ww4j.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import io.ww4j.config.WarewulfConf;
import io.ww4j.node.Addresses;
import io.ww4j.status.BootEvent;
import io.ww4j.status.StatusTracker;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/**
 * warewulfd's HTTP server (spec/protocol.md §1): iPXE scripts, kernels, images, initramfs,
 * overlays, GRUB configs, EFI binaries, {@code /files/}, {@code /status} and {@code /metrics}, on
 * Undertow. Requests that look things up or render run on a worker thread; file bodies go out by
 * zero-copy transfer on the IO threads, and idle keep-alive connections hold no thread at all.
 */
public final class ProvisionServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProvisionServer.class);

    /** Prefix routes of upstream's mux; a request for the bare name is redirected to name + "/". */
    private static final Set<String> PREFIXES = Set.of("provision", "ipxe", "efiboot", "grub", "kernel", "image",
            "initramfs", "system", "runtime", "files", "container", "overlay-system", "overlay-runtime");
    private static final Set<String> PROVISION_STAGES = Set.of("ipxe", "kernel", "image", "system", "runtime",
            "grub", "initramfs");
    private static final Set<String> GRUB_EFI = Set.of("grub.efi", "grub-tpm.efi", "grubx64.efi", "grubia32.efi",
            "grubaa64.efi", "grubarm.efi");
    private static final List<String> SHIM_DIRS = List.of("usr/share/efi/*", "usr/lib64/efi", "boot/efi/EFI/*");
    private static final List<String> SHIM_NAMES = List.of("shim.efi", "shim-sles.efi", "shimx64.efi",
            "shim-susesigned.efi");
    private static final List<String> GRUB_DIRS = List.of("usr/lib64/efi", "usr/share/grub2/*-efi", "usr/share/efi/*",
            "boot/efi/EFI/*");
    private static final List<String> GRUB_NAMES = List.of("grub-tpm.efi", "grub.efi", "grubx64.efi", "grubia32.efi",
            "grubaa64.efi", "grubarm.efi");

    /** Everything the server needs from the rest of warewulfd. */
    public record Deps(WarewulfConf conf, NodeView nodes, ImageProvider images, OverlayProvider overlays,
                       TemplateRenderer templates, StatusTracker status, ArpTable arp, FileRenderer fileRenderer) {
        /** Without a node store to render {@code /files/?render} with (it then answers 500). */
        public Deps(WarewulfConf conf, NodeView nodes, ImageProvider images, OverlayProvider overlays,
                    TemplateRenderer templates, StatusTracker status, ArpTable arp) {
            this(conf, nodes, images, overlays, templates, status, arp, FileRenderer.NONE);
        }
    }

    private final Deps d;
    private final WarewulfConf conf;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter bytesSent;
    private Undertow undertow;
    private final String bindHost;
    private int boundPort = -1;
    private int boundTlsPort = -1;
    private volatile long nodesGeneration;

    public ProvisionServer(Deps deps) {
        this(deps, null);
    }

    /** @param bindHost address to listen on; null means all addresses (IPv4 and IPv6). */
    public ProvisionServer(Deps deps, String bindHost) {
        this.d = deps;
        this.conf = deps.conf();
        this.ipaddr6 = IpxeVars.goIp(conf.ipaddr6);
        this.grubCandidates = List.of(conf.sysconfDir().resolve("grub").resolve("grub.cfg.ww"),
                Path.of(conf.paths.datadir, "warewulf", "grub", "grub.cfg.ww"),
                Path.of(conf.paths.datadir, "warewulf", "ipxe", "grub.cfg.ww"));
        this.bindHost = bindHost == null ? "::" : bindHost;
        this.bytesSent = Counter.builder("ww4j_http_sent_bytes").description("response bytes sent")
                .register(metrics);
        Gauge.builder("ww4j_http_transfers_in_flight", inFlight, AtomicInteger::get)
                .description("file transfers in progress").register(metrics);
        this.undertow = build(this.bindHost);
    }

    private Undertow build(String host) {
        HttpHandler root = this::handle;
        Undertow.Builder b = Undertow.builder();
        if (conf.warewulf.tls) {
            // Same routes over HTTPS; the plain listener stays (iPXE and GRUB cannot do TLS).
            Path tlsDir = conf.sysconfDir().resolve("tls");
            b.addHttpsListener(conf.warewulf.tlsPort, host,
                    TlsFiles.load(tlsDir.resolve("warewulf.key"), tlsDir.resolve("warewulf.crt")));
        }
        return b
                .addHttpListener(conf.warewulf.port, host)
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, true)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 64 * 1024)
                .setServerOption(UndertowOptions.ALLOW_ENCODED_SLASH, false)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, -1)
                .setSocketOption(Options.TCP_NODELAY, true)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                .setHandler(root)
                .build();
    }

    public void start() {
        try {
            undertow.start();
        } catch (RuntimeException e) {
            if (!bindHost.equals("::")) {
                throw e;
            }
            // No IPv6 on this host: all IPv4 addresses then.
            log.warn("cannot listen on [::]:{} ({}); trying 0.0.0.0", conf.warewulf.port, e.getMessage());
            undertow = build("0.0.0.0");
            undertow.start();
        }
        for (Undertow.ListenerInfo l : undertow.getListenerInfo()) {
            if (l.getAddress() instanceof InetSocketAddress a) {
                if (l.getProtcol().equals("https")) {
                    boundTlsPort = a.getPort();
                } else {
                    boundPort = a.getPort();
                }
            }
        }
        nodesGeneration = d.nodes().generation();
        d.status().setNodes(d.nodes().nodeIds());
        log.info("HTTP provisioning server listening on [{}]:{}{}", bindHost, boundPort,
                boundTlsPort > 0 ? ", HTTPS on port " + boundTlsPort : "");
    }

    /** The port actually bound (useful with {@code warewulf.port: 0}). */
    public int port() {
        return boundPort;
    }

    /** The HTTPS port actually bound, or -1 without TLS. */
    public int tlsPort() {
        return boundTlsPort;
    }

    /** Re-reads the node list for the status table (after a reload of the node store). */
    public void nodesChanged() {
        d.status().setNodes(d.nodes().nodeIds());
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    @Override
    public void close() {
        undertow.stop();
    }

    // ---------------------------------------------------------------- routing

    private void handle(HttpServerExchange ex) {
        // Collapse "//": shim asks for /efiboot//grub.efi and cannot follow a redirect (§1.2).
        String path = foldSlashes(ex.getRequestPath());
        String[] seg = path.split("/", -1);
        String first = seg.length > 1 ? seg[1] : "";
        // Lookups, renders and file serving are quick and stay on the IO thread; whatever may block
        // (overlay builds, discovery writes, large status/metrics documents) goes to a worker.
        if (ex.isInIoThread() && mayBlock(ex, first)) {
            ex.dispatch(this::handle);
            return;
        }
        try {
            String routeTag = routeName(first, seg.length);
            if (ex.putAttachment(COUNTED, Boolean.TRUE) == null) {
                ex.addExchangeCompleteListener((e, next) -> {
                    requestCounter(routeTag, e.getStatusCode()).increment();
                    bytesSent.increment(e.getResponseBytesSent());
                    next.proceed();
                });
            }
            long gen = d.nodes().generation();
            if (gen != nodesGeneration) {
                nodesGeneration = gen; // nodes added or removed (reload, discovery): refresh the status rows
                nodesChanged();
            }
            if (path.equals("/status")) {
                sendText(ex, 200, "text/plain; charset=utf-8", d.status().toJson());
                return;
            }
            if (path.equals("/metrics")) {
                updateStageGauges();
                sendText(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
                return;
            }
            if (seg.length == 2 && PREFIXES.contains(first)) {
                String q = ex.getQueryString();
                ex.getResponseHeaders().put(Headers.LOCATION, "/" + first + "/" + (q.isEmpty() ? "" : "?" + q));
                sendText(ex, StatusCodes.MOVED_PERMANENTLY, "text/html; charset=utf-8", "");
                return;
            }
            if (seg.length < 3 || !PREFIXES.contains(first)) {
                sendText(ex, 404, "text/plain; charset=utf-8", "404 page not found\n");
                return;
            }
            if (first.equals("files")) {
                files(ex, path.substring("/files/".length()));
                return;
            }
            provision(ex, seg);
        } catch (RuntimeException e) {
            log.error("HTTP {} {}: internal error", ex.getRequestMethod(), ex.getRequestURI(), e);
            if (!ex.isResponseStarted()) {
                sendText(ex, 500, "text/plain; charset=utf-8", "internal error\n");
            } else {
                ex.endExchange();
            }
        }
    }

    private static String foldSlashes(String p) {
        if (p.indexOf("//") < 0) {
            return p;
        }
        StringBuilder b = new StringBuilder(p.length());
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c != '/' || b.isEmpty() || b.charAt(b.length() - 1) != '/') {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static final io.undertow.util.AttachmentKey<Boolean> COUNTED =
            io.undertow.util.AttachmentKey.create(Boolean.class);

    private static boolean mayBlock(HttpServerExchange ex, String first) {
        return switch (first) {
            case "status", "metrics", "system", "runtime", "overlay-system", "overlay-runtime" -> true;
            case "files" -> ex.getQueryParameters().containsKey("render"); // Include() reads files
            case "provision" -> {
                String stage = first(ex, "stage");
                yield stage != null && (stage.equals("system") || stage.equals("runtime")
                        || stage.startsWith("overlay"));
            }
            default -> false;
        };
    }

    private static String routeName(String first, int segments) {
        if (first.equals("status") && segments == 2) {
            return "status";
        }
        if (first.equals("metrics") && segments == 2) {
            return "metrics";
        }
        return PREFIXES.contains(first) ? first : "other";
    }

    private final Map<String, Counter> requestCounters = new java.util.concurrent.ConcurrentHashMap<>();

    private Counter requestCounter(String route, int code) {
        return requestCounters.computeIfAbsent(route + ' ' + code, k -> metrics.counter("ww4j_http_requests",
                "route", route, "code", String.valueOf(code)));
    }

    private final Map<String, AtomicInteger> stageGauges = new java.util.concurrent.ConcurrentHashMap<>();

    private void updateStageGauges() {
        Map<String, Long> counts = d.status().nodesPerStage();
        for (String stage : counts.keySet()) {
            stageGauges.computeIfAbsent(stage, s -> {
                AtomicInteger v = new AtomicInteger();
                Gauge.builder("ww4j_nodes", v, AtomicInteger::get).tag("stage", s.isEmpty() ? "unseen" : s)
                        .description("configured nodes by their last provisioning stage").register(metrics);
                return v;
            });
        }
        stageGauges.forEach((s, v) -> v.set(counts.getOrDefault(s, 0L).intValue()));
    }

    // ---------------------------------------------------------------- provisioning pipeline (§1.4, §1.5)

    private void provision(HttpServerExchange ex, String[] seg) {
        String stage = seg[1];
        if (stage.equals("provision")) {
            String q = first(ex, "stage");
            if (q != null) {
                stage = q;
            }
        }
        stage = switch (stage) {
            case "provision" -> "ipxe";
            case "container" -> "image";
            case "overlay-system" -> "system";
            case "overlay-runtime" -> "runtime";
            default -> stage;
        };
        if (stage.isEmpty()) {
            sendEmpty(ex, 400);
            return;
        }
        if (seg[1].equals("provision") && !PROVISION_STAGES.contains(stage)) {
            sendEmpty(ex, 400);
            return;
        }
        // 1. The runtime overlay holds secrets: with TLS on it is only served over TLS.
        if (stage.equals("runtime") && conf.warewulf.tls && ex.getConnection().getSslSessionInfo() == null) {
            sendEmpty(ex, 403);
            return;
        }
        // 2. Parse.
        InetSocketAddress peer = ex.getSourceAddress();
        if (peer == null || peer.getPort() == 0 || peer.getAddress() == null) {
            sendEmpty(ex, 400);
            return;
        }
        String peerIp = peer.getAddress().getHostAddress();
        boolean ipv6 = peer.getAddress() instanceof Inet6Address;
        String hwaddr = "";
        String efiFile = "";
        if (stage.equals("efiboot")) {
            efiFile = String.join("/", List.of(seg).subList(2, seg.length));
            if (efiFile.isEmpty()) {
                efiFile = orEmpty(first(ex, "file"));
            }
        } else {
            hwaddr = Hwaddr.normalise(seg[2]);
        }
        if (hwaddr.isEmpty()) {
            hwaddr = Hwaddr.normalise(orEmpty(first(ex, "wwid")));
        }
        if (hwaddr.isEmpty()) {
            hwaddr = d.arp().lookup(peerIp).orElse("");
        }
        if (hwaddr.isEmpty()) {
            sendEmpty(ex, 400);
            return;
        }
        ProvisionRequest req = new ProvisionRequest(stage, hwaddr, efiFile, orEmpty(first(ex, "assetkey")),
                orEmpty(first(ex, "compress")), peerIp, peer.getPort(), ipv6);
        // 3. Secure mode: the runtime overlay only to privileged source ports (root on the node).
        if (stage.equals("runtime") && conf.warewulf.secure && req.peerPort() >= 1024) {
            log.info("{}: runtime overlay refused to {}:{} (source port >= 1024, secure mode)", hwaddr, peerIp,
                    req.peerPort());
            sendEmpty(ex, 401);
            return;
        }
        // 4. Node lookup, then discovery.
        Optional<BootNode> node;
        try {
            node = d.nodes().byHwaddr(hwaddr);
            if (node.isEmpty() && Hwaddr.wellFormed(hwaddr)) {
                if (ex.isInIoThread()) {
                    ex.dispatch(this::handle); // discovery writes to the store: start over on a worker
                    return;
                }
                node = d.nodes().discover(hwaddr);
                if (node.isPresent()) {
                    log.info("discovered node {} at {} ({})", node.get().id(), hwaddr, peerIp);
                    nodesChanged();
                }
            }
        } catch (NodeView.DiscoveryException e) {
            log.error("{}: node lookup/discovery failed: {}", hwaddr, e.getMessage(), e);
            sendEmpty(ex, 503);
            return;
        }
        // 5. Asset key: exact match.
        if (node.isPresent() && !node.get().assetKey().isEmpty() && !node.get().assetKey().equals(req.assetKey())) {
            log.warn("{}: wrong asset key from {} for stage {}", node.get().id(), peerIp, stage);
            result(ex, req, node, 401, "BAD_ASSET");
            return;
        }
        switch (stage) {
            case "ipxe" -> ipxe(ex, req, node);
            case "kernel" -> kernel(ex, req, node);
            case "image" -> image(ex, req, node);
            case "initramfs" -> initramfs(ex, req, node);
            case "system" -> overlay(ex, req, node, OverlayProvider.Kind.SYSTEM);
            case "runtime" -> overlay(ex, req, node, OverlayProvider.Kind.RUNTIME);
            case "grub" -> grub(ex, req, node);
            case "efiboot" -> efiboot(ex, req, node);
            default -> sendEmpty(ex, 400); // unknown path stage cannot happen (PREFIXES); kept for safety
        }
    }

    // ---------------------------------------------------------------- stages (§1.6)

    private void ipxe(HttpServerExchange ex, ProvisionRequest req, Optional<BootNode> node) {
        if (!req.compress().isEmpty()) {
            sendEmpty(ex, 404);
            return;
        }
        if (node.isEmpty()) {
            renderTemplate(ex, req, node, ipxeTemplate("unconfigured"), "unconfigured.ipxe");
            return;
        }
        String name = node.get().ipxeTemplate().isEmpty() ? "default" : node.get().ipxeTemplate();
        renderTemplate(ex, req, node, ipxeTemplate(name), name + ".ipxe");
    }

    private void grub(HttpServerExchange ex, ProvisionRequest req, Optional<BootNode> node) {
        if (!req.compress().isEmpty() || node.isEmpty()) {
            sendEmpty(ex, 404);
            return;
        }
        renderTemplate(ex, req, node, grubTemplate(), "grub.cfg.ww");
    }

    private void kernel(HttpServerExchange ex, ProvisionRequest req, Optional<BootNode> node) {
        if (node.isEmpty() || node.get().imageName().isEmpty()) {
            result(ex, req, node, 400, "BAD_REQUEST");
            return;
        }
        Optional<ImageProvider.Kernel> k = d.images().kernel(node.get().imageName(), node.get().kernelVersion());
        if (k.isEmpty()) {
            result(ex, req, node, 400, "BAD_REQUEST");
            return;
        }
        serveFile(ex, req, node, k.get().file());
    }

    private void image(HttpServerExchange ex, ProvisionRequest req, Optional<BootNode> node) {
        if (node.isEmpty() || node.get().imageName().isEmpty()) {
            result(ex, req, node, 400, "BAD_REQUEST");
            return;
        }
        if (!compressOk(ex, req)) {
            return;
        }
        Path img = d.images().imageFile(node.get().imageName(), false);
        if (!Files.isRegularFile(img)) {
            result(ex, req, node, 404, "NOT_FOUND");
            return;
        }
        serveFile(ex, req, node, img);
    }

    private void initramfs(HttpServerExchange ex, ProvisionRequest req, Optional<BootNode> node) {
        if (node.isEmpty() || node.get().imageName().isEmpty()) {
            result(ex, req, node, 400, "BAD_REQUEST");
            return;
        }
        Optional<Path> f = d.images().initramfs(node.get().imageName(), node.get().kernelVersion());
        if (f.isEmpty()) {
            result(ex, req, node, 400, "BAD_REQUEST");
            return;
        }
        serveFile(ex, req, node, f.get());
    }

    private void overlay(HttpServerExchange ex, ProvisionRequest req, Optional<BootNode> node,
                         OverlayProvider.Kind kind) {
        if (node.isEmpty()) {
            result(ex, req, node, 400, "BAD_REQUEST");
            return;
        }
        if (!compressValueOk(ex, req)) {
            return;
        }
        Optional<Path> img;
        try {
            img = d.overlays().overlay(node.get(), kind, false);
        } catch (IOException | RuntimeException e) {
            // Upstream loses build errors and answers 404; a failed build is a server error.
            log.error("{}: building the {} overlay failed: {}", node.get().id(), kind.name().toLowerCase(),
                    e.getMessage(), e);
            result(ex, req, node, 500, "BAD_REQUEST");
            return;
        }
        if (img.isEmpty()) {
            result(ex, req, node, 404, "NOT_FOUND");
            return;
        }
        serveFile(ex, req, node, img.get());
    }

    private void efiboot(HttpServerExchange ex, ProvisionRequest req, Optional<BootNode> node) {
        if (node.isEmpty()) {
            result(ex, req, node, 400, "BAD_REQUEST");
            return;
        }
        String file = req.efiFile();
        if (file.equals("grub.cfg")) {
            renderTemplate(ex, req, node, grubTemplate(), "grub.cfg.ww");
            return;
        }
        boolean shim = file.equals("shim.efi");
        if (!shim && !GRUB_EFI.contains(file)) {
            sendEmpty(ex, 404);
            return;
        }
        // Upstream serves the server host's own shim/grub for a node without an image; we do not.
        Optional<Path> root = node.get().imageName().isEmpty() ? Optional.empty()
                : d.images().rootfs(node.get().imageName());
        if (root.isEmpty()) {
            result(ex, req, node, 400, "BAD_REQUEST");
            return;
        }
        Optional<Path> found = shim ? EfiSearch.find(root.get(), SHIM_DIRS, SHIM_NAMES)
                : EfiSearch.find(root.get(), GRUB_DIRS, GRUB_NAMES);
        if (found.isEmpty()) {
            sendEmpty(ex, 404);
            return;
        }
        serveFile(ex, req, node, found.get(), shim ? "shim.efi" : found.get().getFileName().toString());
    }

    // ---------------------------------------------------------------- /files/ (§1.6)

    private void files(HttpServerExchange ex, String relative) {
        InetSocketAddress peer = ex.getSourceAddress();
        String peerIp = peer.getAddress().getHostAddress();
        String hwaddr = Hwaddr.normalise(orEmpty(first(ex, "wwid")));
        if (hwaddr.isEmpty()) {
            hwaddr = d.arp().lookup(peerIp).orElse("");
        }
        Optional<BootNode> node = hwaddr.isEmpty() ? Optional.empty() : d.nodes().byHwaddr(hwaddr);
        if (node.isEmpty()) {
            sendText(ex, 401, "text/plain; charset=utf-8", "unauthorized: node not identified\n");
            return;
        }
        if (conf.warewulf.secureFiles() && peer.getPort() >= 1024) {
            sendText(ex, 403, "text/plain; charset=utf-8", "forbidden: source port must be < 1024\n");
            return;
        }
        String key = first(ex, "assetkey");
        if (!node.get().assetKey().isEmpty()) {
            if (key == null) {
                sendText(ex, 401, "text/plain; charset=utf-8", "unauthorized: asset key required\n");
                return;
            }
            if (!key.equals(node.get().assetKey())) {
                sendText(ex, 403, "text/plain; charset=utf-8", "forbidden: wrong asset key\n");
                return;
            }
        }
        String render = first(ex, "render");
        if (render != null) {
            renderFile(ex, node.get(), relative, render, peerIp);
            return;
        }
        Optional<Path> file = SafePath.resolve(Path.of(conf.paths.wwfilesdir), relative);
        if (file.isEmpty() || !Files.isRegularFile(file.get())) {
            sendText(ex, 404, "text/plain; charset=utf-8", "404 page not found\n");
            return;
        }
        startTransfer(ex);
        if (!FileSender.send(ex, file.get(), () -> {})) {
            sendText(ex, 404, "text/plain; charset=utf-8", "404 page not found\n");
        }
    }

    /**
     * {@code /files/<path>?render[=<node id>]}: renders {@code <path>} (ending in .ww) or
     * {@code <path>.ww} for the identified node with the overlay engine (spec §1.6).
     */
    private void renderFile(HttpServerExchange ex, BootNode node, String relative, String render, String peerIp) {
        if (!render.isEmpty() && !render.equals(node.id())) {
            sendText(ex, 400, "text/plain; charset=utf-8", "render: " + render + " is not the requesting node\n");
            return;
        }
        Path root = Path.of(conf.paths.wwfilesdir);
        Optional<Path> template;
        if (relative.endsWith(".ww")) {
            template = SafePath.resolve(root, relative).filter(Files::isRegularFile);
        } else {
            template = SafePath.resolve(root, relative + ".ww").filter(Files::isRegularFile);
            if (template.isEmpty() && SafePath.resolve(root, relative).isPresent()) {
                sendText(ex, 400, "text/plain; charset=utf-8", "render: " + relative + " is not a template (.ww)\n");
                return;
            }
        }
        if (template.isEmpty()) {
            sendText(ex, 404, "text/plain; charset=utf-8", "404 page not found\n");
            return;
        }
        String text;
        try {
            text = d.fileRenderer().render(node.id(), template.get());
        } catch (TemplateRenderer.TemplateFailure e) {
            log.error("{}: rendering {} for /files/ failed, answering 500: {}", node.id(), template.get(),
                    e.getMessage());
            sendText(ex, 500, "text/plain; charset=utf-8", "template error\n");
            return;
        }
        log.debug("{}: rendered {} for {}", node.id(), template.get(), peerIp);
        sendText(ex, 200, "application/octet-stream", text);
    }

    // ---------------------------------------------------------------- helpers

    /** compress: "" or "gz" are fine; any other value is a 404 (upstream streams the file under a 404). */
    private boolean compressValueOk(HttpServerExchange ex, ProvisionRequest req) {
        if (req.compress().isEmpty() || req.compress().equals("gz")) {
            return true;
        }
        sendEmpty(ex, 404);
        return false;
    }

    private boolean compressOk(HttpServerExchange ex, ProvisionRequest req) {
        return compressValueOk(ex, req);
    }

    private void serveFile(HttpServerExchange ex, ProvisionRequest req, Optional<BootNode> node, Path file) {
        serveFile(ex, req, node, file, file.getFileName().toString());
    }

    /** Serves {@code file} (or its .gz sibling with compress=gz) and records the status. */
    private void serveFile(HttpServerExchange ex, ProvisionRequest req, Optional<BootNode> node, Path file,
                           String sentName) {
        if (!compressValueOk(ex, req)) {
            return;
        }
        Path target = file;
        if (req.compress().equals("gz")) {
            target = file.resolveSibling(file.getFileName() + ".gz");
            if (!Files.isRegularFile(target)) {
                sendEmpty(ex, 404);
                return;
            }
            sentName = sentName + ".gz";
        }
        long size;
        try {
            size = Files.size(target);
        } catch (IOException e) {
            result(ex, req, node, 404, "NOT_FOUND");
            return;
        }
        // Record first: the body goes out asynchronously and the client may be back before we return.
        record(req, node, sentName, size, true, "");
        log.debug("{} {} -> {} ({} bytes) to {}", req.stage(), node.map(BootNode::id).orElse(req.hwaddr()), target,
                size, req.peerIp());
        if (!FileSender.send(ex, target, () -> startTransfer(ex))) {
            result(ex, req, node, 404, "NOT_FOUND");
        }
    }

    private void startTransfer(HttpServerExchange ex) {
        inFlight.incrementAndGet();
        ex.addExchangeCompleteListener((e, next) -> {
            inFlight.decrementAndGet();
            next.proceed();
        });
    }

    /**
     * Renders an iPXE/GRUB template for the node (or the unknown MAC) and sends it. The text is kept
     * per (template, MAC) and reused while the template file, the node and every other input of
     * its templateVars are unchanged, so a node asking again (iPXE retries, reboots) costs a lookup.
     */
    private void renderTemplate(HttpServerExchange ex, ProvisionRequest req, Optional<BootNode> node,
                                List<Path> candidates, String sent) {
        byte[] body;
        Path file = candidates.isEmpty() ? null : candidates.get(0);
        try {
            Optional<TemplateRenderer.Loaded> found = d.templates().find(candidates);
            if (found.isEmpty()) {
                log.warn("{}: {} template not found", node.map(BootNode::id).orElse(req.hwaddr()), sent);
                result(ex, req, node, 404, "NOT_FOUND");
                return;
            }
            TemplateRenderer.Loaded t = found.get();
            file = t.path();
            ScriptInputs in = node.isPresent() ? inputs(ex, req, node.get()) : ScriptInputs.unknown(req.hwaddr());
            String key = file + "\0" + req.hwaddr();
            Rendered r = rendered.get(key);
            if (KEEP_SCRIPTS && r != null && r.stamp() == t.stamp() && r.inputs().equals(in)
                    && Objects.equals(r.node(), node.orElse(null))) {
                body = r.body();
            } else {
                Object data = node.isPresent() ? templateData(in, node.get()) : IpxeVars.unknown(req.hwaddr());
                body = t.render(data).getBytes(StandardCharsets.UTF_8);
                if (rendered.size() >= MAX_RENDERED) {
                    rendered.clear(); // bounded: many bogus MACs must not grow the heap
                }
                rendered.put(key, new Rendered(t.stamp(), in, node.orElse(null), body));
            }
        } catch (TemplateRenderer.TemplateFailure e) {
            // Go's message names the template, line and column: "template: default.ipxe:12:3: ..."
            log.error("{} ({}): rendering {} failed, answering 500: {}", node.map(BootNode::id).orElse("unknown node"),
                    req.hwaddr(), file, e.getMessage());
            sendText(ex, 500, "text/plain; charset=utf-8", "template error\n");
            return;
        }
        record(req, node, sent, body.length, true, "");
        ex.setStatusCode(200);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text");
        ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        ex.getResponseSender().send(java.nio.ByteBuffer.wrap(body));
    }

    private static final int MAX_RENDERED = 200_000;
    /** Benchmark knob ({@code -Dww4j.http.keepScripts=false}): render every request, to measure a cold boot storm. */
    private static final boolean KEEP_SCRIPTS = !"false".equals(System.getProperty("ww4j.http.keepScripts"));
    private final Map<String, Rendered> rendered = new java.util.concurrent.ConcurrentHashMap<>();

    /** A rendered script and everything it was rendered from. */
    private record Rendered(long stamp, ScriptInputs inputs, BootNode node, byte[] body) {}

    /** The inputs of templateVars besides the node: request MAC and the server's side (spec §2.1). */
    private record ScriptInputs(String hwaddr, String ipaddr, String ipaddr6, String port, String authority,
                                boolean tls, String kernelVersion) {
        static ScriptInputs unknown(String hwaddr) {
            return new ScriptInputs(hwaddr, "", "", "", "", false, "");
        }
    }

    /** A failure that upstream records in the status table (BAD_REQUEST, NOT_FOUND, BAD_ASSET). */
    private void result(HttpServerExchange ex, ProvisionRequest req, Optional<BootNode> node, int code, String sent) {
        record(req, node, sent, 0, false, String.valueOf(code));
        log.info("{} {} from {}: {} {}", req.stage(), node.map(BootNode::id).orElse(req.hwaddr()), req.peerIp(), code,
                sent);
        sendEmpty(ex, code);
    }

    private void record(ProvisionRequest req, Optional<BootNode> node, String sent, long bytes, boolean ok,
                        String why) {
        String id = node.map(BootNode::id).orElse(null);
        Instant now = Instant.now();
        if (id != null) {
            d.status().update(id, req.stage(), sent, req.peerIp(), now.getEpochSecond());
        }
        BootEvent e = new BootEvent(id, req.hwaddr(), req.peerIp() + ":" + req.peerPort(), BootEvent.Protocol.HTTP,
                req.stage().toUpperCase(), sent, bytes, ok, why, now);
        d.status().record(e);
    }

    /** warewulf.conf ipaddr6 as Go prints a net.IP (compressed, lower case). */
    private final String ipaddr6;

    private ScriptInputs inputs(HttpServerExchange ex, ProvisionRequest req, BootNode n) {
        String ipaddr = conf.ipaddr;
        String port = String.valueOf(conf.warewulf.port == 0 ? boundPort : conf.warewulf.port);
        if (ipaddr.isEmpty()) {
            // No ipaddr configured (upstream would autodetect): the address the client asked for in
            // its Host header when that is an IPv4 literal (behind NAT or a port forward, e.g. QEMU's
            // guestfwd, that is the only address the node can reach), else the address the
            // connection arrived on.
            String[] host = ipv4Host(ex.getRequestHeaders().getFirst(Headers.HOST));
            if (host != null) {
                ipaddr = host[0];
                if (host[1] != null) {
                    port = host[1];
                }
            } else {
                InetSocketAddress local = ex.getDestinationAddress();
                ipaddr = local.getAddress() instanceof Inet6Address ? "" : local.getAddress().getHostAddress();
            }
        }
        String authority = req.ipv6() && !ipaddr6.isEmpty() ? "[" + ipaddr6 + "]:" + port : ipaddr + ":" + port;
        String kernelVersion = n.kernelVersion();
        if (kernelVersion.isEmpty() && !n.imageName().isEmpty()) {
            kernelVersion = d.images().kernel(n.imageName(), "").map(ImageProvider.Kernel::version).orElse("");
        }
        return new ScriptInputs(req.hwaddr(), ipaddr, ipaddr6, port, authority, conf.warewulf.tls, kernelVersion);
    }

    /** {address, port or null} of a Host header value that is an IPv4 literal, else null. */
    static String[] ipv4Host(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        String h = hostHeader.trim();
        int colon = h.indexOf(':');
        String addr = colon < 0 ? h : h.substring(0, colon);
        if (!Addresses.isIpv4(addr)) {
            return null;
        }
        if (colon < 0) {
            return new String[] {addr, null};
        }
        String port = h.substring(colon + 1);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int p = Integer.parseInt(port);
        return p < 1 || p > 65535 ? null : new String[] {addr, String.valueOf(p)};
    }

    /** Upstream's templateVars for a known node (spec §2.1). */
    private static IpxeVars templateData(ScriptInputs in, BootNode n) {
        IpxeVars v = new IpxeVars();
        v.Id = n.id();
        v.Hostname = n.id();
        v.Fqdn = n.id();
        v.Cluster = n.clusterName();
        v.ImageName = n.imageName();
        v.Ipxe = n.ipxeTemplate();
        v.Hwaddr = in.hwaddr();
        v.Ipaddr = in.ipaddr();
        v.Ipaddr6 = in.ipaddr6();
        v.Port = in.port();
        v.Authority = in.authority();
        v.TLS = in.tls();
        v.KernelArgs = String.join(" ", n.kernelArgs());
        v.KernelVersion = in.kernelVersion();
        v.Root = n.root();
        v.Tags = n.tags();
        v.NetDevs = IpxeVars.netDevs(n.netDevs());
        return v;
    }

    /** Site templates in {@code <sysconfdir>/warewulf/ipxe} win over ours in {@code <datadir>/warewulf/ipxe}. */
    private List<Path> ipxeTemplate(String name) {
        if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            return List.of();
        }
        return ipxeCandidates.computeIfAbsent(name, n -> List.of(conf.ipxeTemplateDir().resolve(n + ".ipxe"),
                Path.of(conf.paths.datadir, "warewulf", "ipxe", n + ".ipxe")));
    }

    private final Map<String, List<Path>> ipxeCandidates = new java.util.concurrent.ConcurrentHashMap<>();

    private List<Path> grubTemplate() {
        return grubCandidates;
    }

    private final List<Path> grubCandidates;

    private static String first(HttpServerExchange ex, String name) {
        Deque<String> v = ex.getQueryParameters().get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static void sendEmpty(HttpServerExchange ex, int code) {
        ex.setStatusCode(code);
        ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
        ex.endExchange();
    }

    private static void sendText(HttpServerExchange ex, int code, String type, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.setStatusCode(code);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
        ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, b.length);
        ex.getResponseSender().send(java.nio.ByteBuffer.wrap(b));
    }
}
