package io.ww4j.daemon;

import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;

/** Runtime switches for Logback (the level is also settable with WAREWULFD_LOGLEVEL). */
public final class Logging {
    private Logging() {}

    public static void setDebug(boolean debug) {
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Logger ours = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.ww4j");
        ours.setLevel(debug ? Level.DEBUG : Level.INFO);
        if (!debug) {
            root.setLevel(Level.INFO);
        }
    }
}
