package io.ww4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node commands through warewulfd: same output as in-process, and no lost updates. */
class DaemonModeTest {
    @TempDir
    Path a;
    @TempDir
    Path b;

    private static final List<String[]> SCRIPT = List.of(
            new String[] {"profile", "add", "default", "--comment", "base", "-O", "wwinit", "-R", "hosts"},
            new String[] {"node", "add", "n[01-04]", "--ipaddr", "10.0.0.1", "--netmask", "255.255.255.0",
                    "--tagadd", "rack=r1"},
            new String[] {"node", "set", "n0[1-2]", "--comment", "x", "-y"},
            new String[] {"node", "set", "n03", "--ipmiaddr", "10.1.0.3", "--ipmiuser", "admin", "-y"},
            new String[] {"node", "unset", "n04", "--tag", "rack", "-y"},
            new String[] {"node", "list"},
            new String[] {"node", "list", "-a"},
            new String[] {"node", "list", "-n"},
            new String[] {"node", "list", "-i"},
            new String[] {"node", "list", "-l"},
            new String[] {"node", "list", "-y", "n01"},
            new String[] {"node", "list", "-j", "n03"},
            new String[] {"node", "export", "n02"},
            new String[] {"node", "status"},
            new String[] {"profile", "list", "-a"},
            new String[] {"node", "set", "n99", "--comment", "x"},
            new String[] {"node", "set", "n01", "--ipaddr", "300.0.0.1"},
            new String[] {"node", "set", "n01", "--bogus"},
            new String[] {"profile", "delete", "default", "-y"},
            new String[] {"node", "delete", "n04", "n77", "-y"},
            new String[] {"node", "list"});

    @Test
    void sameOutputBothWays() throws Exception {
        List<Harness.Result> local = new ArrayList<>();
        String localDb;
        try (Harness h = new Harness(a)) {
            for (String[] cmd : SCRIPT) {
                local.add(h.inProcess(cmd));
            }
            localDb = h.db();
        }
        try (Harness h = new Harness(b)) {
            h.startDaemon();
            for (int i = 0; i < SCRIPT.size(); i++) {
                assertEquals(local.get(i), h.viaDaemon(SCRIPT.get(i)), "wwctl " + String.join(" ", SCRIPT.get(i)));
            }
            assertEquals(localDb, h.db());
        }
        // nodes.conf is an exchange format now: the commands never wrote it.
        assertFalse(Files.exists(a.resolve("etc/warewulf/nodes.conf")));
        assertFalse(Files.exists(b.resolve("etc/warewulf/nodes.conf")));
    }

    /** 20 wwctl processes set 20 different nodes at once through the daemon: all 20 land. */
    @Test
    void twentyConcurrentProcesses() throws Exception {
        try (Harness h = new Harness(a)) {
            h.startDaemon();
            assertEquals(0, h.viaDaemon("node", "add", "n[01-20]").code());
            ExecutorService pool = Executors.newFixedThreadPool(20);
            try {
                List<Future<Harness.Result>> results = new ArrayList<>();
                for (int i = 1; i <= 20; i++) {
                    String id = String.format("n%02d", i);
                    results.add(pool.submit(() -> h.process("", "node", "set", id, "--comment", "c-" + id, "--yes")));
                }
                for (Future<Harness.Result> f : results) {
                    Harness.Result r = f.get();
                    assertEquals(0, r.code(), r.all());
                }
            } finally {
                pool.shutdownNow();
            }
            String conf = h.db();
            for (int i = 1; i <= 20; i++) {
                String id = String.format("n%02d", i);
                assertTrue(conf.contains("  " + id + ":\n    comment: c-" + id + "\n"), id + " lost:\n" + conf);
            }
            String list = h.viaDaemon("node", "list", "-a").out();
            assertEquals(20, list.lines().filter(l -> l.contains(" Comment ")).count(), list);
        }
    }
}
