package io.ww4j.cli;

/** A command failed: printed as {@code ERROR: <message>} on stderr, exit code 255 unless told otherwise. */
public class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(String message) {
        this(message, 255);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
