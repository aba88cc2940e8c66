package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ww4j.daemon.Warewulfd;
import io.ww4j.http.ProvisionServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * wwctl changes made through warewulfd are what its HTTP server answers with on the very next
 * request: the commands write the daemon's open node store, and the protocol servers read its
 * live registry (no reload, no nodes.conf in between).
 */
class LiveRegistryTest {
    private static final String MAC = "aa:bb:cc:00:00:07";

    @TempDir
    Path tmp;

    @Test
    void nodeChangesThroughTheDaemonAreServedAtOnce() throws Exception {
        try (Harness h = new Harness(tmp)) {
            // plain HTTP from any source port, and templates that show what the server knows
            Files.writeString(h.confFile, Files.readString(h.confFile).replace("  port: 0\n", "  port: 0\n  secure: false\n"));
            Path ipxe = Files.createDirectories(h.root.resolve("etc/warewulf/ipxe"));
            Files.writeString(ipxe.resolve("unconfigured.ipxe"), "#!ipxe\nunknown {{.Hwaddr}}\n");
            Files.writeString(ipxe.resolve("default.ipxe"),
                    "#!ipxe\nnode {{.Id}} args {{.KernelArgs}} default={{.NetDevs.default.Ipaddr}}\n");
            Warewulfd d = Warewulfd.start(h.conf(), Warewulfd.SERVICES.stream()
                    .filter(s -> List.of("nodes", "http", "control socket").contains(s.name())).toList());
            try {
                int port = d.service("http", ProvisionServer.class).orElseThrow().port();
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
                String url = "http://127.0.0.1:" + port + "/ipxe/" + MAC;

                assertEquals("#!ipxe\nunknown " + MAC + "\n", get(http, url));

                Harness.Result r = h.viaDaemon("node", "add", "n07", "--hwaddr", MAC, "--ipaddr", "10.0.0.7");
                assertEquals(0, r.code(), r.all());
                assertEquals("#!ipxe\nnode n07 args  default=10.0.0.7\n", get(http, url));

                r = h.viaDaemon("node", "set", "n07", "--ipaddr", "10.0.0.70", "--kernelargs", "quiet,console=ttyS0", "--yes");
                assertEquals(0, r.code(), r.all());
                assertEquals("#!ipxe\nnode n07 args quiet console=ttyS0 default=10.0.0.70\n", get(http, url));

                // a failing command (address already held) changes nothing the server sees
                assertEquals(0, h.viaDaemon("node", "add", "n08", "--ipaddr", "10.0.0.8").code());
                r = h.viaDaemon("node", "set", "n08", "--hwaddr", MAC, "--yes");
                assertEquals(255, r.code(), r.all());
                assertEquals("#!ipxe\nnode n07 args quiet console=ttyS0 default=10.0.0.70\n", get(http, url));

                r = h.viaDaemon("node", "delete", "n07", "--yes");
                assertEquals(0, r.code(), r.all());
                assertEquals("#!ipxe\nunknown " + MAC + "\n", get(http, url));
            } finally {
                d.close();
            }
        }
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, resp.statusCode(), resp.body());
        return resp.body();
    }
}
