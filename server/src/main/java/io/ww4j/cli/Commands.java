package io.ww4j.cli;

import io.ww4j.daemon.CommandHandler;
import io.ww4j.daemon.CommandRequest;
import io.ww4j.daemon.DaemonContext;
import io.ww4j.daemon.Terminal;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Runs one wwctl command line against a {@link Session}: the same code in-process and in the
 * daemon (where {@link java.util.ServiceLoader} finds this class as the {@link CommandHandler}).
 * Errors become {@code ERROR: <message>} on stderr and exit code 255, as upstream.
 */
public final class Commands implements CommandHandler {

    @Override
    public int run(CommandRequest request, Terminal terminal, DaemonContext context) {
        Session session = new Session(terminal, context, Path.of(request.cwd()), request.env(), request.interactive());
        return execute(request.argv(), session);
    }

    /** Parses and runs {@code argv}; never throws; returns the exit code. */
    public static int execute(List<String> argv, Session session) {
        Client.Globals g = Client.Globals.scan(argv.toArray(String[]::new));
        CommandLine cl = Wwctl.commandLine(session, g.command, g.subcommand);
        Wwctl root = cl.getCommand();
        PrintWriter out = new PrintWriter(session.out(), true);
        PrintWriter err = new PrintWriter(session.err(), true);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionStrategy(parsed -> {
            session.setVerbosity(root.verbose, root.debug);
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setParameterExceptionHandler((e, args) -> {
            session.err().println("ERROR: " + describe(e));
            return 255;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof CliException ce) {
                if (ce.getMessage() != null && !ce.getMessage().isEmpty()) {
                    session.err().println("ERROR: " + ce.getMessage());
                }
                return ce.exitCode();
            }
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            session.err().println("ERROR: " + msg);
            if (session.enabled(Session.Level.DEBUG)) {
                e.printStackTrace(session.err());
            }
            return 255;
        });
        int code;
        try {
            code = cl.execute(argv.toArray(String[]::new));
        } catch (RuntimeException e) {
            session.err().println("ERROR: " + e);
            code = 255;
        }
        out.flush();
        err.flush();
        session.flush();
        return code;
    }

    /** Prints a command's usage (commands that only group subcommands do this when run bare). */
    static void usage(Object command, Session session) {
        CommandLine cl = new CommandLine(command);
        cl.usage(session.out());
    }

    static void usage(CommandSpec spec, Session session) {
        spec.commandLine().usage(session.out());
    }

    /** Upstream (cobra) wording for parse errors, so scripts matching on them keep working. */
    static String describe(ParameterException e) {
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                return "unknown flag: " + (eq > 0 ? arg.substring(0, eq) : arg);
            }
            if (arg.startsWith("-") && arg.length() > 1) {
                return "unknown shorthand flag: '" + arg.charAt(1) + "' in " + arg;
            }
            CommandSpec spec = e.getCommandLine().getCommandSpec();
            if (!spec.subcommands().isEmpty()) {
                return "unknown command \"" + arg + "\" for \"" + spec.qualifiedName() + "\"";
            }
            return "unexpected argument \"" + arg + "\" for \"" + spec.qualifiedName() + "\"";
        }
        if (e instanceof CommandLine.MissingParameterException m) {
            var missing = m.getMissing();
            if (!missing.isEmpty() && missing.get(0) instanceof OptionSpec o) {
                return "flag needs an argument: " + o.longestName();
            }
            CommandSpec spec = e.getCommandLine().getCommandSpec();
            return "requires at least 1 arg(s), only received 0 (see '" + spec.qualifiedName() + " --help')";
        }
        return e.getMessage();
    }
}
