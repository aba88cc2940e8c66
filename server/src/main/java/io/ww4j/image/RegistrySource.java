package io.ww4j.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A registry pull, {@code docker://host[:port]/repo[:tag|@digest]}, over the Docker Registry HTTP
 * API v2 (what the OCI distribution spec standardised): ping {@code /v2/}, answer a Basic or a
 * Bearer challenge (the token is fetched from the realm with the user's credentials, if any),
 * fetch the manifest (an index or manifest list picks the {@code --platform}), then stream each
 * layer blob through sha256 into the same whiteout-aware writer as the OCI sources.
 *
 * <p>{@code --nohttps} does what upstream's containers/image does with "insecure skip TLS
 * verify": HTTPS without certificate checks, and plain HTTP if the registry does not speak TLS.
 */
final class RegistrySource implements Sources.Source {
    private static final String ACCEPT = String.join(", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final String spec;
    private final String registry;
    private final String repo;
    private final String reference;
    private final Sources.PullOptions opts;
    private final HttpClient http;
    private String base; // https://host:port or http://host:port, once pinged
    private String authorization;
    private List<Layer> layers;

    private record Layer(String digest, long size) {}

    RegistrySource(String spec, Sources.PullOptions opts) throws ImageException {
        this.spec = spec;
        this.opts = opts;
        String rest = spec.substring("docker://".length());
        int slash = rest.indexOf('/');
        String first = slash < 0 ? "" : rest.substring(0, slash);
        if (slash > 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
            registry = first;
            rest = rest.substring(slash + 1);
        } else {
            registry = "registry-1.docker.io";
            if (!rest.contains("/")) {
                rest = "library/" + rest;
            }
        }
        int at = rest.indexOf('@');
        if (at >= 0) {
            repo = rest.substring(0, at);
            reference = rest.substring(at + 1);
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon > rest.lastIndexOf('/')) {
                repo = rest.substring(0, colon);
                reference = rest.substring(colon + 1);
            } else {
                repo = rest;
                reference = "latest";
            }
        }
        if (!repo.matches("[a-z0-9]+([._/-][a-z0-9]+)*") || !reference.matches("[A-Za-z0-9_.:+-]{1,200}")) {
            throw new ImageException("not a valid image reference: " + spec);
        }
        HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30));
        if (opts.noHttps()) {
            b.sslContext(trustAll());
        }
        http = b.build();
    }

    @Override
    public String describe() {
        return spec;
    }

    @Override
    public long sizeHint() {
        try {
            long total = 0;
            for (Layer l : layers()) {
                total += l.size();
            }
            return total;
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void extract(RootfsWriter w, Progress progress) throws IOException {
        for (Layer l : layers()) {
            w.beginLayer();
            HttpResponse<InputStream> r = get("/v2/" + repo + "/blobs/" + l.digest(), "*/*");
            OciSource.applyLayer(r.body(), l.digest(), w, progress, spec);
        }
    }

    private List<Layer> layers() throws IOException {
        if (layers != null) {
            return layers;
        }
        Map<String, Object> m = manifest(reference);
        if (m.containsKey("manifests")) {
            Map<?, ?> chosen = OciSource.choose(OciSource.list(m.get("manifests"), "manifests"), opts.platform(), spec);
            m = manifest(OciSource.string(chosen.get("digest"), "manifest digest"));
            if (m.containsKey("manifests")) {
                throw new ImageException(spec + ": nested image index is not supported");
            }
        }
        List<Layer> out = new ArrayList<>();
        for (Object o : OciSource.list(m.get("layers"), "layers")) {
            Map<?, ?> l = (Map<?, ?>) o;
            String digest = OciSource.string(l.get("digest"), "layer digest");
            if (!digest.matches("sha256:[a-f0-9]{64}")) {
                throw new ImageException(spec + ": unsupported layer digest " + digest);
            }
            out.add(new Layer(digest, l.get("size") instanceof Number n ? n.longValue() : 0));
        }
        layers = out;
        return out;
    }

    /** Fetches a manifest; one fetched by digest is checked against it. */
    private Map<String, Object> manifest(String ref) throws IOException {
        HttpResponse<InputStream> r = get("/v2/" + repo + "/manifests/" + ref, ACCEPT);
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes(16 << 20);
        }
        if (ref.startsWith("sha256:")) {
            MessageDigest md = OciSource.sha256();
            String got = "sha256:" + HexFormat.of().formatHex(md.digest(body));
            if (!got.equals(ref)) {
                throw new ImageException(spec + ": manifest " + ref + " does not match its digest (got " + got + ")");
            }
        }
        return OciSource.json(new java.io.ByteArrayInputStream(body), spec + " manifest");
    }

    /** GET with authentication; a 401 is answered once per request with the challenge's scheme. */
    private HttpResponse<InputStream> get(String path, String accept) throws IOException {
        if (base == null) {
            ping();
        }
        for (int attempt = 0; ; attempt++) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept)
                    .timeout(Duration.ofMinutes(10));
            if (authorization != null) {
                rb.header("Authorization", authorization);
            }
            HttpResponse<InputStream> r = send(rb.build());
            if (r.statusCode() == 401 && attempt == 0) {
                drain(r);
                authenticate(r);
                continue;
            }
            if (r.statusCode() == 200) {
                return r;
            }
            drain(r);
            throw new ImageException(switch (r.statusCode()) {
                case 401, 403 -> spec + ": access denied by the registry (HTTP " + r.statusCode() + "); check --username/--password";
                case 404 -> spec + ": not found in the registry (" + path + ")";
                default -> spec + ": registry answered HTTP " + r.statusCode() + " for " + path;
            });
        }
    }

    /** Finds the scheme (HTTPS; plain HTTP only with --nohttps) and answers an auth challenge up front. */
    private void ping() throws IOException {
        HttpResponse<InputStream> r;
        String scheme = "https://";
        try {
            r = send(HttpRequest.newBuilder(URI.create(scheme + registry + "/v2/")).timeout(Duration.ofSeconds(60)).build());
        } catch (IOException e) {
            if (!opts.noHttps() || e instanceof ConnectException) {
                throw new ImageException(spec + ": cannot reach the registry over HTTPS: " + e.getMessage()
                        + (opts.noHttps() ? "" : " (--nohttps allows self-signed certificates and plain HTTP)"), e);
            }
            scheme = "http://";
            r = send(HttpRequest.newBuilder(URI.create(scheme + registry + "/v2/")).timeout(Duration.ofSeconds(60)).build());
        }
        drain(r);
        base = scheme + registry;
        if (r.statusCode() == 401) {
            authenticate(r);
        } else if (r.statusCode() != 200) {
            throw new ImageException(spec + ": " + base + "/v2/ answered HTTP " + r.statusCode() + ", not a registry");
        }
    }

    private void authenticate(HttpResponse<?> r) throws IOException {
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
        String scheme = challenge.split(" ", 2)[0].toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("basic")) {
            if (opts.username() == null) {
                throw new ImageException(spec + ": the registry requires a login (--username/--password)");
            }
            authorization = basic();
            return;
        }
        if (!scheme.equals("bearer")) {
            throw new ImageException(spec + ": unsupported registry authentication: " + challenge);
        }
        Map<String, String> p = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            p.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        }
        String realm = p.get("realm");
        if (realm == null || !(realm.startsWith("https://") || realm.startsWith("http://"))) {
            throw new ImageException(spec + ": bearer challenge without a usable realm: " + challenge);
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
        if (p.containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(p.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        // the ping's challenge names no scope; ask for pull access to our repository
        String scope = p.getOrDefault("scope", "repository:" + repo + ":pull");
        url.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(60));
        if (opts.username() != null) {
            rb.header("Authorization", basic());
        }
        HttpResponse<InputStream> tr = send(rb.build());
        byte[] body;
        try (InputStream in = tr.body()) {
            body = in.readNBytes(1 << 20);
        }
        if (tr.statusCode() != 200) {
            throw new ImageException(spec + ": the token service " + realm + " refused the login (HTTP "
                    + tr.statusCode() + ")");
        }
        Map<String, Object> t = OciSource.json(new java.io.ByteArrayInputStream(body), "token response from " + realm);
        Object token = t.containsKey("token") ? t.get("token") : t.get("access_token");
        if (!(token instanceof String s) || s.isEmpty()) {
            throw new ImageException(spec + ": the token service " + realm + " sent no token");
        }
        authorization = "Bearer " + s;
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(
                (opts.username() + ":" + opts.password()).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<InputStream> send(HttpRequest req) throws IOException {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to " + registry);
        }
    }

    private static void drain(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            in.skip(Long.MAX_VALUE);
        } catch (IOException ignored) {
            // the connection is dropped instead of reused
        }
    }

    private static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
