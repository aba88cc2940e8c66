package io.ww4j.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Generated code (CodeGen) against the steps it is made from, on shapes the Go differential suite
 * does not reach: Java records and beans as data, sequences long enough to be split into several
 * methods, texts too long for the constant pool, template calls, and when generation happens.
 */
class CodeGenTest {
    public record Dev(String name, String ip, List<String> tags) {
        public String label(String sep) {
            return name + sep + ip;
        }
    }

    public record Host(String id, Map<String, Dev> devs, Map<String, String> tags, Dev none) {}

    static Host host() {
        return new Host("n1", Map.of("eth0", new Dev("eth0", "10.0.0.1", List.of("a", "b")),
                "ib0", new Dev("ib0", "10.1.0.1", List.of())), Map.of("rack", "r7", "role", "compute"), null);
    }

    /** Output, or the error text, of one execution. */
    static String run(Template t, Object data) {
        try {
            return "OUT " + t.render(data);
        } catch (TemplateException e) {
            return "ERR " + e.getMessage();
        }
    }

    /** Renders text both ways and asserts the class was generated and that both agree. */
    static String both(String text, Object data) {
        Template gen = Template.parse("t", text, Sprig.functions(), 0);
        Template steps = Template.parse("t", text, Sprig.functions(), Integer.MAX_VALUE);
        assertTrue(gen.generated(), "generated: " + text);
        assertFalse(steps.generated());
        String g = run(gen, data);
        assertEquals(run(steps, data), g, text);
        assertEquals(g, run(gen, data), "a second execution: " + text);
        return g;
    }

    @Test
    void recordsBeansAndMethods() {
        Host h = host();
        assertEquals("OUT eth0:10.0.0.1[a b];ib0:10.1.0.1[];",
                both("{{ range $n, $d := .Devs }}{{ $d.Name }}:{{ $d.Ip }}{{ $d.Tags }};{{ end }}", h));
        assertEquals("OUT eth0/10.0.0.1 ib0/10.1.0.1 ",
                both("{{ range .Devs }}{{ .Label \"/\" }} {{ end }}", h));
        assertEquals("OUT r7 compute", both("{{ .Tags.rack }} {{ index .Tags \"role\" }}", h));
        assertEquals("OUT ETH0", both("{{ with .Devs.eth0 }}{{ upper .Name }}{{ end }}", h));
        // errors as the steps word them: nil pointer, missing field, wrong argument type
        assertTrue(both("{{ .None.Name }}", h).startsWith("ERR template: t:1:"));
        assertTrue(both("{{ .Nope }}", h).contains("can't evaluate field Nope"));
        assertTrue(both("{{ upper .Devs }}", h).startsWith("ERR "));
        assertTrue(both("{{ fail \"boom\" }}", h).contains("error calling fail: boom"));
    }

    @Test
    void longSequencesWithBreakAndContinueAcrossSplitMethods() {
        StringBuilder t = new StringBuilder("{{ $acc := list }}");
        for (int i = 0; i < 120; i++) {
            t.append("{{ $x").append(i).append(" := ").append(i).append(" }}");
            t.append("[{{ $x").append(i).append(" }}]");
            if (i % 17 == 0) {
                t.append("{{ range $j, $v := until 10 }}{{ if eq $j 3 }}{{ continue }}{{ end }}")
                        .append("{{ if gt $j 6 }}{{ break }}{{ end }}{{ $v }}");
                for (int k = 0; k < 30; k++) {
                    t.append("{{ if eq $j ").append(k % 10).append(" }}<").append(k).append(">{{ end }}");
                }
                t.append("{{ $acc = append $acc $j }}{{ end }}");
            }
        }
        t.append("{{ $acc }}");
        String out = both(t.toString(), Map.of());
        assertTrue(out.contains("[119]"), out);
        assertTrue(out.endsWith("[0 1 2 4 5 6 0 1 2 4 5 6 0 1 2 4 5 6 0 1 2 4 5 6 0 1 2 4 5 6 0 1 2 4 5 6 0 1 2 4 5 6 0 1 2 4 5 6]"),
                out);
    }

    @Test
    void textLongerThanTheConstantPoolTakes() {
        String big = "é".repeat(40000);
        assertEquals("OUT " + big + "n1" + big, both(big + "{{ .Id }}" + big, host()));
    }

    @Test
    void templateCallsAndRecursionDepth() {
        String defs = "{{ define \"dev\" }}<{{ .Name }}>{{ end }}{{ define \"r\" }}{{ template \"r\" . }}{{ end }}";
        assertEquals("OUT <eth0><ib0>", both(defs + "{{ range .Devs }}{{ template \"dev\" . }}{{ end }}", host()));
        assertTrue(both(defs + "{{ template \"r\" . }}", host()).contains("exceeded maximum template depth"));
    }

    @Test
    void threadsRenderingWhileTheClassIsGenerated() throws Exception {
        Template t = Template.parse("t", "{{ range .Devs }}{{ .Name }}={{ .Ip }};{{ end }}{{ .Tags.rack }}", Sprig.functions());
        Host h = host();
        String expected = "eth0=10.0.0.1;ib0=10.1.0.1;r7";
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                done.add(pool.submit(() -> {
                    int same = 0;
                    for (int i = 0; i < Template.GENERATE_AFTER; i++) {
                        same += t.render(h).equals(expected) ? 1 : 0;
                    }
                    return same;
                }));
            }
            for (Future<Integer> f : done) {
                assertEquals(Template.GENERATE_AFTER, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(t.generated());
    }

    @Test
    void generatedAfterEnoughExecutionsOnly() {
        Template t = Template.parse("t", "{{ range $k, $v := .Tags }}{{ $k }}={{ $v | quote }} {{ end }}", Sprig.functions());
        Host h = host();
        String first = t.render(h);
        assertEquals("rack=\"r7\" role=\"compute\" ", first);
        for (int i = 1; i < Template.GENERATE_AFTER - 1; i++) {
            t.render(h);
        }
        assertFalse(t.generated(), "a template rendered a few times is not worth a class");
        t.render(h);
        assertTrue(t.generated());
        assertEquals(first, t.render(h));
    }
}
