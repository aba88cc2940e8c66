package io.ww4j.http;

import static io.ww4j.http.HttpFixture.MAC1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * warewulf.conf without ipaddr (the distribution's demo defaults): the iPXE script's URLs name the
 * address the node asked for in its Host header when that is an IPv4 literal (a node behind NAT or
 * a port forward such as QEMU's guestfwd reaches the server only there), else the address the
 * connection arrived on. Real HTTP/1.1 requests over a socket, so the Host header is the test's.
 */
class EmptyIpaddrTest {
    @TempDir
    static Path tmp;
    static HttpFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new HttpFixture(tmp, c -> c.ipaddr = "");
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    /** GET /ipxe/MAC1 with this Host header line (null: none, HTTP/1.0); the response body. */
    static String ipxeScript(String host) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", f.server.port()), 30_000);
            s.setSoTimeout(60_000);
            String req = (host == null ? "GET /ipxe/" + MAC1 + " HTTP/1.0\r\n"
                    : "GET /ipxe/" + MAC1 + " HTTP/1.1\r\nHost: " + host + "\r\n") + "Connection: close\r\n\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            in.transferTo(out);
            String r = out.toString(StandardCharsets.UTF_8);
            assertTrue(r.startsWith("HTTP/1.") && r.contains(" 200 "), r);
            return r.substring(r.indexOf("\r\n\r\n") + 4);
        }
    }

    @Test
    void hostHeaderWithAddressAndPortNamesTheServer() throws Exception {
        String s = ipxeScript("10.0.2.4:9999");
        assertTrue(s.contains("provisioned by 10.0.2.4:9999"), s);
        assertTrue(s.contains("set base http://10.0.2.4:9999\n"), s);
        // the booted node's wwclient polls the server it booted from (no ipaddr in its overlays)
        assertTrue(s.contains("wwinit.server=${base} wwid=" + MAC1), s);
    }

    @Test
    void hostHeaderWithoutPortKeepsTheServersPort() throws Exception {
        String s = ipxeScript("192.168.7.1");
        assertTrue(s.contains("set base http://192.168.7.1:" + f.server.port() + "\n"), s);
    }

    @Test
    void hostNameOrNoHostHeaderFallsBackToTheConnectionsAddress() throws Exception {
        String local = "set base http://127.0.0.1:" + f.server.port() + "\n";
        String byName = ipxeScript("warewulf.example:8080");
        assertTrue(byName.contains(local), byName);
        String none = ipxeScript(null);
        assertTrue(none.contains(local), none);
        String bogus = ipxeScript("300.1.1.1:80");
        assertTrue(bogus.contains(local), bogus);
        // a script rendered for one Host is not served for another (the rendered-script cache)
        assertTrue(ipxeScript("10.0.2.4:9999").contains("set base http://10.0.2.4:9999\n"));
        assertTrue(ipxeScript(null).contains(local));
    }

    @Test
    void ipv4HostParsing() {
        assertArrayEquals(new String[] {"10.0.2.4", "9873"}, ProvisionServer.ipv4Host("10.0.2.4:9873"));
        assertArrayEquals(new String[] {"10.0.2.4", null}, ProvisionServer.ipv4Host(" 10.0.2.4 "));
        assertArrayEquals(new String[] {"1.2.3.4", "80"}, ProvisionServer.ipv4Host("1.2.3.4:0080"));
        assertNull(ProvisionServer.ipv4Host("10.0.2.4:0"));
        assertNull(ProvisionServer.ipv4Host("10.0.2.4:70000"));
        assertNull(ProvisionServer.ipv4Host("256.0.0.1"));
        assertNull(ProvisionServer.ipv4Host("01.2.3.4"));
        assertNull(ProvisionServer.ipv4Host("[::1]:9873"));
        assertNull(ProvisionServer.ipv4Host("host:9873"));
        assertNull(ProvisionServer.ipv4Host(null));
        assertEquals(2, ProvisionServer.ipv4Host("127.0.0.1:1").length);
    }
}
