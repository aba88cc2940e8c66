package io.ww4j.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SIGHUP handling (systemd's ExecReload sends it, as for upstream's warewulfd). */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    @SuppressWarnings("restriction")
    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> {
                log.info("SIGHUP received");
                action.run();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("SIGHUP reload not available: {}", e.toString());
        }
    }
}
