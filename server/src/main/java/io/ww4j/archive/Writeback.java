package io.ww4j.archive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.List;

/**
 * Pushes dirty pages of files being written to disk in the background (fdatasync every 200 ms)
 * while the writer keeps producing. Linux otherwise starts writeback only when a large share of
 * RAM is dirty, so the final fsync of a big image would wait for all of it at once; with this the
 * disk works during compression and the commit fsync finds little left to do.
 */
public final class Writeback implements AutoCloseable {
    private final List<FileChannel> channels;
    private final Thread thread;
    private volatile boolean stop;
    private volatile IOException error;

    public Writeback(FileChannel... channels) {
        this.channels = List.of(channels);
        this.thread = new Thread(this::run, "writeback");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        while (!stop) {
            for (FileChannel ch : channels) {
                try {
                    if (ch.isOpen()) {
                        ch.force(false);
                    }
                } catch (java.nio.channels.ClosedChannelException e) {
                    // the file was aborted or committed meanwhile
                } catch (IOException e) {
                    // kept: Linux reports a writeback error to one fsync only, so the commit's may not see it
                    error = e;
                    return;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops the thread (does not sync; the file's commit does) and reports a failed background sync. */
    @Override
    public void close() throws IOException {
        stop = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (error != null) {
            throw new IOException("writing to disk failed: " + error.getMessage(), error);
        }
    }
}
