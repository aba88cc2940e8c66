package io.ww4j.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** warewulfd as a real process: starts, reloads on SIGHUP, stops cleanly on SIGTERM. */
class WarewulfdProcessTest {
    @TempDir
    Path tmp;

    @Test
    void startReloadStop() throws Exception {
        Files.createDirectories(tmp.resolve("etc/warewulf"));
        Path conf = tmp.resolve("etc/warewulf/warewulf.conf");
        Files.writeString(conf, "dhcp:\n  enabled: false\n  mode: \"off\"\ntftp:\n  enabled: false\n"
                + "paths:\n  sysconfdir: ..\n  localstatedir: ../../var/lib\n");
        Path sock = tmp.resolve("var/lib/warewulf/warewulfd.sock");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.ww4j.daemon.Warewulfd", "--warewulfconf", conf.toString(),
                "--debug")
                .redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> all = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                    all.add(l);
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        try {
            waitFor(lines, "warewulfd ready");
            assertTrue(Files.exists(sock));
            new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
            waitFor(lines, "reloading");
            assertTrue(p.isAlive(), "SIGHUP must not stop the daemon");
            // SIGTERM by kill(1): Process.destroy() would also close our end of its output.
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            reader.join(10_000);
            List<String> rest = List.copyOf(all);
            assertTrue(rest.stream().anyMatch(l -> l.contains("warewulfd stopping")), rest.toString());
            assertTrue(rest.stream().anyMatch(l -> l.contains("control socket closed")), rest.toString());
            assertFalse(Files.exists(sock));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void badOptionExits255() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.ww4j.daemon.Warewulfd", "--bogus")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(255, p.waitFor());
        assertEquals("ERROR: unknown option: --bogus\n", out);
    }

    private static void waitFor(LinkedBlockingQueue<String> lines, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String l = lines.poll(1, TimeUnit.SECONDS);
            if (l != null && l.contains(text)) {
                return;
            }
        }
        throw new AssertionError("no log line containing '" + text + "'");
    }
}
