package io.ww4j.cli;

import io.ww4j.config.WarewulfConf;
import io.ww4j.daemon.DaemonContext;
import io.ww4j.daemon.Terminal;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * One wwctl invocation as a command sees it, the same in-process and inside the daemon: where
 * output goes, the user's working directory and environment, the verbosity flags, the
 * configuration and the shared components. Logging follows upstream's wwlog: info lines go
 * to stdout without a prefix, everything else to stderr with a 7-wide level prefix.
 */
public final class Session {
    public enum Level { ERROR, WARN, INFO, VERBOSE, DEBUG }

    private final Terminal terminal;
    private final DaemonContext context;
    private final Path cwd;
    private final Map<String, String> env;
    private final boolean interactive;
    private final PrintStream out;
    private final PrintStream err;
    private Level level = Level.INFO;
    private boolean prefixInfo;

    public Session(Terminal terminal, DaemonContext context, Path cwd, Map<String, String> env, boolean interactive) {
        this.terminal = terminal;
        this.context = context;
        this.cwd = cwd;
        this.env = env;
        this.interactive = interactive;
        this.out = new PrintStream(new BufferedOutputStream(terminal.stdout(), 1 << 16), false, StandardCharsets.UTF_8);
        // stderr first flushes stdout so the two interleave as they were written.
        OutputStream errRaw = terminal.stderr();
        this.err = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                out.flush();
                errRaw.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.flush();
                errRaw.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                errRaw.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    /** True when the terminal is this process's own stdin/stdout (wwctl in-process), not a forwarded one. */
    public boolean localTerminal() {
        return terminal instanceof LocalTerminal;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public InputStream in() {
        out.flush();
        return terminal.stdin();
    }

    public WarewulfConf conf() {
        return context.conf();
    }

    public DaemonContext context() {
        return context;
    }

    /** True when the command runs inside warewulfd (false: in-process in wwctl). */
    public boolean inDaemon() {
        return context.isDaemon();
    }

    public Path cwd() {
        return cwd;
    }

    /** A path argument, resolved against the user's working directory (not the daemon's). */
    public Path resolve(String path) {
        return cwd.resolve(path);
    }

    public String env(String name) {
        return env.get(name);
    }

    /** Whether the user's stdin is a terminal. */
    public boolean interactive() {
        return interactive;
    }

    void setVerbosity(boolean verbose, boolean debug) {
        if (debug) {
            level = Level.DEBUG;
        } else if (verbose) {
            level = Level.VERBOSE;
        }
        prefixInfo = verbose || debug;
    }

    public boolean enabled(Level l) {
        return l.ordinal() <= level.ordinal();
    }

    public void info(String fmt, Object... args) {
        log(Level.INFO, fmt, args);
    }

    public void warn(String fmt, Object... args) {
        log(Level.WARN, fmt, args);
    }

    /** An error that does not end the command (upstream's {@code ERROR: ...} lines). */
    public void error(String fmt, Object... args) {
        log(Level.ERROR, fmt, args);
    }

    public void verbose(String fmt, Object... args) {
        log(Level.VERBOSE, fmt, args);
    }

    public void debug(String fmt, Object... args) {
        log(Level.DEBUG, fmt, args);
    }

    public void log(Level l, String fmt, Object... args) {
        if (!enabled(l)) {
            return;
        }
        String msg = args.length == 0 ? fmt : String.format(fmt, args);
        switch (l) {
            case INFO -> (prefixInfo ? err : out).println(prefixInfo ? "INFO   : " + msg : msg);
            case ERROR -> err.println("ERROR: " + msg);
            default -> err.println(String.format("%-7s: %s", l.name(), msg));
        }
    }

    /**
     * Asks the user {@code label [y/N]} where the user is (client side). Output so far is
     * flushed first so the question comes after the summary it is about.
     */
    public boolean confirm(String label) {
        out.flush();
        err.flush();
        try {
            return terminal.confirm(label);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets the user edit {@code text} in $EDITOR where the user is; returns the edited text. */
    public String edit(String text, String suffix) {
        out.flush();
        try {
            return terminal.edit(text, suffix);
        } catch (IOException e) {
            throw new CliException("editor: " + e.getMessage());
        }
    }

    void flush() {
        out.flush();
        err.flush();
    }
}
