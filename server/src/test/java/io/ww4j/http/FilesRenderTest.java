package io.ww4j.http;

import static io.ww4j.http.HttpFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ww4j.node.InMemoryRegistry;
import io.ww4j.node.NodesConfReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /files/<path>?render} (spec §1.6): .ww rules, node check, overlay data and functions, errors. */
class FilesRenderTest {
    @TempDir
    static Path tmp;
    static HttpFixture f;
    static final String R1 = "aa:bb:cc:dd:ee:a1";
    static final String R2 = "aa:bb:cc:dd:ee:a2";

    @BeforeAll
    static void start() throws Exception {
        InMemoryRegistry reg = InMemoryRegistry.of(NodesConfReader.parse("""
                nodeprofiles:
                  default:
                    image name: rocky
                nodes:
                  r1:
                    profiles:
                    - default
                    network devices:
                      default:
                        device: eth0
                        hwaddr: aa:bb:cc:dd:ee:a1
                        ipaddr: 10.0.0.11
                        netmask: 255.255.255.0
                    tags:
                      role: compute
                  r2:
                    asset key: k2
                    network devices:
                      default:
                        hwaddr: aa:bb:cc:dd:ee:a2
                """, "nodes.conf"));
        f = new HttpFixture(tmp, c -> {}, new RegistryNodeView(reg), c -> new RegistryFileRenderer(c, reg));
        Path files = f.root.resolve("files");
        Files.writeString(files.resolve("hosts.ww"), "{{range .AllNodes}}{{.Id}} {{end}}| me={{.Id}} "
                + "role={{.Tags.role}} ip={{.NetDevs.default.Ipaddr}} cidr={{.NetDevs.default.IpCIDR}} "
                + "image={{.ImageName}} server={{.Ipaddr}} port={{.Warewulf.Port}} {{upper .Id}} "
                + "[{{Include \"inc.txt\" | trim}}]\n");
        Files.writeString(files.resolve("motd"), "raw motd\n");
        Files.writeString(files.resolve("motd.ww"), "motd for {{.Hostname}}\n");
        Files.writeString(files.resolve("plain.txt"), "plain\n");
        Files.writeString(files.resolve("bad.ww"), "{{.Nope}}\n");
        Files.writeString(f.root.resolve("etc/warewulf/inc.txt"), "included\n");
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void rendersForTheIdentifiedNode() {
        HttpResponse<byte[]> r = f.get("/files/hosts.ww?render&wwid=" + R1);
        assertEquals(200, r.statusCode());
        assertEquals("application/octet-stream", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(String.valueOf(r.body().length), r.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("r1 r2 | me=r1 role=compute ip=10.0.0.11 cidr=10.0.0.11/24 image=rocky server=127.0.0.1 port=0 R1 "
                + "[included]\n", text(r));
        // render=<own id> is accepted, another node's id is not
        assertEquals(200, f.get("/files/hosts.ww?render=r1&wwid=" + R1).statusCode());
        assertEquals(400, f.get("/files/hosts.ww?render=r2&wwid=" + R1).statusCode());
        // the asset key still guards rendering
        assertEquals(401, f.get("/files/hosts.ww?render&wwid=" + R2).statusCode());
        assertEquals("r1 r2 | me=r2 role=<no value> ip=<nil> cidr= image= server=127.0.0.1 port=0 R2 [included]\n",
                text(f.get("/files/hosts.ww?render&assetkey=k2&wwid=" + R2)));
    }

    @Test
    void wwFileRules() {
        // <path>.ww is picked automatically; the raw file is still served without render
        assertEquals("motd for r1\n", text(f.get("/files/motd?render&wwid=" + R1)));
        assertEquals("raw motd\n", text(f.get("/files/motd?wwid=" + R1)));
        assertEquals(400, f.get("/files/plain.txt?render&wwid=" + R1).statusCode());
        assertEquals(404, f.get("/files/none?render&wwid=" + R1).statusCode());
        assertEquals(404, f.get("/files/none.ww?render&wwid=" + R1).statusCode());
        assertEquals(404, f.get("/files/../etc/warewulf/inc.txt?render&wwid=" + R1).statusCode());
        assertEquals(404, f.get("/files/%2e%2e/files/hosts?render&wwid=" + R1).statusCode());
        assertEquals(500, f.get("/files/bad.ww?render&wwid=" + R1).statusCode());
    }
}
