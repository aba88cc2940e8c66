package io.ww4j.template;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Renders every case with real Go (text/template + sprig) and with this package, and requires the
 * same output and the same error-or-not, except for the differences listed in {@link #KNOWN}.
 */
class GoDifferentialTest {

    /** Cases (by name or exact template text) where we differ from Go on purpose or by a documented limit. */
    static final Map<String, String> KNOWN = Map.of(
            "range-int-error", "Go 1.22+ ranges over integers (the issue asks for it); Debian's Go 1.19 does not",
            "if-with-else-with", "Go 1.23+ accepts {{else with}}; Debian's Go 1.19 does not",
            "{{ typeOf (add1 .Hostname) }}", "sprig math returns int64; ww4j has one integer type, so typeOf says int");

    static String resource(String name) throws IOException {
        try (InputStream in = GoDifferentialTest.class.getResourceAsStream("/template/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The hand-written cases of cases.txt. */
    static List<GoReference.Case> handWritten(Map<?, ?> data) throws IOException {
        List<GoReference.Case> out = new ArrayList<>();
        String name = null;
        String set = null;
        StringBuilder text = new StringBuilder();
        for (String line : (resource("cases.txt") + "\n### end @none").split("\n", -1)) {
            if (line.startsWith("### ")) {
                if (name != null) {
                    String t = text.toString();
                    if (t.endsWith("\n")) {
                        t = t.substring(0, t.length() - 1);
                    }
                    out.add(new GoReference.Case(name, t, Json.marshal(data.get(set), "", false)));
                }
                String[] h = line.substring(4).trim().split("\\s+@");
                name = h[0];
                set = h.length > 1 ? h[1] : "none";
                text.setLength(0);
            } else if (name != null) {
                text.append(line).append('\n');
            }
        }
        return out;
    }

    static final String[] ARGS = {
        "\"str\"", "\"\"", "1", "0", "-3", "1.5", "true", "false", "nil", ".Hostname", ".Nope", ".I", ".F",
        ".List", ".Tags", ".EmptyList", ".Map.k3", ".Nil", "(list 1 2)", "(dict \"a\" 1)", "'x'", ".Tags.a", ".Big",
        ".Mixed", "$",
    };

    static final String[] UNARY = {
        "lower", "upper", "trim", "title", "default \"D\"", "empty", "len", "not", "print", "toString", "toJson",
        "quote", "b64enc", "int", "float64", "add1", "first", "join \",\"", "repeat 2", "substr 0 2", "printf \"%v\"",
        "printf \"%d\"", "html", "js", "urlquery", "sortAlpha", "uniq", "last", "atoi", "cat \"a\"", "index",
        "toPrettyJson", "ternary 1 2", "typeOf", "kindOf", "has 1", "coalesce", "splitList \",\"", "inc",
    };

    static final String[] CMP_ARGS = {"1", "1.0", "\"1\"", ".I", ".F", ".Nope", "true", ".Tags.a", "nil", "'1'"};

    /** Generated cases: function x argument matrix, comparisons, printf verbs, truth tests, pipelines. */
    static List<GoReference.Case> generated(String node) {
        List<GoReference.Case> out = new ArrayList<>();
        int n = 0;
        for (String f : UNARY) {
            if (f.equals("inc")) {
                continue;
            }
            for (String a : ARGS) {
                out.add(new GoReference.Case("g" + n++, "{{ " + f + " " + a + " }}", node));
            }
        }
        for (String f : new String[] {"eq", "ne", "lt", "le", "gt", "ge"}) {
            for (String a : CMP_ARGS) {
                for (String b : CMP_ARGS) {
                    out.add(new GoReference.Case("g" + n++, "{{ " + f + " " + a + " " + b + " }}", node));
                }
            }
        }
        String[] verbs = {"%v", "%s", "%d", "%q", "%x", "%t", "%5.1f", "%-4v|", "%08.3f", "%+v", "%T"};
        for (String v : verbs) {
            for (String a : ARGS) {
                out.add(new GoReference.Case("g" + n++, "{{ printf \"" + v + "\" " + a + " }}", node));
            }
        }
        for (String a : ARGS) {
            out.add(new GoReference.Case("g" + n++, "{{ if " + a + " }}T{{ else }}F{{ end }}", node));
            out.add(new GoReference.Case("g" + n++, "{{ with " + a + " }}<{{ . }}>{{ else }}none{{ end }}", node));
            out.add(new GoReference.Case("g" + n++, "{{ range $k, $v := " + a + " }}{{ $k }}={{ $v }};{{ else }}empty{{ end }}", node));
            out.add(new GoReference.Case("g" + n++, "{{ " + a + " }}", node));
            out.add(new GoReference.Case("g" + n++, "{{ $x := " + a + " }}{{ $x }}|{{ and $x 1 }}|{{ or $x \"o\" }}", node));
        }
        Random r = new Random(42);
        for (int i = 0; i < 300; i++) {
            String a = ARGS[r.nextInt(ARGS.length)];
            String f1 = UNARY[r.nextInt(UNARY.length - 1)];
            String f2 = UNARY[r.nextInt(UNARY.length - 1)];
            String t = switch (i % 3) {
                case 0 -> "{{ " + a + " | " + f1 + " | " + f2 + " }}";
                case 1 -> "{{ " + f1 + " (" + f2 + " " + a + ") }}";
                default -> "a {{- " + f1 + " " + a + " -}} b {{ if " + f2 + " " + a + " }}y{{ end }}";
            };
            out.add(new GoReference.Case("g" + n++, t, node));
        }
        return out;
    }

    static Object javaData(String json) {
        return json == null || json.equals("null") ? null : Json.parse(json, true);
    }

    static GoReference.Result renderJava(GoReference.Case c) {
        return renderJava(c, true);
    }

    /** {@code generate}: run as generated code (failing when the template is not), else as steps. */
    static GoReference.Result renderJava(GoReference.Case c, boolean generate) {
        try {
            Template t = Template.parse(c.name(), c.text(), Sprig.functions(), generate ? 0 : Integer.MAX_VALUE);
            if (generate && !t.generated()) {
                return new GoReference.Result("", "NOT GENERATED");
            }
            return new GoReference.Result(t.render(javaData(c.dataJson())), null);
        } catch (TemplateException e) {
            return new GoReference.Result("", e.getMessage());
        }
    }

    @Test
    void agreesWithGo() throws Exception {
        Map<?, ?> data = (Map<?, ?>) Json.parse(resource("data.json"));
        String node = Json.marshal(data.get("node"), "", false);
        List<GoReference.Case> cases = new ArrayList<>(handWritten(data));
        int hand = cases.size();
        cases.addAll(generated(node));
        cases.add(new GoReference.Case("bench", resource("bench/bench.tmpl"), resource("bench/bench-data.json")));
        List<GoReference.Result> goResults = GoReference.run(cases);
        Map<String, String> diffs = new LinkedHashMap<>();
        int sameErrText = 0;
        int known = 0;
        int bothErr = 0;
        for (int i = 0; i < cases.size(); i++) {
            GoReference.Case c = cases.get(i);
            GoReference.Result go = goResults.get(i);
            GoReference.Result java = renderJava(c);
            GoReference.Result steps = renderJava(c, false);
            if (!steps.equals(java)) {
                // the generated class and the steps it was made from must never disagree, errors included
                diffs.put(c.name() + " (generated vs steps)", "template: " + c.text() + "\n   generated: " + java
                        + "\n   steps:     " + steps);
            }
            boolean goErr = go.err() != null;
            boolean javaErr = java.err() != null;
            if (goErr && javaErr) {
                bothErr++;
                if (go.err().equals(java.err())) {
                    sameErrText++;
                }
            }
            boolean agree = goErr == javaErr && (goErr || go.out().equals(java.out()));
            if (!agree && (KNOWN.containsKey(c.name()) || KNOWN.containsKey(c.text()))) {
                known++;
            } else if (!agree) {
                diffs.put(c.name(), "template: " + c.text() + "\n   go:   " + (goErr ? "ERR " + go.err() : go.out())
                        + "\n   java: " + (javaErr ? "ERR " + java.err() : java.out()));
            }
        }
        System.out.printf("template differential: %d cases (%d hand-written, %d generated), %d agree, "
                + "%d known differences; %d/%d errors have identical text%n", cases.size(), hand, cases.size() - hand,
                cases.size() - diffs.size() - known, known, sameErrText, bothErr);
        diffs.forEach((k, v) -> System.out.println("DIFF " + k + "\n   " + v));
        assertTrue(cases.size() >= 500, "at least 500 cases");
        assertTrue(diffs.isEmpty(), diffs.size() + " cases differ from Go: " + diffs.keySet());
    }
}
