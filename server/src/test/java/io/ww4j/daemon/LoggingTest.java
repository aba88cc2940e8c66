package io.ww4j.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.Level;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The daemon's log pattern puts {@code node=<id>} on lines logged inside {@link Logging#forNode}. */
class LoggingTest {
    private static String format(Map<String, String> mdc) {
        LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayout layout = new PatternLayout();
        layout.setContext(lc);
        layout.setPattern(realPattern());
        layout.start();
        LoggingEvent e = new LoggingEvent("x", lc.getLogger("io.ww4j.http.Boot"), Level.INFO, "sent kernel", null, null);
        e.setMDCPropertyMap(mdc);
        e.setThreadName("main");
        return layout.doLayout(e);
    }

    /** The pattern of the shipped logback.xml. */
    private static String realPattern() {
        try (var in = Logging.class.getResourceAsStream("/logback.xml")) {
            String xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            var m = java.util.regex.Pattern.compile("<pattern>(.*)</pattern>").matcher(xml);
            if (!m.find()) {
                throw new AssertionError("no pattern in logback.xml");
            }
            return m.group(1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void nodeIdOnLinesAboutANode() {
        String with = format(Map.of("node", "n0001"));
        org.junit.jupiter.api.Assertions.assertTrue(with.endsWith(" INFO  [main] io.ww4j.http.Boot: node=n0001 sent kernel\n"), with);
        String without = format(Map.of());
        org.junit.jupiter.api.Assertions.assertTrue(without.endsWith(" INFO  [main] io.ww4j.http.Boot: sent kernel\n"), without);
    }

    @Test
    void forNodeSetsAndClears() {
        try (var n = Logging.forNode("n7")) {
            assertEquals("n7", org.slf4j.MDC.get(Logging.NODE_KEY));
        }
        assertEquals(null, org.slf4j.MDC.get(Logging.NODE_KEY));
    }
}
