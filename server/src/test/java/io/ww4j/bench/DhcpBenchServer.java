package io.ww4j.bench;

import io.ww4j.config.WarewulfConf;
import io.ww4j.dhcp.DhcpEngine;
import io.ww4j.dhcp.DhcpHost;
import io.ww4j.dhcp.DhcpNodes;
import io.ww4j.dhcp.DhcpServer;
import io.ww4j.dhcp.DhcpSettings;
import io.ww4j.dhcp.LeaseStore;
import io.ww4j.status.StatusTracker;
import java.net.InetAddress;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The DHCP server alone, for server/bench/dhcp-perfdhcp.sh:
 * {@code DhcpBenchServer <interface> <server-ip> <hosts-file: "mac ip" lines> <range-start> <range-end>}.
 */
public final class DhcpBenchServer {
    public static void main(String[] a) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.ww4j")).setLevel(ch.qos.logback.classic.Level.WARN);
        WarewulfConf c = new WarewulfConf();
        c.ipaddr = a[1];
        c.netmask = "255.255.0.0";
        c.dhcp.interfaces = List.of(a[0]);
        c.dhcp.rangeStart = a[3];
        c.dhcp.rangeEnd = a[4];
        Map<String, DhcpHost> hosts = new HashMap<>();
        Inet4Address mask = (Inet4Address) InetAddress.getByName("255.255.0.0");
        for (String line : Files.readAllLines(Path.of(a[2]))) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 2) {
                hosts.put(f[0], new DhcpHost("n" + hosts.size(), "n" + hosts.size(), (Inet4Address) InetAddress.getByName(f[1]),
                        mask, null, 0, null, null));
            }
        }
        DhcpSettings s = DhcpSettings.from(c);
        DhcpServer srv = new DhcpServer(s, new DhcpEngine(s, DhcpNodes.of(hosts), LeaseStore.none(), new StatusTracker(),
                System::currentTimeMillis));
        srv.start();
        System.out.println("ww4j dhcp listening on " + a[0] + " with " + hosts.size() + " static hosts");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("ww4j stats: " + srv.stats())));
        Thread.sleep(Long.MAX_VALUE);
    }
}
