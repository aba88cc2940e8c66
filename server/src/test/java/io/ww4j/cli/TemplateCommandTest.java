package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wwctl template render}: YAML and JSON data, file() outputs, Go-style errors, hidden from help. */
class TemplateCommandTest {
    @Test
    void rendersWithDataAndFailsWithGoError(@TempDir Path dir) throws Exception {
        Path tpl = dir.resolve("t.ww");
        Files.writeString(tpl, "{{ .Hostname }} {{ index .Nums 1 }} {{ printf \"%d\" .Uid }}\n{{- file \"extra\" }}x\n");
        Path yaml = dir.resolve("d.yaml");
        Files.writeString(yaml, "Hostname: n1\nNums: [1, 2]\nUid: 1001\n");
        Path json = dir.resolve("d.json");
        Files.writeString(json, "{\"Hostname\": \"n2\", \"Nums\": [3, 4], \"Uid\": 7}");
        Path bad = dir.resolve("bad.ww");
        Files.writeString(bad, "line\n{{ lower .Missing }}");
        try (Harness h = new Harness(dir)) {
            Harness.Result r = h.inProcess("template", "render", "--data", yaml.toString(), tpl.toString());
            assertEquals(0, r.code(), r.all());
            assertEquals("n1 2 1001Filename: extra\nx\n", r.out(), r.all());
            r = h.inProcess("template", "render", "--data", json.toString(), tpl.toString());
            assertEquals("n2 4 7Filename: extra\nx\n", r.out(), r.all());
            r = h.inProcess("template", "render", bad.toString());
            assertEquals(1, r.code(), r.all());
            assertEquals("template: bad.ww:2:9: executing \"bad.ww\" at <.Missing>: invalid value; expected string\n",
                    r.err(), r.all());
            r = h.inProcess("--help");
            assertFalse(r.out().contains("template"), r.all());
        }
    }
}
