package io.ww4j.cli;

import io.ww4j.config.ConfigException;
import io.ww4j.config.ConfigLoader;
import io.ww4j.config.WarewulfConf;
import io.ww4j.daemon.CommandRequest;
import io.ww4j.daemon.DaemonContext;
import io.ww4j.daemon.Terminal;
import io.ww4j.daemon.Warewulfd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The part of wwctl's process side that needs more than the JDK: {@code wwctl server}, the full
 * warewulf.conf parse when the quick socket scan was not conclusive, and running a command in
 * this JVM when no daemon answers. Kept apart from {@link Client} so that a forwarded command
 * never loads these classes.
 */
final class InProcess {
    /** Whether this JVM is wwctl itself (then daemon-side logging is silenced in-process). */
    static volatile boolean standalone;

    private InProcess() {}

    /** Like upstream: {@code wwctl server} is warewulfd in the foreground. */
    static int server(String[] args, Client.Globals g) {
        List<String> daemonArgs = new ArrayList<>();
        if (g.warewulfconf != null) {
            daemonArgs.add("--warewulfconf");
            daemonArgs.add(g.warewulfconf);
        }
        for (int i = g.commandIndex + 1; i < args.length; i++) {
            if (!args[i].equals("--warewulfconf") && !args[i].startsWith("--warewulfconf=")) {
                daemonArgs.add(args[i]);
            } else if (args[i].equals("--warewulfconf")) {
                i++;
            }
        }
        if (g.debug) {
            daemonArgs.add("--debug");
        }
        return Warewulfd.run(daemonArgs.toArray(String[]::new));
    }

    static int train() {
        return CdsTraining.run();
    }

    /**
     * After the quick forward did not happen: parse warewulf.conf, try the daemon at the socket
     * it names (when that differs from {@code quick}), else run the command here.
     */
    static int run(CommandRequest request, Client.Globals g, Path confFile, boolean useDaemon, Path quick,
                   Terminal terminal, Map<String, String> env) {
        WarewulfConf conf;
        try {
            conf = g.emptyconf ? new WarewulfConf() : ConfigLoader.load(confFile);
        } catch (ConfigException e) {
            return Client.fail(terminal, e.getMessage());
        }
        if (useDaemon && !conf.controlSocket().toAbsolutePath().normalize().equals(quick)) {
            Integer code = Client.tryForward(conf.controlSocket(), request, terminal, env);
            if (code != null) {
                return code;
            }
        }
        return inProcess(request, conf, terminal, g.debug);
    }

    static int inProcess(CommandRequest request, WarewulfConf conf, Terminal terminal, boolean debug) {
        // The daemon's log lines would differ between the two modes; in-process they are off
        // unless --debug asks for them.
        if (standalone) {
            if (debug) {
                io.ww4j.daemon.Logging.setQuiet(false);
            } else {
                // Quiet: no Logback at all (its start-up parses logback.xml with an XML parser,
                // hundreds of classes for lines nobody sees): SLF4J's no-op provider, named so
                // that SLF4J does not scan the class path for providers either.
                System.setProperty("slf4j.internal.verbosity", "ERROR");
                System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            }
        }
        try (DaemonContext context = new DaemonContext(conf, false)) {
            return new Commands().run(request, terminal, context);
        }
    }
}
