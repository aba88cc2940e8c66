package io.ww4j.dhcp;

import io.ww4j.config.WarewulfConf;
import io.ww4j.status.StatusTracker;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the daemon starts DHCP from warewulf.conf. */
public final class Dhcp {
    private static final Logger log = LoggerFactory.getLogger(Dhcp.class);

    private Dhcp() {}

    /**
     * Starts the server when {@code dhcp.enabled} and {@code dhcp.mode} is not {@code off}.
     * Returns null (after one log line saying why) when it is off or cannot bind, so the rest of
     * warewulfd runs on; a bad DHCP setting in warewulf.conf is an {@link IllegalArgumentException}.
     */
    public static DhcpServer start(WarewulfConf conf, DhcpNodes nodes, LeaseStore leases, StatusTracker status) {
        DhcpSettings s = DhcpSettings.from(conf);
        if (s.mode() == DhcpSettings.Mode.OFF) {
            log.info("DHCP is off (dhcp.enabled: {}, dhcp.mode: {})", conf.dhcp.enabled, conf.dhcp.mode);
            return null;
        }
        DhcpEngine engine = new DhcpEngine(s, nodes, leases, status, System::currentTimeMillis);
        DhcpServer server = new DhcpServer(s, engine);
        try {
            server.start();
            return server;
        } catch (IOException e) {
            log.warn("DHCP not started: {} (port {} needs root or CAP_NET_BIND_SERVICE; set dhcp.mode: off to silence this)",
                    e.getMessage(), s.port());
            return null;
        }
    }
}
