package io.ww4j.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The wwctl command tree (spec/datamodel-cli.md §2). {@link #main} is the client: it forwards
 * the command to a running warewulfd or runs it in-process ({@link Client}). The global flags
 * below are accepted before or after any subcommand, like cobra's persistent flags.
 *
 * <p>To add a command: write a class (subclass {@link WwCommand} for a leaf) and add it to
 * {@link #COMMANDS} below, one per line.
 */
@Command(name = "wwctl",
        description = "Control interface to the ww4j (Warewulf-compatible) provisioning server.",
        synopsisSubcommandLabel = "COMMAND")
public final class Wwctl implements Runnable {
    /**
     * The top-level commands, added by {@link #commandLine}: picocli builds a command's whole
     * model (hundreds of options) when it is added, so a command line gets only the command
     * it names.
     */
    static final List<Class<?>> COMMANDS = List.of(
            NodeCommand.class,
            ProfileCommand.class,
            ServerCommand.class,
            VersionCommand.class,
            CompletionCommand.class,
            OverlayCommand.class,
            DbCommand.class,
            TemplateCommand.class,
            ImageCommand.class,
            UpgradeCommand.class,
            ConfigureCommand.class,
            PowerCommand.class);

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Run with increased verbosity.")
    boolean verbose;

    @Option(names = {"-d", "--debug"}, scope = ScopeType.INHERIT, description = "Run with debugging messages enabled.")
    boolean debug;

    @Option(names = "--warewulfconf", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Set the warewulf configuration file (default: $WAREWULFCONF, then /etc/warewulf/warewulf.conf).")
    String warewulfconf;

    @Option(names = "--loglevel", scope = ScopeType.INHERIT, hidden = true)
    Integer loglevel;

    @Option(names = "--emptyconf", scope = ScopeType.INHERIT, hidden = true)
    boolean emptyconf;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help.")
    boolean help;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Session session;

    Wwctl(Session session) {
        this.session = session;
    }

    Session session() {
        return session;
    }

    /** The whole command tree (help, completion). */
    static CommandLine commandLine(Session session) {
        return commandLine(session, null);
    }

    /**
     * The command tree for running {@code word}: only that top-level command when it names one
     * (by name or alias), else all of them (for the top-level help and unknown-command errors).
     */
    static CommandLine commandLine(Session session, String word) {
        return commandLine(session, word, null);
    }

    /**
     * The command tree for running {@code word} ({@code sub}): only that top-level command
     * when it names one (by name or alias), and for {@code node} and {@code profile} only the
     * subcommand {@code sub} names; everything else when a word names nothing (help texts and
     * unknown-command errors list all commands).
     */
    static CommandLine commandLine(Session session, String word, String sub) {
        CommandLine cl = new CommandLine(new Wwctl(session));
        Class<?> top = word == null ? null : named(COMMANDS, word);
        if (top == null) {
            COMMANDS.forEach(c -> cl.addSubcommand(withSubcommands(c, null)));
            return cl;
        }
        cl.addSubcommand(withSubcommands(top, sub));
        return cl;
    }

    private static CommandLine withSubcommands(Class<?> command, String sub) {
        CommandLine cl = new CommandLine(command);
        List<Class<?>> subs = command == NodeCommand.class ? NodeCommand.SUBCOMMANDS
                : command == ProfileCommand.class ? ProfileCommand.SUBCOMMANDS : List.of();
        Class<?> only = sub == null ? null : named(subs, sub);
        if (only != null) {
            cl.addSubcommand(only);
        } else {
            subs.forEach(cl::addSubcommand);
        }
        return cl;
    }

    private static Class<?> named(List<Class<?>> commands, String word) {
        for (Class<?> c : commands) {
            Command a = c.getAnnotation(Command.class);
            if (a.name().equals(word) || List.of(a.aliases()).contains(word)) {
                return c;
            }
        }
        return null;
    }

    @Override
    public void run() {
        Commands.usage(spec, session);
    }

    public static void main(String[] args) {
        int code = Client.run(args);
        System.out.flush();
        System.err.flush();
        if (Client.forwarded()) {
            // Nothing to shut down in a forwarding client, and System.exit would look up a
            // System.Logger for its exit log line: a service scan of every jar on the class
            // path, a third of the client's run time.
            Runtime.getRuntime().halt(code);
        }
        System.exit(code);
    }
}
