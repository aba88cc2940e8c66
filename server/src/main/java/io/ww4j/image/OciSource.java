package io.ww4j.image;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * An OCI image layout (a directory, or an OCI archive tar of one): index.json → (image index →)
 * image manifest for the wanted platform → layers, each digest-checked and applied in order
 * with whiteouts.
 */
final class OciSource implements Sources.Source {
    static final String INDEX_OCI = "application/vnd.oci.image.index.v1+json";
    static final String INDEX_DOCKER = "application/vnd.docker.distribution.manifest.list.v2+json";

    private final Blobs blobs;
    private final String what;
    private final Sources.PullOptions opts;

    OciSource(Blobs blobs, String what, Sources.PullOptions opts) {
        this.blobs = blobs;
        this.what = what;
        this.opts = opts;
    }

    /** Random access to the files of a layout. */
    interface Blobs extends Closeable {
        InputStream open(String rel) throws IOException;

        long size(String rel) throws IOException;

        static Blobs directory(Path dir) {
            return new Blobs() {
                @Override
                public InputStream open(String rel) throws IOException {
                    Path p = dir.resolve(RootfsWriter.clean(rel));
                    if (!Files.isRegularFile(p)) {
                        throw new ImageException(what(dir) + ": missing " + rel);
                    }
                    return Files.newInputStream(p);
                }

                @Override
                public long size(String rel) throws IOException {
                    return Files.size(dir.resolve(RootfsWriter.clean(rel)));
                }

                @Override
                public void close() {
                }
            };
        }

        static Blobs tar(Path file) throws IOException {
            TarFile tf = new TarFile(file.toFile());
            return new Blobs() {
                private TarArchiveEntry find(String rel) throws IOException {
                    String want = RootfsWriter.clean(rel);
                    for (TarArchiveEntry e : tf.getEntries()) {
                        if (RootfsWriter.clean(e.getName()).equals(want) && e.isFile()) {
                            return e;
                        }
                    }
                    throw new ImageException(what(file) + ": missing " + rel);
                }

                @Override
                public InputStream open(String rel) throws IOException {
                    return tf.getInputStream(find(rel));
                }

                @Override
                public long size(String rel) throws IOException {
                    return find(rel).getSize();
                }

                @Override
                public void close() throws IOException {
                    tf.close();
                }
            };
        }

        private static String what(Path p) {
            return p.toString();
        }
    }

    @Override
    public String describe() {
        return what;
    }

    @Override
    public long sizeHint() {
        try {
            long total = 0;
            for (String d : layers()) {
                total += blobs.size(blobPath(d));
            }
            return total;
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void extract(RootfsWriter w, Progress progress) throws IOException {
        try (blobs) {
            for (String digest : layers()) {
                w.beginLayer();
                applyLayer(blobs.open(blobPath(digest)), digest, w, progress, what);
            }
        }
    }

    /** Applies one (possibly compressed) layer blob and checks its sha256 digest. */
    static void applyLayer(InputStream raw, String digest, RootfsWriter w, Progress progress, String what)
            throws IOException {
        MessageDigest md = sha256();
        try (DigestInputStream din = new DigestInputStream(new Sources.CountingInputStream(raw, progress), md)) {
            Sources.applyTar(Sources.decompress(din), w, what + " layer " + digest);
            din.transferTo(java.io.OutputStream.nullOutputStream());
        }
        String got = "sha256:" + HexFormat.of().formatHex(md.digest());
        if (digest.startsWith("sha256:") && !got.equals(digest)) {
            throw new ImageException(what + ": layer " + digest + " is corrupt (content hashes to " + got + ")");
        }
    }

    private List<String> layers() throws IOException {
        Map<String, Object> index = json(blobs.open("index.json"), what + " index.json");
        Map<String, Object> manifest = resolve(index, 0);
        List<String> out = new ArrayList<>();
        for (Object l : list(manifest.get("layers"), "layers")) {
            out.add(string(((Map<?, ?>) l).get("digest"), "layer digest"));
        }
        return out;
    }

    private Map<String, Object> resolve(Map<String, Object> index, int depth) throws IOException {
        if (depth > 4) {
            throw new ImageException(what + ": image index nesting too deep");
        }
        Map<?, ?> chosen = choose(list(index.get("manifests"), "manifests"), opts.platform(), what);
        String digest = string(chosen.get("digest"), "manifest digest");
        Map<String, Object> m = json(blobs.open(blobPath(digest)), what + " manifest " + digest);
        String mt = String.valueOf(chosen.get("mediaType"));
        if (mt.equals(INDEX_OCI) || mt.equals(INDEX_DOCKER) || m.containsKey("manifests")) {
            return resolve(m, depth + 1);
        }
        return m;
    }

    /** Picks the manifest for the platform ("os/arch[/variant]" or "arch"; default: this machine's). */
    static Map<?, ?> choose(List<Object> manifests, String platform, String what) throws ImageException {
        if (manifests.isEmpty()) {
            throw new ImageException(what + ": the image index lists no manifests");
        }
        String arch = platform == null || platform.isEmpty() ? hostArch() : platform;
        String os = "linux";
        if (arch.contains("/")) {
            String[] parts = arch.split("/");
            os = parts[0];
            arch = parts[1];
        }
        Map<?, ?> withoutPlatform = null;
        for (Object o : manifests) {
            Map<?, ?> m = (Map<?, ?>) o;
            Object p = m.get("platform");
            if (p instanceof Map<?, ?> pm) {
                if (arch.equals(pm.get("architecture")) && os.equals(pm.get("os"))) {
                    return m;
                }
            } else if (withoutPlatform == null) {
                withoutPlatform = m;
            }
        }
        if (withoutPlatform != null) {
            return withoutPlatform;
        }
        throw new ImageException(what + ": no manifest for platform " + os + "/" + arch);
    }

    static String hostArch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> a;
        };
    }

    static String blobPath(String digest) throws ImageException {
        int c = digest.indexOf(':');
        if (c <= 0 || !digest.substring(c + 1).matches("[a-fA-F0-9]{32,128}") || !digest.substring(0, c).matches("[a-z0-9]+")) {
            throw new ImageException("bad digest: " + digest);
        }
        return "blobs/" + digest.substring(0, c) + "/" + digest.substring(c + 1);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(InputStream in, String what) throws IOException {
        try (in) {
            String text = new String(in.readNBytes(16 << 20), StandardCharsets.UTF_8);
            Object o = new Load(LoadSettings.builder().build()).loadFromString(text);
            if (!(o instanceof Map)) {
                throw new ImageException(what + " is not a JSON object");
            }
            return (Map<String, Object>) o;
        } catch (RuntimeException e) {
            throw new ImageException(what + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String field) throws ImageException {
        if (!(o instanceof List)) {
            throw new ImageException("image metadata: '" + field + "' missing or not a list");
        }
        return (List<Object>) o;
    }

    static String string(Object o, String field) throws ImageException {
        if (!(o instanceof String s)) {
            throw new ImageException("image metadata: '" + field + "' missing");
        }
        return s;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
