package io.ww4j.bench;

import io.ww4j.config.WarewulfConf;
import io.ww4j.node.InMemoryRegistry;
import io.ww4j.node.NetDev;
import io.ww4j.node.Node;
import io.ww4j.node.NodeRegistry;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfReader;
import io.ww4j.overlay.OverlayBuilder;
import io.ww4j.overlay.OverlayStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Whole-cluster overlay build: 10,000 synthetic nodes (hpc-site's profiles) get their system and
 * runtime images built with N workers; then one node's system+runtime on demand after warm-up
 * (a changed node forces the rebuild each round). Run:
 * {@code java -cp server/target/classes:server/target/test-classes:$(cat cp.txt) io.ww4j.bench.OverlayBuildBench <repo> [nodes] [workers]}
 */
public final class OverlayBuildBench {
    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args.length > 0 ? args[0] : ".");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        Path tmp = Files.createTempDirectory("ww4j-bench");
        WarewulfConf conf = new WarewulfConf();
        conf.ipaddr = "10.10.0.1";
        conf.netmask = "255.255.0.0";
        conf.network = "10.10.0.0";
        conf.paths.sysconfdir = tmp.resolve("etc").toString();
        conf.paths.wwprovisiondir = tmp.resolve("provision").toString();
        conf.paths.wwchrootdir = tmp.resolve("chroots").toString();
        NodesConf base = NodesConfReader.read(repo.resolve("nodes/hpc-site/nodes.conf"));
        Node template = base.nodes.get("c001");
        NodesConf big = new NodesConf();
        big.profiles.putAll(base.profiles);
        for (int i = 0; i < count; i++) {
            Node n = template.copy();
            n.id = String.format("n%05d", i);
            for (NetDev nd : n.netDevs.values()) {
                if (!nd.ipaddr.isEmpty()) {
                    nd.ipaddr = "10." + (10 + (i >> 16)) + "." + ((i >> 8) & 255) + "." + (i & 255);
                }
                nd.hwaddr = String.format("b8:ca:3a:%02x:%02x:%02x", (i >> 16) & 255, (i >> 8) & 255, i & 255);
            }
            big.nodes.put(n.id, n);
        }
        NodeRegistry reg = InMemoryRegistry.of(big);
        OverlayBuilder b = new OverlayBuilder(conf, new OverlayStore(tmp.resolve("site"), repo.resolve("overlays")), reg);
        List<Node> all = reg.all();
        Node n0 = all.get(0);
        System.out.println("nodes=" + all.size() + " workers=" + workers + " system=" + n0.systemOverlay + " runtime=" + n0.runtimeOverlay);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long t0 = System.nanoTime();
        List<Future<?>> fs = all.stream().<Future<?>>map(n -> pool.submit(() -> {
            b.overlayImage(n.id, OverlayBuilder.Context.SYSTEM, true);
            b.overlayImage(n.id, OverlayBuilder.Context.RUNTIME, true);
            return null;
        })).toList();
        for (Future<?> f : fs) {
            f.get();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        System.out.printf("cold build, all nodes, system+runtime: %.2f s%n", secs);
        // on demand: cached (inputs unchanged)
        long best = Long.MAX_VALUE;
        for (int r = 0; r < 200; r++) {
            long s = System.nanoTime();
            b.overlayImage("n00042", OverlayBuilder.Context.SYSTEM, true);
            b.overlayImage("n00042", OverlayBuilder.Context.RUNTIME, true);
            best = Math.min(best, System.nanoTime() - s);
        }
        System.out.printf("on demand, unchanged (cache check): %.2f ms%n", best / 1e6);
        // on demand, forced rebuild of one node (its key file removed)
        long bestBuild = Long.MAX_VALUE;
        for (int r = 0; r < 50; r++) {
            Files.deleteIfExists(b.imagePath("n00042", OverlayBuilder.Context.SYSTEM, false).resolveSibling("__SYSTEM__.key"));
            Files.deleteIfExists(b.imagePath("n00042", OverlayBuilder.Context.RUNTIME, false).resolveSibling("__RUNTIME__.key"));
            long s = System.nanoTime();
            b.overlayImage("n00042", OverlayBuilder.Context.SYSTEM, true);
            b.overlayImage("n00042", OverlayBuilder.Context.RUNTIME, true);
            bestBuild = Math.min(bestBuild, System.nanoTime() - s);
        }
        System.out.printf("on demand, rebuild one node system+runtime: %.2f ms%n", bestBuild / 1e6);
    }
}
