package io.ww4j.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java data access, Warewulf's functions and bad input. */
class TemplateApiTest {
    @TempDir
    Path tmp;

    public record NetDev(String device, InetAddress ipaddr, InetAddress ipaddr6, boolean primary) {
        public String IpCIDR() {
            return ipaddr.getHostAddress() + "/24";
        }

        public String join(String sep, int n) {
            return device + sep + n;
        }
    }

    public static final class Bean {
        public String name = "pub";

        public String getHostname() {
            return "bean-host";
        }

        public boolean isEnabled() {
            return true;
        }

        public NetDev getNil() {
            return null;
        }
    }

    public record Node(String id, Map<String, String> tags, Map<String, NetDev> netDevs, List<String> args, Bean bean) {}

    static Node node() throws Exception {
        return new Node("n1", Map.of("a", "1"), Map.of("eth0", new NetDev("eth0", InetAddress.getByName("10.0.0.1"),
                InetAddress.getByName("2001:db8:0:0:0:0:0:1"), true)), List.of("quiet", "ro"), new Bean());
    }

    /** Like Warewulf's WWbool ({@code type WWbool string}): string kind, with methods. */
    public static final class WWbool implements GoString {
        private final String value;

        WWbool(String value) {
            this.value = value;
        }

        @Override
        public String stringValue() {
            return value;
        }

        public boolean Bool() {
            return value.equals("true") || value.equals("yes");
        }
    }

    public record Iface(WWbool OnBoot, WWbool Primary) {}

    @Test
    void goStringValuesHaveStringKind() {
        String text = "{{if .OnBoot}}set{{else}}unset{{end}} {{if .Primary}}p{{else}}np{{end}}"
                + " [{{.OnBoot}}] {{len .OnBoot}} {{.OnBoot.Bool}} {{eq .OnBoot \"false\"}} {{lt .Primary \"a\"}}"
                + " {{if eq .OnBoot .Primary}}same{{else}}differ{{end}}";
        // "false" is a non-empty string: true in {{if}}, as Go does for WWbool; Bool() reads it
        assertEquals("set np [false] 5 false true true differ", render(text, new Iface(new WWbool("false"), new WWbool(""))));
        assertEquals("set p [yes] 3 true false false same", render(text, new Iface(new WWbool("yes"), new WWbool("yes"))));
    }

    static String render(String text, Object data) {
        return Template.parse("t", text, Sprig.functions()).render(data);
    }

    @Test
    void javaDataRecordsBeansFieldsMethods() throws Exception {
        Node n = node();
        assertEquals("n1 1 <no value> eth0 10.0.0.1 2001:db8::1 true",
                render("{{ .Id }} {{ .Tags.a }} {{ .Tags.x }} {{ .NetDevs.eth0.Device }} {{ .NetDevs.eth0.Ipaddr }}"
                        + " {{ .NetDevs.eth0.Ipaddr6 }} {{ .NetDevs.eth0.Primary }}", n));
        assertEquals("10.0.0.1/24 eth0-3", render("{{ .NetDevs.eth0.IpCIDR }} {{ .NetDevs.eth0.Join \"-\" 3 }}", n));
        assertEquals("bean-host true pub <nil>", render("{{ .Bean.Hostname }} {{ .Bean.Enabled }} {{ .Bean.Name }} {{ .Bean.Nil }}", n));
        assertEquals("quiet,ro|", render("{{ join \",\" .Args }}|{{ index .Tags \"zz\" }}", n));
        assertEquals("eth0:10.0.0.1;", render("{{ range $k, $v := .NetDevs }}{{ $k }}:{{ $v.Ipaddr }};{{ end }}", n));
        TemplateException e = assertThrows(TemplateException.class, () -> render("{{ .Bean.Nil.Device }}", n));
        assertTrue(e.getMessage().startsWith("template: t:1:8: executing \"t\" at <.Bean.Nil.Device>: nil pointer evaluating "),
                e.getMessage());
        e = assertThrows(TemplateException.class, () -> render("{{ .Nope }}", n));
        assertTrue(e.getMessage().contains("can't evaluate field Nope in type Node"), e.getMessage());
    }

    @Test
    void badInputGivesGoStyleErrorsWithPositions() {
        Map<String, String> cases = Map.of(
                "a\n{{ .x ", "template: t:2: unclosed action",
                "{{ nosuch 1 }}", "template: t:1: function \"nosuch\" not defined",
                "{{ lower \"a\" \"b\" }}", "template: t:1:3: executing \"t\" at <lower>: wrong number of args for lower: want 1 got 2",
                "x\n  {{ $a := dict \"b\" nil }}{{ $a.b.c }}", "template: t:2:31: executing \"t\" at <$a.b.c>: nil pointer evaluating interface {}.c",
                "{{ if }}{{ end }}", "template: t:1: missing value for if",
                "{{ fail \"boom\" }}", "template: t:1:3: executing \"t\" at <fail \"boom\">: error calling fail: boom");
        cases.forEach((text, want) -> {
            TemplateException e = assertThrows(TemplateException.class, () -> render(text, Map.of()));
            assertEquals(want, e.getMessage(), text);
        });
        // deep recursion: a Go-style error naming the template call, never a StackOverflowError
        TemplateException e = assertThrows(TemplateException.class,
                () -> render("{{ define \"r\" }}{{ template \"r\" . }}{{ end }}{{ template \"r\" . }}", Map.of()));
        assertTrue(e.getMessage().matches("template: t:1:\\d+: executing \"r\" at <\\{\\{template \"r\" \\.}}>: "
                + "exceeded maximum template depth \\(100000\\)"), e.getMessage());
        // a Java function that throws is reported as Go reports a function error
        Map<String, Func> f = Map.of("bad", Func.of("bad", (c, a) -> {
            throw new IllegalStateException("broken");
        }));
        e = assertThrows(TemplateException.class, () -> Template.parse("t", "{{ bad }}", f).render(null));
        assertEquals("template: t:1:3: executing \"t\" at <bad>: error calling bad: broken", e.getMessage());
    }

    @Test
    void warewulfOutputSlotsAndFlags() throws Exception {
        Map<String, Func> ww = WarewulfFunctions.withSprig(WarewulfFunctions.Options.of(tmp, tmp));
        RenderResult r = Template.parse("t", "head\n{{- file \"a.conf\" -}}\nA{{ file \"b\" }}B{{ softlink \"/x\" }}{{ nobackup }}", ww)
                .execute(Map.of());
        assertEquals("head", r.text());
        assertEquals(3, r.outputs().size());
        assertEquals(new RenderResult.Output("a.conf", "A", null), r.outputs().get(1));
        assertEquals(new RenderResult.Output("b", "B", "/x"), r.outputs().get(2));
        assertFalse(r.backup());
        assertFalse(r.aborted());
        r = Template.parse("t", "before{{ abort }}after", ww).execute(Map.of());
        assertTrue(r.aborted());
        assertEquals("before", r.text());
    }

    @Test
    void warewulfFileFunctions() throws Exception {
        Files.writeString(tmp.resolve("inc.txt"), "line1\nline2\n\n");
        Files.writeString(tmp.resolve("block.txt"), "keep1\r\nkeep2\n# BEGIN marker here\nafter\n");
        Files.createDirectories(tmp.resolve("img/rootfs/etc"));
        Files.writeString(tmp.resolve("img/rootfs/etc/passwd"), "root:x:0:0\n");
        Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("inc.txt"));
        Map<String, Func> ww = WarewulfFunctions.withSprig(WarewulfFunctions.Options.of(tmp, tmp));
        String out = Template.parse("t", "[{{ Include \"inc.txt\" }}][{{ Include \"" + tmp + "/inc.txt\" }}][{{ Include \"missing\" }}]"
                + "[{{ IncludeBlock \"block.txt\" \"BEGIN\" }}][{{ IncludeBlock \"nofile\" \"M\" }}]"
                + "[{{ IncludeFrom \"img\" \"/etc/passwd\" }}][{{ IncludeFrom \"\" \"/etc/passwd\" }}]"
                + "[{{ readlink \"" + tmp + "/link\" }}]", ww).render(Map.of());
        assertEquals("[line1\nline2\n][line1\nline2\n][][keep1\nkeep2\nBEGIN][M][root:x:0:0][][" + tmp.toRealPath() + "/inc.txt]", out);
        RenderResult r = Template.parse("t", "{{ ImportLink \"link\" }}", ww).execute(Map.of());
        assertEquals(tmp.toRealPath().resolve("inc.txt").toString(), r.outputs().get(0).symlink());
    }

    @Test
    void warewulfStringFunctions() {
        Map<String, Func> ww = WarewulfFunctions.withSprig(WarewulfFunctions.Options.of(tmp, tmp));
        String out = Template.parse("t", "{{ SystemdEscapePath \"/dev/disk/by-partlabel/swap\" }} {{ SystemdEscapePath \"/\" }}"
                + " {{ SystemdEscapePath \"//a//b/\" }} {{ SystemdEscape \".hidden/x y\" }} {{ basename \"/a/b/\" }}"
                + " {{ basename \"\" }} {{ inc 4 }} {{ dec 4 }} [{{ IgnitionJson }}]"
                + " {{ UniqueField \":\" 0 \"a:1\\nb:2\\na:3\\n\\nc\" | printf \"%q\" }}", ww).render(Map.of());
        assertEquals("dev-disk-by\\x2dpartlabel-swap - a-b \\x2ehidden-x\\x20y b . 5 3 [] \"a:1\\nb:2\\n\\nc\"", out);
        TemplateException e = assertThrows(TemplateException.class,
                () -> Template.parse("t", "{{ inc \"x\" }}", ww).render(Map.of()));
        assertTrue(e.getMessage().endsWith("expected integer; found \"x\""), e.getMessage());
    }

    @Test
    void parsedTemplateIsReusableAndDefinesAreExecutable() {
        Template t = Template.parse("t", "{{ define \"inner\" }}<{{ . }}>{{ end }}main {{ . }}", Map.of());
        assertEquals("main 1", t.render(1L));
        assertEquals("main 2", t.render(2L));
        assertEquals("<x>", t.execute("inner", "x").text());
        assertTrue(t.templateNames().contains("inner"));
    }

    /** A Go named string type (Warewulf's WWbool): truthiness, eq and len go by its content. */
    record Named(String v) implements GoString {
        @Override
        public String stringValue() {
            return v;
        }

        public boolean Bool() {
            return v.equals("true");
        }
    }

    @Test
    void namedStringKindsBehaveAsStrings() {
        Map<String, Object> d = Map.of("T", new Named("true"), "F", new Named("false"), "E", new Named(""));
        assertEquals("T:yes F:yes E:no", render("T:{{ if .T }}yes{{ else }}no{{ end }} F:{{ if .F }}yes{{ else }}no{{ end }}"
                + " E:{{ if .E }}yes{{ else }}no{{ end }}", d));
        assertEquals("true false true 5 true false", render("{{ eq .T \"true\" }} {{ eq .F \"true\" }} {{ ne .E .T }}"
                + " {{ len .F }} {{ .T.Bool }} {{ not .T }}", d));
        assertEquals("true", render("{{ lt .F .T }}", d));
    }

    @Test
    void rootFieldsReadAndFunctionsCalled() {
        Template t = Template.parse("t", "{{ .A.x }}{{ range .L }}{{ .Inner }}{{ else }}{{ .B }}{{ end }}"
                + "{{ with $v := .C }}{{ $.D.y }}{{ .NotRoot }}{{ end }}{{ if .E }}{{ .F }}{{ end }}{{ lower .G }}"
                + "{{ (index .H 0).Z }}", Sprig.functions());
        assertEquals(java.util.Optional.of(java.util.Set.of("A", "L", "B", "C", "D", "E", "F", "G", "H")), t.rootFieldsRead());
        assertTrue(t.functionsCalled().containsAll(java.util.Set.of("lower", "index")), t.functionsCalled().toString());
        assertTrue(Template.parse("t", "{{ hasKey . \"x\" }}", Sprig.functions()).rootFieldsRead().isEmpty());
        assertTrue(Template.parse("t", "{{ $x := $ }}{{ $x.A }}", Map.of()).rootFieldsRead().isEmpty());
        assertTrue(Template.parse("t", "{{ define \"d\" }}{{ .Q }}{{ end }}{{ template \"d\" .A }}", Map.of())
                .rootFieldsRead().isEmpty());
    }

    @Test
    void oneTemplateRunsConcurrentlyOverMapsWithDifferentKeys() throws Exception {
        // the compiled range step remembers the last key order it sorted; threads ranging over
        // different maps through it at once must each still see their own map in Go's order
        Template t = Template.parse("t", "{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}{{ range . }}{{ . }}{{ end }}",
                Sprig.functions());
        List<Map<String, Object>> maps = List.of(
                new java.util.LinkedHashMap<>(Map.of("b", 2L, "a", 1L, "c", 3L)),
                new java.util.LinkedHashMap<>(Map.of("z", "last", "Z", "upper", "_", "under")),
                new java.util.LinkedHashMap<>(Map.of("k1", "v1", "k10", "v10", "k2", "v2", "k0", "v0")));
        List<String> want = List.of("a=1;b=2;c=3;123", "Z=upper;_=under;z=last;upperunderlast",
                "k0=v0;k1=v1;k10=v10;k2=v2;v0v1v10v2");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int task = 0; task < 4; task++) {
                int first = task;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 3000; i++) {
                        int m = (first + i) % maps.size();
                        String got = t.render(maps.get(m));
                        if (!got.equals(want.get(m))) {
                            return "map " + m + ": " + got;
                        }
                    }
                    return "ok";
                }));
            }
            for (java.util.concurrent.Future<String> r : results) {
                assertEquals("ok", r.get(2, java.util.concurrent.TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
