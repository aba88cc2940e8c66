package io.ww4j.image;

import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A byte-counting progress bar on stderr, shown only on a terminal (never in logs or pipes). */
public final class Progress implements LongConsumer, AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    public static Progress start(String task, long totalBytes) {
        if (System.console() == null || Boolean.getBoolean("ww4j.noprogress")) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(1, totalBytes))
                .setStyle(ProgressBarStyle.ASCII).setUnit("MiB", 1 << 20).showSpeed().continuousUpdate()
                .setUpdateIntervalMillis(200).build());
    }

    public static Progress none() {
        return new Progress(null);
    }

    @Override
    public void accept(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
