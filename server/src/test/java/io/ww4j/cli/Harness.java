package io.ww4j.cli;

import io.ww4j.config.ConfigLoader;
import io.ww4j.config.WarewulfConf;
import io.ww4j.daemon.CommandRequest;
import io.ww4j.daemon.Terminal;
import io.ww4j.daemon.Warewulfd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A ww4j tree in a temp dir (warewulf.conf with every path inside it) and ways to run wwctl
 * against it: in-process, through a daemon running in this JVM, or as a separate java process.
 */
final class Harness implements AutoCloseable {
    final Path root;
    final Path confFile;
    private Warewulfd daemon;

    Harness(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root.resolve("etc/warewulf"));
        Files.createDirectories(root.resolve("var/lib/warewulf"));
        confFile = root.resolve("etc/warewulf/warewulf.conf");
        Files.writeString(confFile, """
                ipaddr: 127.0.0.1
                netmask: 255.0.0.0
                warewulf:
                  port: 0
                dhcp:
                  enabled: false
                  mode: "off"
                tftp:
                  enabled: false
                paths:
                  sysconfdir: ..
                  localstatedir: ../../var/lib
                  cachedir: ../../var/cache
                  datadir: ../../share
                  wwoverlaydir: ../../var/lib/warewulf/overlays
                  wwchrootdir: ../../var/lib/warewulf/chroots
                  wwprovisiondir: ../../var/lib/warewulf/provision
                """);
    }

    WarewulfConf conf() {
        return ConfigLoader.load(confFile);
    }

    Map<String, String> env() {
        return Map.of("WAREWULFCONF", confFile.toString());
    }

    record Result(int code, String out, String err) {
        String all() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** A terminal with captured output, a fixed stdin, and scripted prompt answers. */
    static final class Captured implements Terminal {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final InputStream in;
        final Deque<Boolean> answers = new ArrayDeque<>();
        final List<String> prompts = new ArrayList<>();
        java.util.function.UnaryOperator<String> editor = s -> s;

        Captured(String stdin) {
            in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public OutputStream stdout() {
            return out;
        }

        @Override
        public OutputStream stderr() {
            return err;
        }

        @Override
        public InputStream stdin() {
            return in;
        }

        @Override
        public boolean confirm(String label) {
            prompts.add(label);
            // Echo the question the way the real terminal does, so outputs compare equal.
            out.writeBytes((label + " [y/N]: ").getBytes(StandardCharsets.UTF_8));
            return !answers.isEmpty() && answers.pop();
        }

        @Override
        public String edit(String text, String suffix) {
            return editor.apply(text);
        }

        Result result(int code) {
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** Runs wwctl in this JVM without a daemon (the in-process mode). */
    Result inProcess(String... args) {
        return inProcess(new Captured(""), args);
    }

    Result inProcess(Captured t, String... args) {
        var req = new CommandRequest(List.of(args), root.toString(), env(), false);
        return t.result(Client.inProcess(req, conf(), t, false));
    }

    /** Services a CLI test never starts: anything that puts packets on a network. */
    private static final java.util.Set<String> NETWORK_SERVICES = java.util.Set.of("dhcp", "tftp", "http");

    /** Starts warewulfd on this tree: its services minus the network servers. */
    Warewulfd startDaemon() throws Exception {
        daemon = Warewulfd.start(conf(), Warewulfd.SERVICES.stream()
                .filter(s -> !NETWORK_SERVICES.contains(s.name())).toList());
        return daemon;
    }

    void stopDaemon() {
        if (daemon != null) {
            daemon.close();
            daemon = null;
        }
    }

    /** Runs wwctl's client path: through the daemon when one is up (fails the test if none is). */
    Result viaDaemon(String... args) {
        return viaDaemon(new Captured(""), args);
    }

    Result viaDaemon(Captured t, String... args) {
        if (!Files.exists(conf().controlSocket())) {
            throw new AssertionError("no daemon socket at " + conf().controlSocket());
        }
        return t.result(Client.run(args, env(), t));
    }

    /** Runs wwctl as its own java process (as bin/wwctl does). */
    Result process(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.ww4j.cli.Wwctl");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
        pb.environment().put("WAREWULFCONF", confFile.toString());
        pb.environment().remove(Client.NO_DAEMON_ENV);
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread te = Thread.ofPlatform().start(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // process gone
            }
        });
        p.getInputStream().transferTo(out);
        te.join();
        int code = p.waitFor();
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The node database as nodes.conf text ({@code wwctl db export}), through the daemon when one runs. */
    String db() {
        Result r = daemon != null ? viaDaemon("db", "export") : inProcess("db", "export");
        if (r.code() != 0) {
            throw new AssertionError("db export failed: " + r.all());
        }
        return r.out();
    }

    @Override
    public void close() {
        stopDaemon();
    }
}
