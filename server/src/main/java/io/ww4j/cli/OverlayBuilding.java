package io.ww4j.cli;

import io.ww4j.node.InMemoryRegistry;
import io.ww4j.node.NodeRegistry;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfReader;
import io.ww4j.overlay.OverlayBuilder;
import io.ww4j.overlay.OverlayStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The overlay builder the overlay commands use: the daemon's own, or one over nodes.conf. */
final class OverlayBuilding {
    private OverlayBuilding() {}

    /** The daemon's node database when running inside warewulfd, else nodes.conf as it is now. */
    static NodeRegistry registry(Session s) {
        NodeRegistry r = s.context().componentOrNull(NodeRegistry.class);
        if (r != null) {
            return r;
        }
        return InMemoryRegistry.of(
                Files.isRegularFile(s.conf().nodesConf()) ? NodesConfReader.read(s.conf().nodesConf()) : new NodesConf());
    }

    /** Inside warewulfd the daemon's builder (its caches are warm); in-process a fresh one over {@code reg}. */
    static OverlayBuilder builder(Session s, NodeRegistry reg) {
        if (s.context().componentOrNull(NodeRegistry.class) == reg) {
            return s.context().component(OverlayBuilder.class, () -> new OverlayBuilder(s.conf(), OverlayStore.of(s.conf()), reg));
        }
        return new OverlayBuilder(s.conf(), OverlayStore.of(s.conf()), reg);
    }

    /** Builds both images of every node on {@code workers} threads; a failed node is reported, the rest go on. */
    static int buildAll(Session s, OverlayBuilder b, List<String> ids, int workers) throws InterruptedException {
        OverlayBuilder.Batch batch = b.batch();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(workers, Math.max(1, ids.size()))));
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger done = new AtomicInteger();
        ProgressBar bar = s.interactive() && !Boolean.getBoolean("ww4j.noprogress")
                ? new ProgressBarBuilder().setTaskName("Building overlays").setInitialMax(ids.size())
                        .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(s.err()))
                        .setUpdateIntervalMillis(200).build()
                : null;
        long t0 = System.nanoTime();
        try {
            List<Future<?>> fs = new ArrayList<>(ids.size());
            for (String id : ids) {
                fs.add(pool.submit(() -> {
                    try {
                        batch.build(id);
                    } catch (Exception e) {
                        failures.add(id + ": " + e.getMessage());
                    }
                    done.incrementAndGet();
                    if (bar != null) {
                        bar.step();
                    }
                }));
            }
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause().toString());
                }
            }
        } finally {
            pool.shutdownNow();
            if (bar != null) {
                bar.close();
            }
        }
        s.verbose("built the overlays of {} nodes in {} ms", done.get(), (System.nanoTime() - t0) / 1_000_000);
        failures.stream().sorted().forEach(f -> s.error("{}", f));
        return failures.isEmpty() ? 0 : 1;
    }
}
