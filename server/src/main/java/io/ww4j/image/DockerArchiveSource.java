package io.ww4j.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A {@code docker save} / {@code podman save} tarball: manifest.json → layer tars, applied in order with whiteouts. */
final class DockerArchiveSource implements Sources.Source {
    private final Path file;

    DockerArchiveSource(Path file) {
        this.file = file;
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public long sizeHint() {
        return file.toFile().length();
    }

    @Override
    public void extract(RootfsWriter w, Progress progress) throws IOException {
        try (OciSource.Blobs blobs = OciSource.Blobs.tar(file)) {
            Map<String, Object> wrapper = Map.of("m",
                    OciSource.list(new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
                            .loadFromString(new String(blobs.open("manifest.json").readAllBytes(),
                                    java.nio.charset.StandardCharsets.UTF_8)), "manifest.json"));
            List<Object> manifests = OciSource.list(wrapper.get("m"), "manifest.json");
            if (manifests.isEmpty()) {
                throw new ImageException(file + ": manifest.json lists no image");
            }
            Map<?, ?> m = (Map<?, ?>) manifests.get(0);
            for (Object layer : OciSource.list(m.get("Layers"), "Layers")) {
                String rel = OciSource.string(layer, "layer path");
                w.beginLayer();
                // docker-archive layers are named by path; OCI-style names carry their digest
                String digest = rel.startsWith("blobs/sha256/") ? "sha256:" + rel.substring("blobs/sha256/".length()) : "";
                OciSource.applyLayer(blobs.open(rel), digest, w, progress, file.toString());
            }
        } catch (ClassCastException | org.snakeyaml.engine.v2.exceptions.YamlEngineException e) {
            throw new ImageException(file + ": bad manifest.json: " + e.getMessage(), e);
        }
    }
}
