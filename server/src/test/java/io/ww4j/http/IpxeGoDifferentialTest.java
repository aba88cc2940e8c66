package io.ww4j.http;

import static io.ww4j.http.HttpFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * iPXE scripts and GRUB menus served over HTTP are byte-for-byte what upstream's Go code renders
 * from the same template and the same templateVars (src/test/go/ipxevars), for a site template
 * using range/with/printf/sprig, for our shipped templates and for errors.
 */
class IpxeGoDifferentialTest {
    @TempDir
    static Path tmp;
    static HttpFixture f;

    static final String SITE = """
            #!ipxe
            # {{.Id}} {{.Hostname}} {{.Fqdn}} cluster={{.Cluster}} image={{.ImageName}} ipxe={{.Ipxe}}
            {{- /* a comment */}}
            echo {{printf "%s on %s:%s (%v) %q" .Hwaddr .Ipaddr .Port .TLS .Root}}
            {{range $name, $nd := .NetDevs -}}
            dev {{$name}} {{$nd.Device | default "none"}} [{{$nd.Hwaddr}}] ip={{$nd.Ipaddr}} mask={{$nd.Netmask}} gw={{$nd.Gateway}} v6={{$nd.Ipaddr6}} mtu={{$nd.MTU}} vlan={{$nd.Tags.vlan}} {{$nd.Type}} {{$nd.OnBoot}}
            {{end -}}
            {{with .Tags.rack}}rack {{. | upper}}{{else}}no rack{{end}} {{with .Tags.nothere}}x{{else}}none{{end}}
            missing tag: {{.Tags.nothere}} index: [{{index .Tags "nothere"}}] {{.NetDevs.nothere}}
            {{if and .NetDevs.default.Hwaddr .NetDevs.default.Device}}ifname={{.NetDevs.default.Device}}:{{.NetDevs.default.Hwaddr}}{{end}}
            args {{.KernelArgs | quote}} split {{splitList " " .KernelArgs | join ","}} {{len .NetDevs}} devs {{len .Tags}} tags
            root {{default "tmpfs" .Root}} {{empty .Root}} msg [{{.Message}}] [{{.WaitTime}}] kv {{.KernelVersion | trimSuffix "-amd64"}}
            {{- range $k, $v := .Tags}} {{$k}}={{$v}}{{end}}
            {{.Authority | replace ":" " port "}} {{.Ipaddr6}} {{if eq .Ipxe "site"}}site{{end}}
            {{$x := 3}}{{add $x 4}} {{list 1 2 3 | toJson}} {{.Tags | toJson}} {{sha256sum .Id | trunc 12}}
            """;

    static final String MAC_S1 = "aa:bb:cc:dd:ee:51";
    static final String MAC_S2 = "aa:bb:cc:dd:ee:61";
    static final String MAC_S3 = "aa:bb:cc:dd:ee:71";
    static final String MAC_S4 = "aa:bb:cc:dd:ee:81";

    @BeforeAll
    static void start() throws Exception {
        f = new HttpFixture(tmp, c -> c.ipaddr6 = "2001:0DB8:0:0:0:0:0:1");
        Path site = f.root.resolve("etc/warewulf/ipxe");
        Files.writeString(site.resolve("site.ipxe"), SITE);
        Files.writeString(site.resolve("old.ipxe"), "#!ipxe\necho {{.ContainerName}}\n");
        Files.writeString(site.resolve("unparsable.ipxe"), "#!ipxe\n{{range .NetDevs}}\n");
        f.nodes.add(node("s1", MAC_S1, "site"));
        f.nodes.add(node("s2", MAC_S2, ""));
        f.nodes.add(node("s3", MAC_S3, "localdisk"));
        f.nodes.add(node("s4", MAC_S4, "old"));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    static BootNode node(String id, String mac, String ipxe) {
        Map<String, BootNode.NetDev> devs = new LinkedHashMap<>();
        devs.put("default", new BootNode.NetDev("eth0", mac, "10.0.0.51", "255.255.255.0", "10.0.0.1",
                "2001:db8:0:0:0:0:0:51", "9000", "ethernet", Map.of("vlan", "7"), "yes", "64", "", true));
        devs.put("ib", new BootNode.NetDev("ib0", "", "10.1.0.51", "", "", "", "", "infiniband", Map.of(), "", "", "",
                false));
        devs.put("bmc", new BootNode.NetDev("", "aa:bb:cc:dd:ee:5f", "", "", "", "", "", "", Map.of(), "", "", "",
                false));
        return new BootNode(id, "c1", "rocky", ipxe, "", "", List.of("quiet", "console=ttyS0,115200"), "",
                Map.of("IPXEMenuEntry", "dracut", "rack", "r7", "GrubMenuEntry", "dracut"), devs);
    }

    /** The same templateVars as JSON for the Go program (what upstream would build for this node). */
    static String goData(String id, String mac, String ipxe) {
        String port = String.valueOf(f.server.port());
        return """
                {"Id":"%1$s","Hostname":"%1$s","Fqdn":"%1$s","Cluster":"c1","ImageName":"rocky","Ipxe":"%3$s",
                 "Hwaddr":"%2$s","Ipaddr":"127.0.0.1","Ipaddr6":"2001:db8::1","Port":"%4$s",
                 "Authority":"127.0.0.1:%4$s","TLS":false,"KernelArgs":"quiet console=ttyS0,115200",
                 "KernelVersion":"%5$s","Root":"",
                 "Tags":{"IPXEMenuEntry":"dracut","rack":"r7","GrubMenuEntry":"dracut"},
                 "NetDevs":{
                   "default":{"Device":"eth0","Hwaddr":"%2$s","Ipaddr":"10.0.0.51","Netmask":"255.255.255.0",
                              "Gateway":"10.0.0.1","Ipaddr6":"2001:db8::51","MTU":"9000","Type":"ethernet",
                              "Tags":{"vlan":"7"},"OnBoot":"yes","PrefixLen6":"64"},
                   "ib":{"Device":"ib0","Ipaddr":"10.1.0.51","Type":"infiniband"},
                   "bmc":{"Hwaddr":"aa:bb:cc:dd:ee:5f"}}}
                """.formatted(id, mac, ipxe, port, kernelVersion());
    }

    static String kernelVersion() {
        return new ChrootImages(f.conf).kernel("rocky", "").orElseThrow().version();
    }

    static String shipped(String name) throws Exception {
        return Files.readString(Path.of("..", "ipxe-templates", name));
    }

    @Test
    void servedScriptsEqualGoRendering() throws Exception {
        List<GoIpxeReference.Case> cases = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        cases.add(new GoIpxeReference.Case("site.ipxe", SITE, goData("s1", MAC_S1, "site")));
        urls.add("/ipxe/" + MAC_S1);
        cases.add(new GoIpxeReference.Case("default.ipxe", shipped("default.ipxe"), goData("s2", MAC_S2, "")));
        urls.add("/ipxe/" + MAC_S2.replace(':', '-').toUpperCase() + "?assetkey=&uuid=u");
        cases.add(new GoIpxeReference.Case("localdisk.ipxe", shipped("localdisk.ipxe"),
                goData("s3", MAC_S3, "localdisk")));
        urls.add("/ipxe/" + MAC_S3);
        cases.add(new GoIpxeReference.Case("grub.cfg.ww", shipped("grub.cfg.ww"), goData("s1", MAC_S1, "site")));
        urls.add("/grub/" + MAC_S1);
        cases.add(new GoIpxeReference.Case("unconfigured.ipxe", shipped("unconfigured.ipxe"),
                "{\"Hwaddr\":\"de:ad:be:ef:00:42\"}"));
        urls.add("/ipxe/de-ad-be-ef-00-42");
        List<GoIpxeReference.Result> go = GoIpxeReference.run(cases);
        for (int i = 0; i < cases.size(); i++) {
            assertNull(go.get(i).err(), cases.get(i).name() + ": Go failed: " + go.get(i).err());
            HttpResponse<byte[]> r = f.get(urls.get(i));
            assertEquals(200, r.statusCode(), urls.get(i));
            assertEquals(go.get(i).out(), text(r), cases.get(i).name() + " via " + urls.get(i));
        }
        // the site template really exercised range over netdevs and nil IPs
        String site = go.get(0).out();
        assertTrue(site.contains("dev ib ib0 [] ip=10.1.0.51 mask=<nil>"), site);
        assertTrue(site.contains("v6=2001:db8::51"), site);
        assertTrue(site.contains("missing tag: <no value> index: []"), site);
        // our default script names each netdev with a MAC and a device for dracut, like upstream
        assertTrue(go.get(1).out().contains("rd.neednet=1 ifname=eth0:" + MAC_S2 + " ip=eth0:dhcp root=wwinit:tmpfs"),
                go.get(1).out());
    }

    @Test
    void templateErrorsAre500WithGoWording() throws Exception {
        // .ContainerName is 4.5 vocabulary: an unknown struct field is an execution error, as in Go
        assertEquals(500, f.get("/ipxe/" + MAC_S4).statusCode());
        Path site = f.root.resolve("etc/warewulf/ipxe");
        List<GoIpxeReference.Result> go = GoIpxeReference.run(List.of(
                new GoIpxeReference.Case("old.ipxe", Files.readString(site.resolve("old.ipxe")),
                        "{\"Hwaddr\":\"aa:00:00:00:00:01\"}"),
                new GoIpxeReference.Case("unparsable.ipxe", Files.readString(site.resolve("unparsable.ipxe")),
                        "{\"Hwaddr\":\"aa:00:00:00:00:01\"}")));
        GoTemplates t = new GoTemplates();
        for (int i = 0; i < 2; i++) {
            Path file = site.resolve(i == 0 ? "old.ipxe" : "unparsable.ipxe");
            assertNotNull(go.get(i).err());
            TemplateRenderer.TemplateFailure e = assertThrows(TemplateRenderer.TemplateFailure.class,
                    () -> t.render(file, IpxeVars.unknown("aa:00:00:00:00:01")));
            // same position and wording; only the Go type's name differs (ours is a Java class)
            assertEquals(go.get(i).err().replace("main.templateVars", "IpxeVars"), e.getMessage());
        }
    }

    @Test
    void editedTemplateIsReparsed() throws Exception {
        Path p = f.root.resolve("etc/warewulf/ipxe/edited.ipxe");
        f.nodes.add(node("s5", "aa:bb:cc:dd:ee:91", "edited"));
        Files.writeString(p, "#!ipxe\necho one {{.Id}}\n");
        assertEquals("#!ipxe\necho one s5\n", text(f.get("/ipxe/aa:bb:cc:dd:ee:91")));
        Files.writeString(p, "#!ipxe\necho two {{.Id | upper}} and more\n");
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertEquals("#!ipxe\necho two S5 and more\n", text(f.get("/ipxe/aa:bb:cc:dd:ee:91")));
    }

    @Test
    void keptScriptsFollowNodeImageAndTemplateChanges() throws Exception {
        String mac = "aa:bb:cc:dd:ee:a7";
        Path p = f.root.resolve("etc/warewulf/ipxe/kept.ipxe");
        Files.writeString(p, "#!ipxe\n{{.Id}} {{.KernelArgs}} {{.KernelVersion}}\n");
        f.nodes.add(node("k1", mac, "kept").withKernel("", List.of("a")));
        String kv = kernelVersion();
        assertEquals("#!ipxe\nk1 a " + kv + "\n", text(f.get("/ipxe/" + mac)));
        assertEquals("#!ipxe\nk1 a " + kv + "\n", text(f.get("/ipxe/" + mac))); // served again from memory
        // the node changes (same MAC): the script follows
        f.nodes.add(node("k1", mac, "kept").withKernel("", List.of("b")));
        assertEquals("#!ipxe\nk1 b " + kv + "\n", text(f.get("/ipxe/" + mac)));
        // a newer kernel appears in the image: KernelVersion follows
        Path boot = f.root.resolve("chroots/rocky/rootfs/boot");
        Files.write(boot.resolve("vmlinuz-6.9.0-1-amd64"), new byte[100]);
        Files.setLastModifiedTime(boot, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 7000));
        try {
            String now = text(f.get("/ipxe/" + mac));
            assertTrue(now.startsWith("#!ipxe\nk1 b 6.9.0-1"), now);
        } finally {
            Files.delete(boot.resolve("vmlinuz-6.9.0-1-amd64"));
            Files.setLastModifiedTime(boot, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 9000));
        }
    }

    @Test
    void goIpParsingNeverResolvesNames() {
        assertEquals("10.0.0.1", IpxeVars.ip("10.0.0.1").getHostAddress());
        assertEquals("10.0.0.1", IpxeVars.ip("10.0.0.1/24").getHostAddress());
        for (String bad : new String[] {"010.0.0.1", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "localhost",
                "node1.example.com", "1.2.3.4a", "::g", ""}) {
            assertNull(IpxeVars.ip(bad), bad);
        }
        assertEquals("2001:db8::1", IpxeVars.goIp("2001:0DB8:0:0:0:0:0:1"));
        assertEquals("2001:db8:0:1:0:0:0:1".replace(":0:0:0:", "::"), IpxeVars.goIp("2001:db8:0:1::1"));
        assertEquals("1.2.3.4", IpxeVars.goIp("::ffff:1.2.3.4"));
        assertEquals("fe80::1:0:0:1", IpxeVars.goIp("fe80:0:0:0:1:0:0:1"));
    }
}
