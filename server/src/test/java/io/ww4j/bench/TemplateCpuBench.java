package io.ww4j.bench;

import io.ww4j.template.Sprig;
import io.ww4j.template.Template;
import io.ww4j.template.TemplateJson;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The TemplateBench workload measured per CPU-second of the executing thread, so the number
 * stays comparable on a loaded machine (wall-clock ops/s there mostly measure the scheduler).
 * Usage: TemplateCpuBench [WARMUP_SECONDS] [MEASURE_SECONDS]; prints "N ops/cpu-s".
 */
public final class TemplateCpuBench {
    private TemplateCpuBench() {}

    public static void main(String[] args) throws Exception {
        double warm = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        double secs = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        Template t = Template.parse("bench", TemplateBench.resource("bench.tmpl"), Sprig.functions());
        Object data = TemplateJson.parse(TemplateBench.resource("bench-data.json"));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        long end = mx.getCurrentThreadCpuTime() + (long) (warm * 1e9);
        while (mx.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 100; i++) {
                sink += t.render(data).length();
            }
        }
        long n = 0;
        long start = mx.getCurrentThreadCpuTime();
        end = start + (long) (secs * 1e9);
        long now;
        while ((now = mx.getCurrentThreadCpuTime()) < end) {
            for (int i = 0; i < 100; i++) {
                sink += t.render(data).length();
            }
            n += 100;
        }
        System.out.printf("%.0f ops/cpu-s (%d chars/op, sink %d)%n", n / ((now - start) / 1e9), t.render(data).length(), sink);
    }
}
