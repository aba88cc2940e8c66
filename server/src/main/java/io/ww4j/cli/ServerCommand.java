package io.ww4j.cli;

import picocli.CommandLine.Command;

/**
 * {@code wwctl server}: warewulfd in the foreground, as upstream (systemd runs
 * {@code wwctl server}; {@code kill -HUP} reloads). The client starts the daemon before the
 * command tree is built ({@link Client}); this class is here for help and completion.
 */
@Command(name = "server", description = "Start the Warewulf server in the foreground (same as bin/warewulfd).")
final class ServerCommand extends WwCommand {
    @Override
    protected int run() {
        throw new CliException("warewulfd is already running; `wwctl server` starts it");
    }
}
