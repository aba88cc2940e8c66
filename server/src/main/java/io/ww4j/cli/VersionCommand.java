package io.ww4j.cli;

import io.ww4j.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wwctl version}: {@code wwctl version:\t <version>} as upstream prints it. */
@Command(name = "version", aliases = "vers", description = "Version information")
final class VersionCommand extends WwCommand {
    @Option(names = {"-f", "--full"}, description = "Print full version information (unused, as upstream).")
    boolean full;

    @Override
    protected int run() {
        session().out().println("wwctl version:\t ww4j-" + Version.ww4j() + " (Warewulf " + Version.WAREWULF_COMPAT
                + " compatible)");
        return 0;
    }
}
