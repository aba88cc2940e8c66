package io.ww4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The wwctl command tree (spec/datamodel-cli.md §2). {@link #main} is the client: it forwards
 * the command to a running warewulfd or runs it in-process ({@link Client}). The global flags
 * below are accepted before or after any subcommand, like cobra's persistent flags.
 *
 * <p>To add a command: write a class (subclass {@link WwCommand} for a leaf) and add it to the
 * {@code subcommands} list below, one per line.
 */
@Command(name = "wwctl",
        description = "Control interface to the ww4j (Warewulf-compatible) provisioning server.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
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
        })
public final class Wwctl implements Runnable {
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

    private final Session session;

    Wwctl(Session session) {
        this.session = session;
    }

    Session session() {
        return session;
    }

    @Override
    public void run() {
        Commands.usage(this, session);
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
