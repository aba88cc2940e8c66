package io.ww4j.daemon;

import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runtime switches for Logback (the level is also settable with WAREWULFD_LOGLEVEL), and the
 * per-node log context: every line logged inside {@link #forNode} carries {@code node=<id>}.
 */
public final class Logging {
    private Logging() {}

    public static final String NODE_KEY = "node";

    public static void setDebug(boolean debug) {
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Logger ours = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.ww4j");
        ours.setLevel(debug ? Level.DEBUG : Level.INFO);
        if (!debug) {
            root.setLevel(Level.INFO);
        }
    }

    /** wwctl in-process: silence the daemon-side log (it goes to warewulfd's log otherwise). */
    public static void setQuiet(boolean quiet) {
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(quiet ? Level.OFF : Level.DEBUG);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.ww4j")).setLevel(quiet ? Level.OFF : Level.DEBUG);
    }

    /**
     * Tags log lines of this thread with a node id until closed:
     * {@code try (var n = Logging.forNode(id)) { log.info("sent kernel"); }}.
     */
    public static MDC.MDCCloseable forNode(String nodeId) {
        return MDC.putCloseable(NODE_KEY, nodeId);
    }
}
