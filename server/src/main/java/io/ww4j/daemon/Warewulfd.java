package io.ww4j.daemon;

import io.ww4j.Version;
import io.ww4j.config.ConfigException;
import io.ww4j.config.ConfigLoader;
import io.ww4j.config.WarewulfConf;
import io.ww4j.dhcp.Dhcp;
import io.ww4j.dhcp.DhcpNodes;
import io.ww4j.dhcp.DhcpServer;
import io.ww4j.http.HttpWiring;
import io.ww4j.node.InMemoryRegistry;
import io.ww4j.node.NodeRegistry;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfReader;
import java.nio.file.Files;
import io.ww4j.http.ProvisionServer;
import io.ww4j.status.StatusTracker;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warewulfd entry point: reads warewulf.conf, starts the servers, runs until SIGTERM/SIGINT.
 * Protocol servers are wired in here as they are built (see ARCHITECTURE.md).
 */
public final class Warewulfd {
    private static final Logger log = LoggerFactory.getLogger(Warewulfd.class);

    private Warewulfd() {}

    public static void main(String[] args) {
        String confOption = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warewulfconf" -> {
                    if (i + 1 >= args.length) {
                        die("--warewulfconf needs a file");
                    }
                    confOption = args[++i];
                }
                case "--debug", "-d" -> Logging.setDebug(true);
                case "--help", "-h" -> {
                    System.out.println("""
                            Usage: warewulfd [--warewulfconf FILE] [--debug]
                            Runs the ww4j provisioning server (HTTP, DHCP, TFTP) in the foreground.
                              --warewulfconf FILE  configuration file (default: $WAREWULFCONF, then /etc/warewulf/warewulf.conf)
                              -d, --debug          log at debug level""");
                    return;
                }
                default -> {
                    if (args[i].startsWith("--warewulfconf=")) {
                        confOption = args[i].substring("--warewulfconf=".length());
                    } else {
                        die("unknown option: " + args[i]);
                    }
                }
            }
        }
        Path file = ConfigLoader.locate(confOption, System.getenv());
        WarewulfConf conf;
        try {
            conf = ConfigLoader.load(file);
        } catch (ConfigException e) {
            die(e.getMessage());
            return;
        }
        log.info("ww4j {} (Warewulf {} compatible) starting with {}", Version.ww4j(), Version.WAREWULF_COMPAT, file);
        conf.warnings.forEach(w -> log.warn("{}", w));
        StatusTracker status = new StatusTracker();
        DhcpServer dhcp;
        try {
            // TODO(nodedb): serve the node database's netdevs once NodeRegistry is on main.
            dhcp = Dhcp.start(conf, DhcpNodes.empty(), status);
        } catch (IllegalArgumentException e) {
            die(e.getMessage());
            return;
        }
        ProvisionServer http;
        try {
            // TODO(nodedb): the H2-backed NodeStore once it is on main; until then nodes.conf, read once.
            NodeRegistry nodes = InMemoryRegistry.of(Files.isRegularFile(conf.nodesConf())
                    ? NodesConfReader.read(conf.nodesConf()) : new NodesConf());
            http = HttpWiring.start(conf, status, nodes);
        } catch (RuntimeException e) {
            die("HTTP server on port " + conf.warewulf.port + ": " + e.getMessage());
            return;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("warewulfd stopping");
            if (dhcp != null) {
                dhcp.close();
            }
            http.close();
            stop.countDown();
        }, "shutdown"));
        log.info("warewulfd ready");
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void die(String message) {
        System.err.println("ERROR: " + message);
        System.exit(255);
    }
}
