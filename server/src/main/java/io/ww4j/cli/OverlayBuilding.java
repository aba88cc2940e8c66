package io.ww4j.cli;

import io.ww4j.node.NodeRegistry;
import io.ww4j.overlay.OverlayBuilder;
import io.ww4j.overlay.OverlayStore;
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

/** The overlay builder the overlay commands use, over the node database. */
final class OverlayBuilding {
    private OverlayBuilding() {}

    /** The node database (the daemon's own when running inside warewulfd). */
    static NodeRegistry registry(Session s) {
        return DbCommand.store(s);
    }

    /** One builder per context (inside warewulfd: the one the HTTP server uses, its caches warm). */
    static OverlayBuilder builder(Session s, NodeRegistry reg) {
        return s.context().component(OverlayBuilder.class, () -> new OverlayBuilder(s.conf(), OverlayStore.of(s.conf()), reg));
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
        s.verbose("built the overlays of %s nodes in %s ms", done.get(), (System.nanoTime() - t0) / 1_000_000);
        failures.stream().sorted().forEach(f -> s.error("%s", f));
        return failures.isEmpty() ? 0 : 1;
    }
}
