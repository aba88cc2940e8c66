package io.ww4j.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ww4j.config.WarewulfConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The H2/Hibernate store, on real database files in a temp dir. */
class NodeStoreTest {
    @TempDir
    Path dir;

    private String url(String name) {
        return "jdbc:h2:file:" + dir.resolve(name).toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    private static NodesConf demo() {
        return NodesConfReader.read(Path.of("..", "nodes", "demo", "nodes.conf"));
    }

    /** wwctl's in-process open (rows over plain JDBC, no Hibernate) sees and writes the same data. */
    @Test
    void openWithoutHibernateReadsAndWritesTheSameDatabase() {
        String written;
        try (NodeStore mapped = NodeStore.open(url("light"), true)) {
            mapped.importConf(demo(), false);
            written = mapped.exportConf();
        }
        try (NodeStore light = NodeStore.open(url("light"), false)) {
            assertEquals(written, light.exportConf());
            assertEquals(demo().nodes.keySet(), light.raw().nodes.keySet());
            light.update(tx -> tx.editNode(demo().nodes.keySet().iterator().next()).comment = "via jdbc");
            written = light.exportConf();
        }
        try (NodeStore mapped = NodeStore.open(url("light"), true)) {
            assertEquals(written, mapped.exportConf());
            assertTrue(mapped.exportConf().contains("via jdbc"));
        }
    }

    @Test
    void everyExampleRoundTripsThroughTwoDatabases() throws Exception {
        int i = 0;
        for (Path f : NodesConfYamlTest.exampleFiles()) {
            NodesConf in = NodesConfReader.read(f);
            String first;
            try (NodeStore a = NodeStore.open(url("a" + i))) {
                a.importConf(in, false);
                first = a.exportConf();
            }
            String second;
            try (NodeStore b = NodeStore.open(url("b" + i))) {
                b.importConf(NodesConfReader.parse(first, "export"), false);
                second = b.exportConf();
            }
            assertEquals(first, second, f.toString());
            if (!in.nodeMapOnly) {
                assertEquals(Files.readString(f), first, f.toString());
            }
            // and the data survived a reopen
            try (NodeStore a = NodeStore.open(url("a" + i))) {
                assertEquals(first, a.exportConf(), f + " after reopen");
            }
            i++;
        }
    }

    @Test
    void lookupsAfterReopenAndMigrationIsIdempotent() {
        try (NodeStore s = NodeStore.open(url("db"))) {
            s.importConf(demo(), false);
        }
        try (NodeStore s = NodeStore.open(url("db"))) {
            assertEquals("n2", s.byHwaddr("52:54:00:00:00:02").orElseThrow().id);
            assertEquals("n4", s.byIpaddr("10.0.2.104").orElseThrow().id);
            assertEquals("/sbin/init", s.byId("n1").orElseThrow().init);
            assertEquals(4, s.all().size());
        }
    }

    @Test
    void ipv6AddressesAreCanonicalAndOneAddressHasOneHolder() {
        assertEquals("fd00::1", Addresses.ipv6("FD00:0000:0:0::0001"));
        assertEquals("2001:db8::1:0:0:1", Addresses.ipv6("2001:db8:0:0:1:0:0:1")); // first of equal runs
        assertEquals("2001:db8:0:1:1:1:1:1", Addresses.ipv6("2001:db8::1:1:1:1:1")); // one zero group stays
        assertEquals("::", Addresses.ipv6("0:0:0:0:0:0:0:0"));
        assertEquals("::1", Addresses.ipv6("0:0:0:0:0:0:0:1"));
        assertEquals("fe80::", Addresses.ipv6("fe80:0:0:0:0:0:0:0"));
        assertEquals("::ffff:10.1.2.3", Addresses.ipv6("::FFFF:10.1.2.3"));
        assertThrows(IllegalArgumentException.class, () -> Addresses.ipv6("fd00::1::2"));
        try (NodeStore s = NodeStore.open(url("v6"))) {
            s.update(tx -> {
                Node a = new Node("a");
                NetDev nd = new NetDev();
                nd.ipaddr6 = Addresses.ipv6("fd00:0:0::10");
                a.netDevs.put("default", nd);
                tx.putNode(a);
            });
            assertTrue(s.exportConf().contains("ipaddr6: fd00::10"), s.exportConf());
            NodesConfException e = assertThrows(NodesConfException.class, () -> s.update(tx -> {
                Node b = new Node("b");
                NetDev nd = new NetDev();
                nd.ipaddr6 = "FD00::0:10"; // the same address, spelled differently
                b.netDevs.put("default", nd);
                tx.putNode(b);
            }));
            assertTrue(e.getMessage().endsWith("already used by node a"), e.getMessage());
        }
    }

    @Test
    void duplicateMacOrIpIsRefusedNamingTheHolderAndNothingChanges() {
        try (NodeStore s = NodeStore.open(url("db"))) {
            s.importConf(demo(), false);
            String before = s.exportConf();
            long gen = s.generation();
            NodesConfException e = assertThrows(NodesConfException.class, () -> s.update(tx -> {
                Node n = new Node("n9");
                NetDev nd = new NetDev();
                nd.hwaddr = "52:54:00:00:00:0A";
                n.netDevs.put("default", nd);
                tx.putNode(n);
                Node m = new Node("n10");
                NetDev md = new NetDev();
                md.hwaddr = "52:54:00:00:00:01".toUpperCase();
                m.netDevs.put("eth", md);
                tx.putNode(m);
            }));
            assertEquals("hwaddr 52:54:00:00:00:01 of node n10 (netdev eth) is already used by node n1", e.getMessage());
            e = assertThrows(NodesConfException.class, () -> s.update(tx -> tx.editNode("n2").netDevs.get("default").ipaddr = "10.0.2.101"));
            assertTrue(e.getMessage().contains("ipaddr 10.0.2.101") && e.getMessage().endsWith("already used by node n1"),
                    e.getMessage());
            assertEquals(before, s.exportConf());
            assertEquals(gen, s.generation());
            assertFalse(s.byId("n9").isPresent());
            // swapping two nodes' addresses in one transaction is fine
            s.update(tx -> {
                tx.editNode("n1").netDevs.get("default").ipaddr = "10.0.2.102";
                tx.editNode("n2").netDevs.get("default").ipaddr = "10.0.2.101";
            });
            assertEquals("n2", s.byIpaddr("10.0.2.101").orElseThrow().id);
        }
    }

    @Test
    void badAddressesAreRefusedAndNothingIsWritten() {
        try (NodeStore s = NodeStore.open(url("db"))) {
            s.importConf(demo(), false);
            String before = s.exportConf();
            String[][] bad = {{"ipaddr", "10.0.2.999"}, {"hwaddr", "52:54:00:00:00"}, {"netmask", "255.0.255.0"}};
            for (String[] b : bad) {
                NodesConfException e = assertThrows(NodesConfException.class, () -> s.update(tx -> {
                    tx.editNode("n3").comment = "changed";
                    NetDev nd = tx.editNode("n1").netDevs.get("default");
                    switch (b[0]) {
                        case "ipaddr" -> nd.ipaddr = b[1];
                        case "hwaddr" -> nd.hwaddr = b[1];
                        default -> nd.netmask = b[1];
                    }
                }));
                assertTrue(e.getMessage().startsWith("node n1: network devices.default." + b[0]), e.getMessage());
            }
            assertEquals(before, s.exportConf());
        }
        try (NodeStore s = NodeStore.open(url("db"))) {
            assertEquals("spare chassis; claims the first unknown MAC that boots", s.raw().nodes.get("n3").comment);
        }
    }

    @Test
    void importOfAFileWithDuplicatesIsRefusedWhole() {
        NodesConf c = NodesConfReader.parse("""
                nodes:
                  a: {network devices: {d: {ipaddr: 10.1.1.1}}}
                  b: {network devices: {d: {ipaddr: 10.1.1.1}}}
                """, "dup.conf");
        try (NodeStore s = NodeStore.open(url("db"))) {
            s.importConf(demo(), false);
            NodesConfException e = assertThrows(NodesConfException.class, () -> s.importConf(c, false));
            assertEquals("ipaddr 10.1.1.1 of node b (netdev d) is already used by node a", e.getMessage());
            assertEquals(4, s.all().size());
        }
    }

    @Test
    void mergeImportKeepsExistingRecords() {
        try (NodeStore s = NodeStore.open(url("db"))) {
            s.importConf(demo(), false);
            s.importConf(NodesConfReader.read(Path.of("..", "nodes", "hpc-site", "node3401.yml")), true);
            assertEquals(5, s.all().size());
            assertEquals("node3401", s.byIpaddr("10.10.34.1").orElseThrow().id);
        }
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        try (NodeStore s = NodeStore.open(url("db"))) {
            s.importConf(demo(), false);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        int k = i;
                        String id = "t" + thread + "-" + k;
                        s.update(tx -> {
                            Node n = new Node(id);
                            n.profiles.add("default");
                            NetDev nd = new NetDev();
                            nd.hwaddr = String.format("02:00:00:00:%02x:%02x", thread, k);
                            nd.ipaddr = "10.100." + thread + "." + k;
                            n.netDevs.put("default", nd);
                            tx.putNode(n);
                        });
                        // writers sharing one node: read-modify-write under the store's lock
                        if (k % 8 == 0) s.update(tx -> {
                            Node shared = tx.editNode("n4");
                            int count = Integer.parseInt(shared.tags.getOrDefault("count", "0"));
                            shared.tags.put("count", Integer.toString(count + 1));
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
            pool.shutdown();
            assertEquals(4 + 1600, s.all().size());
            assertEquals("200", s.byId("n4").orElseThrow().tags.get("count"));
            assertEquals("t7-199", s.byHwaddr("02:00:00:00:07:c7").orElseThrow().id);
        }
        try (NodeStore s = NodeStore.open(url("db"))) {
            assertEquals(1604, s.all().size());
            assertEquals("200", s.byId("n4").orElseThrow().tags.get("count"));
            assertEquals("t3-17", s.byIpaddr("10.100.3.17").orElseThrow().id);
        }
    }

    @Test
    void discoveryIsPersisted() {
        try (NodeStore s = NodeStore.open(url("db"))) {
            s.importConf(demo(), false);
            assertEquals("n3", s.getOrDiscover("52:54:00:12:34:56").orElseThrow().id);
        }
        try (NodeStore s = NodeStore.open(url("db"))) {
            Node n3 = s.byHwaddr("52:54:00:12:34:56").orElseThrow();
            assertEquals("n3", n3.id);
            assertFalse(n3.isDiscoverable());
            assertFalse(s.getOrDiscover("52:54:00:12:34:57").isPresent());
        }
    }

    @Test
    void firstStartImportsNodesConfIntoAnEmptyDatabaseOnly() throws Exception {
        WarewulfConf conf = new WarewulfConf();
        conf.paths.sysconfdir = dir.resolve("etc").toString();
        conf.paths.localstatedir = dir.resolve("var").toString();
        Files.createDirectories(conf.sysconfDir());
        Files.copy(Path.of("..", "nodes", "demo", "nodes.conf"), conf.nodesConf());
        try (NodeStore s = NodeStore.openForDaemon(conf)) {
            assertEquals(4, s.all().size());
            s.update(tx -> tx.deleteNode("n1"));
        }
        assertTrue(Files.exists(conf.stateDir()));
        try (NodeStore s = NodeStore.openForDaemon(conf)) {
            assertEquals(3, s.all().size()); // not imported again: the database is the truth
        }
    }
}
