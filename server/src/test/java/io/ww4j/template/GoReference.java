package io.ww4j.template;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ww4j.testing.ExternalTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds and runs our Go reference program (src/test/go/gotpl: text/template + sprig from
 * Debian's golang-github-masterminds-sprig-dev), offline with GOPATH=/usr/share/gocode.
 */
final class GoReference {
    static final Path SPRIG = Path.of("/usr/share/gocode/src/github.com/Masterminds/sprig");
    private static Path binary;

    private GoReference() {}

    record Case(String name, String text, String dataJson) {}

    record Result(String out, String err) {}

    /** Builds the program once per JVM; skips locally (fails in CI) when Go or sprig is missing. */
    static synchronized Path binary() throws IOException, InterruptedException {
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
        Path src = Path.of("src/test/go/gotpl/main.go").toAbsolutePath();
        Path dir = Path.of("target/gotpl").toAbsolutePath();
        Files.createDirectories(dir);
        Path bin = dir.resolve("gotpl");
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

    /** Renders every case in one Go process. */
    static List<Result> run(List<Case> cases) throws IOException, InterruptedException {
        StringBuilder in = new StringBuilder("[");
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            if (i > 0) {
                in.append(",\n");
            }
            in.append("{\"name\":").append(Json.marshal(c.name(), "", false))
                    .append(",\"text\":").append(Json.marshal(c.text(), "", false))
                    .append(",\"data\":").append(c.dataJson() == null ? "null" : c.dataJson()).append('}');
        }
        in.append(']');
        Path input = Files.createTempFile("gotpl", ".json");
        try {
            Files.writeString(input, in);
            ProcessBuilder pb = new ProcessBuilder(binary().toString());
            pb.redirectInput(input.toFile());
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("gotpl failed: " + err);
            }
            List<?> results = (List<?>) Json.parse(new String(out, StandardCharsets.UTF_8));
            List<Result> r = new ArrayList<>();
            for (Object o : results) {
                Map<?, ?> m = (Map<?, ?>) o;
                r.add(new Result((String) m.get("out"), (String) m.get("err")));
            }
            return r;
        } finally {
            Files.deleteIfExists(input);
        }
    }
}
