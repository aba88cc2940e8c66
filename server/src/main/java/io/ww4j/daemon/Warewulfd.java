package io.ww4j.daemon;

import io.ww4j.Version;
import io.ww4j.config.ConfigException;
import io.ww4j.config.ConfigLoader;
import io.ww4j.config.WarewulfConf;
import io.ww4j.dhcp.Dhcp;
import io.ww4j.dhcp.DhcpNodes;
import io.ww4j.dhcp.DhcpServer;
import io.ww4j.dhcp.DbLeaseStore;
import io.ww4j.dhcp.LeaseStore;
import io.ww4j.dhcp.RegistryDhcpNodes;
import io.ww4j.http.HttpWiring;
import io.ww4j.node.NodeRegistry;
import io.ww4j.node.NodeStore;
import io.ww4j.overlay.OverlayBuilder;
import io.ww4j.overlay.OverlayStore;
import io.ww4j.tftp.TftpServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warewulfd entry point: reads warewulf.conf, starts the services of {@link #SERVICES} in
 * order, runs until SIGTERM/SIGINT, then stops them in reverse order. SIGHUP reloads.
 * {@code wwctl server} runs exactly this.
 */
public final class Warewulfd implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Warewulfd.class);

    /** Starts one part of the daemon; what it returns is closed at shutdown. */
    @FunctionalInterface
    public interface Service {
        AutoCloseable start(DaemonContext context) throws Exception;
    }

    public record Named(String name, Service service) {}

    /**
     * Everything the daemon runs, started top to bottom and closed bottom to top. Add a line for
     * a new server here. The control socket comes last so that wwctl is only served once
     * everything it may touch is up (and is the first thing closed).
     */
    public static final List<Named> SERVICES = List.of(
            new Named("nodes", Warewulfd::startNodes),
            new Named("dhcp", Warewulfd::startDhcp),
            new Named("http", Warewulfd::startHttp),
            new Named("tftp", Warewulfd::startTftp),
            new Named("control socket", ControlServer::start));

    private static AutoCloseable startNodes(DaemonContext ctx) {
        // The node database; on first start with an empty database it imports nodes.conf.
        NodeStore store = ctx.component(NodeStore.class, () -> NodeStore.openForDaemon(ctx.conf()));
        ctx.component(NodeRegistry.class, () -> store);
        return () -> { }; // closed with the context
    }

    /** HTTP; overlay images come from the overlay builder when the node database is up. */
    private static AutoCloseable startHttp(DaemonContext ctx) {
        NodeRegistry nodes = ctx.componentOrNull(NodeRegistry.class);
        if (nodes == null) {
            return HttpWiring.start(ctx.conf(), ctx.status(), (NodeRegistry) null);
        }
        OverlayBuilder builder = ctx.component(OverlayBuilder.class,
                () -> new OverlayBuilder(ctx.conf(), OverlayStore.of(ctx.conf()), nodes));
        return HttpWiring.start(ctx.conf(), ctx.status(), nodes,
                new BuiltOverlays(builder, ctx.conf().warewulf.autobuildOverlays));
    }

    private static AutoCloseable startDhcp(DaemonContext ctx) {
        NodeRegistry nodes = ctx.componentOrNull(NodeRegistry.class);
        NodeStore store = ctx.componentOrNull(NodeStore.class);
        DhcpServer dhcp = Dhcp.start(ctx.conf(), nodes == null ? DhcpNodes.empty() : new RegistryDhcpNodes(nodes),
                store == null ? LeaseStore.none() : new DbLeaseStore(store.leases()), ctx.status());
        return dhcp == null ? () -> { } : dhcp;
    }

    /** The built-in TFTP server if tftp.enabled; a port that cannot be bound is one log line, not fatal. */
    private static AutoCloseable startTftp(DaemonContext ctx) {
        if (!ctx.conf().tftp.enabled) {
            return () -> { };
        }
        NodeRegistry nodes = ctx.componentOrNull(NodeRegistry.class);
        TftpServer tftp = new TftpServer(TftpServer.Settings.from(ctx.conf()), ctx.status(),
                nodes == null ? null : ip -> nodes.byIpaddr(ip.getHostAddress()).map(n -> n.id).orElse(null));
        try {
            tftp.start();
            return tftp;
        } catch (IOException e) {
            log.error("tftp: not serving: {} (set 'tftp: port:' to a free port, or run with the privilege to bind it)",
                    e.getMessage());
            return () -> { };
        }
    }

    private final DaemonContext context;
    private final List<Named> started = new ArrayList<>();
    private final List<AutoCloseable> running = new ArrayList<>();

    private Warewulfd(DaemonContext context) {
        this.context = context;
    }

    public DaemonContext context() {
        return context;
    }

    /** What the service named {@code name} returned when it started, if it runs and is a {@code type}. */
    public synchronized <T> java.util.Optional<T> service(String name, Class<T> type) {
        for (int i = 0; i < started.size(); i++) {
            if (started.get(i).name().equals(name) && type.isInstance(running.get(i))) {
                return java.util.Optional.of(type.cast(running.get(i)));
            }
        }
        return java.util.Optional.empty();
    }

    /** Starts every service; on failure stops what already started and rethrows. */
    public static Warewulfd start(WarewulfConf conf) throws Exception {
        return start(conf, SERVICES);
    }

    public static Warewulfd start(WarewulfConf conf, List<Named> services) throws Exception {
        Warewulfd d = new Warewulfd(new DaemonContext(conf, true));
        try {
            for (Named s : services) {
                log.debug("starting {}", s.name());
                d.running.add(s.service().start(d.context));
                d.started.add(s);
            }
        } catch (Exception e) {
            log.error("starting failed: {}", e.toString());
            d.close();
            throw e;
        }
        return d;
    }

    @Override
    public synchronized void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                log.warn("stopping {}: {}", started.get(i).name(), e.toString());
            }
        }
        running.clear();
        started.clear();
        context.close();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Parses the daemon's options and runs in the foreground; returns the exit code. */
    public static int run(String[] args) {
        String confOption = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warewulfconf" -> {
                    if (i + 1 >= args.length) {
                        return die("--warewulfconf needs a file");
                    }
                    confOption = args[++i];
                }
                case "--debug", "-d" -> Logging.setDebug(true);
                case "--verbose", "-v" -> { }
                case "--help", "-h" -> {
                    System.out.println("""
                            Usage: warewulfd [--warewulfconf FILE] [--debug]
                            Runs the ww4j provisioning server (HTTP, DHCP, TFTP, wwctl control socket) in the foreground.
                              --warewulfconf FILE  configuration file (default: $WAREWULFCONF, then /etc/warewulf/warewulf.conf)
                              -d, --debug          log at debug level
                            SIGHUP reloads the node database; SIGTERM or SIGINT stops.""");
                    return 0;
                }
                default -> {
                    if (args[i].startsWith("--warewulfconf=")) {
                        confOption = args[i].substring("--warewulfconf=".length());
                    } else {
                        return die("unknown option: " + args[i]);
                    }
                }
            }
        }
        Path file = ConfigLoader.locate(confOption, System.getenv());
        WarewulfConf conf;
        try {
            conf = ConfigLoader.load(file);
        } catch (ConfigException e) {
            return die(e.getMessage());
        }
        log.info("ww4j {} (Warewulf {} compatible) starting with {}", Version.ww4j(), Version.WAREWULF_COMPAT, file);
        conf.warnings.forEach(w -> log.warn("{}", w));
        Warewulfd daemon;
        try {
            daemon = start(conf);
        } catch (Exception e) {
            return die(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            log.info("warewulfd stopping");
            daemon.close();
            stop.countDown();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Signals.onHangup(() -> daemon.context().reload());
        log.info("warewulfd ready");
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int die(String message) {
        System.err.println("ERROR: " + message);
        return 255;
    }
}
