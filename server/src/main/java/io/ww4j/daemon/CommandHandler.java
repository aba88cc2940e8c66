package io.ww4j.daemon;

/**
 * Runs one wwctl command inside the daemon. The CLI provides the implementation (found with
 * {@link java.util.ServiceLoader}, so this package does not depend on the CLI).
 */
public interface CommandHandler {
    /** Runs the command, writing to {@code terminal}; returns the exit code. */
    int run(CommandRequest request, Terminal terminal, DaemonContext context);
}
