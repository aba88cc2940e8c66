package io.ww4j.power;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs shell command lines ({@code /bin/sh -c}) with at most {@code fanout} at once and hands
 * each result to a callback as it completes (upstream prints in completion order).
 */
public final class Fanout {
    /** One command line and whom it is for (the label printed before its output). */
    public record Job(String label, String command) {}

    /** Combined stdout and stderr, trimmed; {@code ok} when the command exited 0. */
    public record Result(Job job, boolean ok, String output) {}

    private Fanout() {}

    /** Runs every job; returns when all have finished. {@code done} is called from one thread at a time. */
    public static void run(List<Job> jobs, int fanout, Duration timeout, Consumer<Result> done) throws InterruptedException {
        Semaphore slots = new Semaphore(Math.max(1, fanout));
        Object lock = new Object();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Job j : jobs) {
                slots.acquire();
                pool.submit(() -> {
                    try {
                        Result r = exec(j, timeout);
                        synchronized (lock) {
                            done.accept(r);
                        }
                    } finally {
                        slots.release();
                    }
                });
            }
        }
    }

    /** How long one command may run before it is killed (and reported as failed). */
    public record Duration(long amount, TimeUnit unit) {}

    private static Result exec(Job j, Duration timeout) {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", j.command()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            // The output is read on this (virtual) thread; a command that outlives the timeout is killed.
            Thread killer = Thread.ofVirtual().start(() -> {
                try {
                    if (!p.waitFor(timeout.amount(), timeout.unit())) {
                        p.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int code = p.waitFor();
            killer.interrupt();
            return new Result(j, code == 0, out);
        } catch (IOException e) {
            return new Result(j, false, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(j, false, "interrupted");
        }
    }
}
