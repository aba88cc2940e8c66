package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.node.NodeRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wwctl db import/export} in-process and through the daemon, on a real H2 file. */
class DbCommandTest {
    private static final Path DEMO = Path.of("..", "nodes", "demo", "nodes.conf").toAbsolutePath();

    @Test
    void importExportConfirmAndBadInput(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            Harness.Result r = h.inProcess("db", "import", DEMO.toString());
            assertEquals(0, r.code(), r.all());
            assertEquals("Imported 4 nodes and 1 profiles from " + DEMO + "\n", r.out(), r.all());

            // replacing a non-empty database asks first; "no" changes nothing
            Path hpc = Path.of("..", "nodes", "hpc-site", "nodes.conf").toAbsolutePath();
            Harness.Captured t = new Harness.Captured("");
            t.answers.add(false);
            r = h.inProcess(t, "db", "import", hpc.toString());
            assertTrue(r.out().endsWith("[y/N]: Nothing imported.\n"), r.all());
            assertEquals(1, t.prompts.size(), r.all());

            // a YAML error names file and line, and nothing is written
            Path bad = dir.resolve("bad.conf");
            Files.writeString(bad, "nodes:\n  n1:\n    comment: [oops\n");
            r = h.inProcess("db", "import", "--yes", bad.toString());
            assertEquals(255, r.code(), r.all());
            assertTrue(r.err().startsWith("ERROR: " + bad + ":"), r.all());

            r = h.inProcess("db", "export");
            assertEquals(0, r.code(), r.all());
            assertEquals(Files.readString(DEMO), r.out());

            r = h.inProcess("db", "export", "out.conf");
            assertEquals(0, r.code(), r.all());
            assertEquals(Files.readString(DEMO), Files.readString(dir.resolve("out.conf")));
        }
    }

    @Test
    void daemonImportsNodesConfOnFirstStartAndServesDbImports(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            Files.copy(DEMO, dir.resolve("etc/warewulf/nodes.conf"));
            var daemon = h.startDaemon();
            NodeRegistry reg = daemon.context().componentOrNull(NodeRegistry.class);
            assertEquals("n1", reg.byHwaddr("52:54:00:00:00:01").orElseThrow().id);
            Path hpc = Path.of("..", "nodes", "hpc-site", "nodes.conf").toAbsolutePath();
            Harness.Result r = h.viaDaemon("db", "import", "--yes", hpc.toString());
            assertEquals(0, r.code(), r.all());
            // the daemon's registry sees the import at once
            assertEquals("c003", reg.byIpaddr("10.10.1.3").orElseThrow().id);
            assertTrue(reg.byId("n1").isEmpty());
        }
    }
}
