package io.ww4j.cli;

import io.ww4j.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The wwctl entry point. Commands are added per issue; see ARCHITECTURE.md decision 1. */
@Command(name = "wwctl", mixinStandardHelpOptions = false,
        description = "Control interface to the ww4j (Warewulf-compatible) provisioning server.",
        subcommands = {Wwctl.VersionCommand.class, CommandLine.HelpCommand.class})
public final class Wwctl implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "version", description = "Print version information.")
    static final class VersionCommand implements Runnable {
        @Override
        public void run() {
            System.out.println("wwctl version:\tww4j-" + Version.ww4j() + " (warewulf " + Version.WAREWULF_COMPAT + " compatible)");
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Wwctl()).execute(args));
    }
}
