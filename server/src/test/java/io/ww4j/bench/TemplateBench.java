package io.ww4j.bench;

import io.ww4j.template.Sprig;
import io.ww4j.template.Template;
import io.ww4j.template.TemplateJson;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One parsed 200-line overlay-like template (10 netdevs, 100 tags) executed on one thread.
 * Run with server/bench/template-bench.sh, which also runs the same template through Go.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class TemplateBench {
    Template template;
    Object data;

    static String resource(String name) throws Exception {
        try (InputStream in = TemplateBench.class.getResourceAsStream("/template/bench/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Setup
    public void setup() throws Exception {
        template = Template.parse("bench", resource("bench.tmpl"), Sprig.functions());
        data = TemplateJson.parse(resource("bench-data.json"));
    }

    @Benchmark
    public String execute() {
        return template.render(data);
    }

    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(new String[] {TemplateBench.class.getName()});
    }
}
