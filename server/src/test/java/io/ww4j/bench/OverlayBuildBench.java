package io.ww4j.bench;

import io.ww4j.config.ConfigLoader;
import io.ww4j.config.WarewulfConf;
import io.ww4j.node.InMemoryRegistry;
import io.ww4j.node.NetDev;
import io.ww4j.node.Node;
import io.ww4j.node.NodeRegistry;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfReader;
import io.ww4j.node.NodesConfWriter;
import io.ww4j.overlay.OverlayBuilder;
import io.ww4j.overlay.OverlayStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Overlay build benchmark (server/bench/overlay-build.sh drives it).
 * {@code gen ROOT REPO COUNT}: writes a ww4j tree under ROOT (warewulf.conf, nodes.conf with COUNT
 * synthetic nodes using hpc-site's profiles, the distribution overlays) for {@code wwctl overlay build}.
 * {@code ondemand ROOT}: one node's system + runtime images on demand after warm-up, cached
 * (unchanged inputs) and rebuilt (the node's key files removed), best of many rounds.
 */
public final class OverlayBuildBench {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[1]).toAbsolutePath();
        if (args[0].equals("gen")) {
            gen(root, Path.of(args[2]).toAbsolutePath(), Integer.parseInt(args[3]));
        } else if (args[0].equals("cpu")) {
            cpu(root);
        } else {
            onDemand(root);
        }
    }

    static void gen(Path root, Path repo, int count) throws Exception {
        Files.createDirectories(root.resolve("etc/warewulf"));
        Files.writeString(root.resolve("etc/warewulf/warewulf.conf"), """
                ipaddr: 10.10.0.1
                netmask: 255.255.0.0
                network: 10.10.0.0
                dhcp:
                  enabled: false
                tftp:
                  enabled: false
                paths:
                  sysconfdir: ..
                  localstatedir: ../../var/lib
                  datadir: %s
                  wwoverlaydir: ../../var/lib/warewulf/overlays
                  wwchrootdir: ../../var/lib/warewulf/chroots
                  wwprovisiondir: ../../var/lib/warewulf/provision
                """.formatted(repo.resolve("share")));
        NodesConf base = NodesConfReader.read(repo.resolve("nodes/hpc-site/nodes.conf"));
        Node template = base.nodes.get("c001");
        NodesConf big = new NodesConf();
        big.profiles.putAll(base.profiles);
        for (int i = 0; i < count; i++) {
            Node n = template.copy();
            n.id = String.format("n%05d", i);
            int j = 0;
            for (NetDev nd : n.netDevs.values()) {
                if (!nd.ipaddr.isEmpty()) {
                    nd.ipaddr = (10 + j) + "." + (10 + (i >> 16)) + "." + ((i >> 8) & 255) + "." + (i & 255);
                }
                nd.hwaddr = String.format("b8:ca:%02x:%02x:%02x:%02x", 0x3a + j, (i >> 16) & 255, (i >> 8) & 255, i & 255);
                j++;
            }
            if (n.ipmi != null && !n.ipmi.ipaddr.isEmpty()) {
                n.ipmi.ipaddr = "10." + (20 + (i >> 16)) + "." + ((i >> 8) & 255) + "." + (i & 255);
            }
            big.nodes.put(n.id, n);
        }
        Files.writeString(root.resolve("etc/warewulf/nodes.conf"), NodesConfWriter.write(big));
    }

    static void onDemand(Path root) throws Exception {
        WarewulfConf conf = ConfigLoader.load(root.resolve("etc/warewulf/warewulf.conf"));
        NodeRegistry reg = InMemoryRegistry.of(NodesConfReader.read(conf.nodesConf()));
        OverlayBuilder b = new OverlayBuilder(conf, OverlayStore.of(conf), reg);
        String id = reg.all().get(42).id;
        for (int r = 0; r < 50; r++) { // warm-up
            rebuild(b, id);
        }
        long cached = Long.MAX_VALUE;
        for (int r = 0; r < 200; r++) {
            long s = System.nanoTime();
            b.overlayImage(id, OverlayBuilder.Context.SYSTEM, true);
            b.overlayImage(id, OverlayBuilder.Context.RUNTIME, true);
            cached = Math.min(cached, System.nanoTime() - s);
        }
        long built = Long.MAX_VALUE;
        for (int r = 0; r < 100; r++) {
            built = Math.min(built, rebuild(b, id));
        }
        System.out.printf("on demand, one node system+runtime: cached %.2f ms, rebuilt %.2f ms (best of 200/100)%n",
                cached / 1e6, built / 1e6);
    }

    /**
     * CPU time of building every node's images on one thread (in-process, after a warm-up round):
     * on a machine shared with other jobs, wall time says little, CPU time per node is stable.
     */
    static void cpu(Path root) throws Exception {
        WarewulfConf conf = ConfigLoader.load(root.resolve("etc/warewulf/warewulf.conf"));
        NodeRegistry reg = InMemoryRegistry.of(NodesConfReader.read(conf.nodesConf()));
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.List<String> ids = reg.all().stream().map(n -> n.id).toList();
        for (int round = 0; round < 2; round++) {
            OverlayBuilder b = new OverlayBuilder(conf, OverlayStore.of(conf), reg);
            deleteTree(conf.overlayImageDir());
            long cpu0 = mx.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            OverlayBuilder.Batch batch = b.batch();
            for (String id : ids) {
                batch.build(id);
            }
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            System.out.printf("round %d: %d nodes, one thread: %.3f ms CPU per node (%.1f s CPU, %.1f s wall)%n",
                    round, ids.size(), cpu / 1e6 / ids.size(), cpu / 1e9, (System.nanoTime() - wall0) / 1e9);
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static long rebuild(OverlayBuilder b, String id) throws Exception {
        Files.deleteIfExists(b.imagePath(id, OverlayBuilder.Context.SYSTEM, false).resolveSibling("__SYSTEM__.key"));
        Files.deleteIfExists(b.imagePath(id, OverlayBuilder.Context.RUNTIME, false).resolveSibling("__RUNTIME__.key"));
        long s = System.nanoTime();
        b.overlayImage(id, OverlayBuilder.Context.SYSTEM, true);
        b.overlayImage(id, OverlayBuilder.Context.RUNTIME, true);
        return System.nanoTime() - s;
    }
}
