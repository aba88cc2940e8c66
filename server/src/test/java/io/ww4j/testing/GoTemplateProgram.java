package io.ww4j.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ww4j.template.TemplateJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of our Go reference programs under src/test/go/NAME/main.go (Go text/template + sprig),
 * built once per JVM offline with GOPATH=/usr/share/gocode (Debian's sprig sources) and run over a
 * JSON list of cases in one process. Skips locally, fails in CI, when Go or sprig is missing.
 */
public final class GoTemplateProgram {
    public static final Path SPRIG = Path.of("/usr/share/gocode/src/github.com/Masterminds/sprig");

    /** A template, its name, and its data as JSON text ({@code null} for Go's nil). */
    public record Case(String name, String text, String dataJson) {}

    /** What Go printed, and its error text (empty when none). */
    public record Result(String out, String err) {}

    private final String name;
    private Path binary;

    public GoTemplateProgram(String name) {
        this.name = name;
    }

    public synchronized Path binary() throws IOException, InterruptedException {
        if (binary != null) {
            return binary;
        }
        Path go = ExternalTool.require("go", "golang-go");
        if (!Files.isDirectory(SPRIG)) {
            String msg = "sprig sources missing: apt-get install golang-github-masterminds-sprig-dev";
            if ("true".equals(System.getenv("CI"))) {
                fail(msg);
            }
            assumeTrue(false, msg);
        }
        Path src = Path.of("src/test/go", name, "main.go").toAbsolutePath();
        Path dir = Path.of("target", name).toAbsolutePath();
        Files.createDirectories(dir);
        Path bin = dir.resolve(name);
        if (!Files.exists(bin) || Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(src)) < 0) {
            ProcessBuilder pb = new ProcessBuilder(go.toString(), "build", "-o", bin.toString(), src.toString());
            Map<String, String> env = pb.environment();
            env.put("GO111MODULE", "off");
            env.put("GOPATH", "/usr/share/gocode");
            env.put("GOCACHE", dir.resolve("cache").toString());
            env.put("GOFLAGS", "");
            env.put("GOPROXY", "off");
            env.put("HOME", dir.toString());
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("go build failed: " + log);
            }
        }
        binary = bin;
        return bin;
    }

    /** Renders every case in one Go process; results in the order of the cases. */
    public List<Result> run(List<Case> cases) throws IOException, InterruptedException {
        StringBuilder in = new StringBuilder("[");
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            in.append(i > 0 ? ",\n" : "").append("{\"name\":").append(TemplateJson.marshal(c.name()))
                    .append(",\"text\":").append(TemplateJson.marshal(c.text()))
                    .append(",\"data\":").append(c.dataJson() == null ? "null" : c.dataJson()).append('}');
        }
        in.append(']');
        Path input = Files.createTempFile(name, ".json");
        try {
            Files.writeString(input, in);
            Process p = new ProcessBuilder(binary().toString()).redirectInput(input.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail(name + " failed: " + err);
            }
            List<Result> r = new ArrayList<>();
            for (Object o : (List<?>) TemplateJson.parse(new String(out, StandardCharsets.UTF_8))) {
                Map<?, ?> m = (Map<?, ?>) o;
                r.add(new Result((String) m.get("out"), (String) m.get("err")));
            }
            return r;
        } finally {
            Files.deleteIfExists(input);
        }
    }
}
