package io.ww4j.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.ww4j.archive.TestTrees;
import io.ww4j.archive.TreeSnapshot;
import io.ww4j.testing.ExternalTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Registry pulls against a real registry (Debian's docker-registry, i.e. distribution 2.8) on
 * loopback, filled with skopeo: plain HTTP with Basic auth (htpasswd), HTTPS with a self-signed
 * certificate and --nohttps, a two-platform image index, and the Bearer token flow (a small token
 * service in front of the real registry).
 */
class RegistryPullTest {
    private static final String USER = "ww4j";
    private static final String PASS = "ww4j-secret";
    // bcrypt (cost 4) of PASS, for the registry's htpasswd file
    private static final String HTPASSWD = USER + ":$2b$04$GMlKyYAj99ngZG9TTxldauO6al44Q1vDV98K6EU1pkNwPf99/Vlp.\n";

    @TempDir
    Path tmp;
    private final List<Process> registries = new ArrayList<>();
    private HttpServer tokenProxy;

    @AfterEach
    void stop() throws Exception {
        for (Process p : registries) {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
        if (tokenProxy != null) {
            tokenProxy.stop(0);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts docker-registry on 127.0.0.1; returns its port. */
    private int registry(String name, boolean tls, boolean basicAuth) throws Exception {
        int port = freePort();
        Path dir = tmp.resolve("reg-" + name);
        Files.createDirectories(dir.resolve("storage"));
        StringBuilder conf = new StringBuilder("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ")
                .append(dir.resolve("storage")).append("\nhttp:\n  addr: 127.0.0.1:").append(port).append('\n');
        if (tls) {
            TestTrees.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir.resolve("key.pem").toString(),
                    "-out", dir.resolve("cert.pem").toString());
            conf.append("  tls:\n    certificate: ").append(dir.resolve("cert.pem")).append("\n    key: ")
                    .append(dir.resolve("key.pem")).append('\n');
        }
        if (basicAuth) {
            Files.writeString(dir.resolve("htpasswd"), HTPASSWD);
            conf.append("auth:\n  htpasswd:\n    realm: ww4j-test\n    path: ").append(dir.resolve("htpasswd")).append('\n');
        }
        Files.writeString(dir.resolve("config.yml"), conf);
        Process p = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        registries.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return port;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("registry did not start: " + Files.readString(dir.resolve("log")));
                }
                Thread.sleep(100);
            }
        }
    }

    private ImageStore store() {
        return new ImageStore(tmp.resolve("chroots"), tmp.resolve("provision/images"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static Sources.PullOptions opts(String user, String pass, boolean noHttps, String platform) {
        return new Sources.PullOptions(user, pass, noHttps, platform, null);
    }

    /**
     * An OCI layout: tag "t" with two layers (the second deletes etc/hostname, a whiteout), tag
     * "b" with a marker file, and tag "multi", an index of t as linux/amd64 and b as linux/arm64.
     * Returns the tree umoci itself unpacks from "t".
     */
    private Path layout(Path layout) throws Exception {
        Path bundle = tmp.resolve("bundle");
        TestTrees.run("umoci", "init", "--layout", layout.toString());
        TestTrees.run("umoci", "new", "--image", layout + ":t");
        TestTrees.run("umoci", "unpack", "--image", layout + ":t", bundle.toString());
        TestTrees.populate(bundle.resolve("rootfs"), ExternalTool.isRoot());
        TestTrees.run("umoci", "repack", "--image", layout + ":t", bundle.toString());
        TestTrees.run("rm", "-rf", bundle.toString());
        TestTrees.run("umoci", "unpack", "--image", layout + ":t", bundle.toString());
        Files.delete(bundle.resolve("rootfs/etc/hostname"));
        TestTrees.run("umoci", "repack", "--image", layout + ":t", bundle.toString());
        TestTrees.run("rm", "-rf", bundle.toString());
        TestTrees.run("umoci", "new", "--image", layout + ":b");
        TestTrees.run("umoci", "unpack", "--image", layout + ":b", bundle.toString());
        Files.writeString(bundle.resolve("rootfs/arm64-marker"), "arm\n");
        TestTrees.run("umoci", "repack", "--image", layout + ":b", bundle.toString());
        // the index "multi"
        Map<?, ?> index = (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(
                Files.readString(layout.resolve("index.json")));
        String t = null;
        String b = null;
        for (Object o : (List<?>) index.get("manifests")) {
            Map<?, ?> d = (Map<?, ?>) o;
            String ref = String.valueOf(((Map<?, ?>) d.get("annotations")).get("org.opencontainers.image.ref.name"));
            String desc = "{\"mediaType\":\"" + d.get("mediaType") + "\",\"digest\":\"" + d.get("digest") + "\",\"size\":" + d.get("size");
            if (ref.equals("t")) {
                t = desc + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}";
            } else if (ref.equals("b")) {
                b = desc + ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}";
            }
        }
        byte[] multi = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + t + "," + b + "]}").getBytes(StandardCharsets.UTF_8);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(multi));
        Files.write(layout.resolve("blobs/sha256/" + hex), multi);
        String idx = Files.readString(layout.resolve("index.json")).trim();
        idx = idx.substring(0, idx.lastIndexOf(']')) + ",{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:"
                + hex + "\",\"size\":" + multi.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"multi\"}}"
                + idx.substring(idx.lastIndexOf(']'));
        Files.writeString(layout.resolve("index.json"), idx);
        Path check = tmp.resolve("check");
        TestTrees.run("umoci", "unpack", "--image", layout + ":t", check.toString());
        assertFalse(Files.exists(check.resolve("rootfs/etc/hostname")));
        return check.resolve("rootfs");
    }

    private static void push(Path layout, String ref, String dest, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false"));
        cmd.addAll(List.of(extra));
        cmd.add("oci:" + layout + ":" + ref);
        cmd.add(dest);
        TestTrees.run(cmd.toArray(String[]::new));
    }

    @Test
    void pullsOverHttpsAndHttpWithBasicAndBearerAuthAndPicksThePlatform() throws Exception {
        ExternalTool.require("docker-registry", "docker-registry");
        ExternalTool.require("skopeo", "skopeo");
        ExternalTool.require("umoci", "umoci");
        ExternalTool.require("openssl", "openssl");
        Path layout = tmp.resolve("oci");
        Path expected = layout(layout);
        ImageStore store = store();

        // HTTPS, self-signed, anonymous: refused without --nohttps, pulled with it
        int tlsPort = registry("tls", true, false);
        String tls = "docker://127.0.0.1:" + tlsPort + "/ww4j/test";
        push(layout, "t", tls.replace("docker://", "docker://") + ":t");
        push(layout, "multi", tls + ":multi", "--all");
        ImageException untrusted = assertThrows(ImageException.class,
                () -> store.importImage(Sources.open(tls + ":t", opts(null, null, false, null)), "x", false));
        assertTrue(untrusted.getMessage().contains("HTTPS"), untrusted.getMessage());
        assertFalse(store.exists("x"));
        store.importImage(Sources.open(tls + ":t", opts(null, null, true, null)), "tls", false);
        assertEquals(TreeSnapshot.of(expected, false), TreeSnapshot.of(store.rootfs("tls"), false));
        // the index: amd64 by platform and by default on this machine, arm64 on request
        store.importImage(Sources.open(tls + ":multi", opts(null, null, true, "linux/arm64")), "arm", false);
        assertEquals("arm\n", Files.readString(store.rootfs("arm").resolve("arm64-marker")));
        assertFalse(Files.exists(store.rootfs("arm").resolve("bin/sh")));
        store.importImage(Sources.open(tls + ":multi", opts(null, null, true, "amd64")), "amd", false);
        assertEquals(TreeSnapshot.of(expected, false), TreeSnapshot.of(store.rootfs("amd"), false));
        ImageException noPlatform = assertThrows(ImageException.class,
                () -> store.importImage(Sources.open(tls + ":multi", opts(null, null, true, "linux/s390x")), "y", false));
        assertTrue(noPlatform.getMessage().contains("no manifest for platform linux/s390x"), noPlatform.getMessage());
        ImageException missing = assertThrows(ImageException.class,
                () -> store.importImage(Sources.open(tls + ":nope", opts(null, null, true, null)), "y", false));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());

        // plain HTTP with Basic auth (htpasswd)
        int port = registry("basic", false, true);
        String basic = "docker://127.0.0.1:" + port + "/ww4j/test:t";
        push(layout, "t", basic, "--dest-creds", USER + ":" + PASS);
        ImageException https = assertThrows(ImageException.class,
                () -> store.importImage(Sources.open(basic, opts(USER, PASS, false, null)), "y", false));
        assertTrue(https.getMessage().contains("--nohttps"), https.getMessage());
        ImageException login = assertThrows(ImageException.class,
                () -> store.importImage(Sources.open(basic, opts(null, null, true, null)), "y", false));
        assertTrue(login.getMessage().contains("requires a login"), login.getMessage());
        ImageException wrong = assertThrows(ImageException.class,
                () -> store.importImage(Sources.open(basic, opts(USER, "wrong", true, null)), "y", false));
        assertTrue(wrong.getMessage().contains("access denied"), wrong.getMessage());
        store.importImage(Sources.open(basic, opts(USER, PASS, true, null)), "basic", false);
        assertEquals(TreeSnapshot.of(expected, false), TreeSnapshot.of(store.rootfs("basic"), false));

        // Bearer: a token service in front of the same registry
        int proxyPort = bearerProxy(port);
        String bearer = "docker://127.0.0.1:" + proxyPort + "/ww4j/test:t";
        ImageException refused = assertThrows(ImageException.class,
                () -> store.importImage(Sources.open(bearer, opts(USER, "wrong", true, null)), "y", false));
        assertTrue(refused.getMessage().contains("token service"), refused.getMessage());
        store.importImage(Sources.open(bearer, opts(USER, PASS, true, null)), "bearer", false);
        assertEquals(TreeSnapshot.of(expected, false), TreeSnapshot.of(store.rootfs("bearer"), false));
        assertEquals(List.of("amd", "arm", "basic", "bearer", "tls"), store.list());
    }

    /**
     * Answers every registry request without the token with a Bearer challenge; /token hands the
     * token out for the right Basic credentials and the pull scope; requests with the token are
     * forwarded to the registry (which wants Basic).
     */
    private int bearerProxy(int backend) throws IOException {
        String token = "tok-" + System.nanoTime();
        String creds = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASS).getBytes(StandardCharsets.UTF_8));
        HttpClient client = HttpClient.newHttpClient();
        tokenProxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        int port = tokenProxy.getAddress().getPort();
        tokenProxy.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getRawPath();
                if (path.equals("/token")) {
                    String q = ex.getRequestURI().getQuery();
                    boolean ok = creds.equals(ex.getRequestHeaders().getFirst("Authorization"))
                            && q != null && q.contains("scope=repository:ww4j/test:pull") && q.contains("service=ww4j-test");
                    byte[] body = ok ? ("{\"token\":\"" + token + "\"}").getBytes(StandardCharsets.UTF_8) : new byte[0];
                    ex.sendResponseHeaders(ok ? 200 : 401, ok ? body.length : -1);
                    ex.getResponseBody().write(body);
                    return;
                }
                if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    ex.getResponseHeaders().add("WWW-Authenticate",
                            "Bearer realm=\"http://127.0.0.1:" + port + "/token\",service=\"ww4j-test\"");
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backend + path))
                        .header("Authorization", creds);
                String accept = ex.getRequestHeaders().getFirst("Accept");
                if (accept != null) {
                    rb.header("Accept", accept);
                }
                HttpResponse<InputStream> r = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
                r.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
                ex.sendResponseHeaders(r.statusCode(), 0);
                try (InputStream in = r.body(); OutputStream out = ex.getResponseBody()) {
                    in.transferTo(out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        tokenProxy.start();
        return port;
    }
}
