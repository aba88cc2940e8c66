package io.ww4j.cli;

import io.ww4j.daemon.CommandRequest;
import io.ww4j.daemon.ControlProtocol;
import io.ww4j.daemon.Terminal;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * wwctl's process side. If warewulfd answers on its control socket the command line is sent
 * there and the output streamed back; otherwise the command runs in this process
 * ({@link InProcess}). This class uses the JDK and the control protocol only: a forwarded
 * command loads neither the YAML parser nor picocli's command tree nor the database nor
 * logging (bin/wwctl puts the ww4j jar first on the class path, so none of the other jars is
 * even opened), which keeps it at the cost of a JVM start.
 */
public final class Client {
    /** Set to 1 to never use the daemon (tests, benchmarks of the in-process mode). */
    public static final String NO_DAEMON_ENV = "WW4J_NO_DAEMON";

    private Client() {}

    /** Set once a command was answered by warewulfd (nothing of the in-process mode was started). */
    private static volatile boolean forwarded;

    static boolean forwarded() {
        return forwarded;
    }

    public static int run(String[] args) {
        InProcess.standalone = true;
        return run(args, System.getenv(), new LocalTerminal());
    }

    static int run(String[] args, Map<String, String> env, Terminal terminal) {
        Globals g = Globals.scan(args);
        if ("server".equals(g.command)) {
            return InProcess.server(args, g);
        }
        trace(env, "start");
        if ("1".equals(env.get("WW4J_CDS_TRAINING"))) {
            return InProcess.train();
        }
        CommandRequest request = new CommandRequest(Arrays.asList(args), Path.of("").toAbsolutePath().toString(),
                forwardedEnv(env), stdinIsTerminal());
        boolean useDaemon = !"1".equals(env.get(NO_DAEMON_ENV)) && !runsOnThisTerminal(g, args);
        Path confFile = locate(g.warewulfconf, env);
        Path quick = null;
        if (useDaemon && !g.emptyconf) {
            // Fast path: find the socket without a full YAML parse of warewulf.conf (and without
            // loading the YAML parser, the command tree, the database or logging at all).
            quick = quickSocket(confFile);
            if (quick != null) {
                Integer code = tryForward(quick, request, terminal, env);
                if (code != null) {
                    return code;
                }
            }
        }
        return InProcess.run(request, g, confFile, useDaemon, quick, terminal, env);
    }

    private static Map<String, String> forwardedEnv(Map<String, String> env) {
        Map<String, String> forwarded = new LinkedHashMap<>();
        for (String name : ControlProtocol.FORWARDED_ENV) {
            if (env.get(name) != null) {
                forwarded.put(name, env.get(name));
            }
        }
        return forwarded;
    }

    /**
     * warewulf.conf's location: the flag, then $WAREWULFCONF, then the default (as
     * {@code ConfigLoader.locate}, which this path does not load: it drags in the YAML parser).
     */
    static Path locate(String option, Map<String, String> env) {
        if (option != null && !option.isEmpty()) {
            return Path.of(option);
        }
        String fromEnv = env.get("WAREWULFCONF");
        return fromEnv != null && !fromEnv.isEmpty() ? Path.of(fromEnv) : Path.of("/etc/warewulf/warewulf.conf");
    }

    /** {@code image exec/shell} run a command on the user's terminal: always in this process. */
    private static boolean runsOnThisTerminal(Globals g, String[] args) {
        return g.command != null && java.util.Set.of("image", "container", "vnfs").contains(g.command)
                && g.commandIndex + 1 < args.length
                && java.util.Set.of("exec", "shell", "chroot").contains(args[g.commandIndex + 1]);
    }

    /** Runs a command in this JVM against {@code conf} (the mode without a daemon). */
    static int inProcess(CommandRequest request, io.ww4j.config.WarewulfConf conf, Terminal terminal, boolean debug) {
        return InProcess.inProcess(request, conf, terminal, debug);
    }

    /** Forwards to the daemon at {@code socket}; null when no daemon answers there. */
    static Integer tryForward(Path socket, CommandRequest request, Terminal terminal, Map<String, String> env) {
        SocketChannel channel = connect(socket);
        if (channel == null) {
            return null;
        }
        trace(env, "connected");
        try (channel) {
            int code = forward(channel, request, terminal, env);
            forwarded = true;
            trace(env, "done");
            return code;
        } catch (IOException e) {
            return fail(terminal, "lost connection to warewulfd: " + e.getMessage());
        }
    }

    /**
     * The control socket from a line scan of warewulf.conf ({@code paths: localstatedir:}),
     * resolved as {@link ConfigLoader} resolves it; null when the file is not plain enough to
     * be sure (then the full parse decides).
     */
    static Path quickSocket(Path confFile) {
        String localstatedir = "/var/lib";
        if (Files.isRegularFile(confFile)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(confFile, StandardCharsets.UTF_8);
            } catch (IOException | java.io.UncheckedIOException e) {
                return null;
            }
            boolean inPaths = false;
            for (String line : lines) {
                int hash = line.indexOf('#');
                if (hash == 0 || (hash > 0 && line.charAt(hash - 1) == ' ')) {
                    line = line.substring(0, hash);
                }
                if (line.isBlank() || line.trim().equals("---")) {
                    continue;
                }
                if (line.indexOf('\t') >= 0) {
                    return null;
                }
                if (!line.startsWith(" ")) {
                    String t = line.trim();
                    inPaths = t.equals("paths:");
                    if (!inPaths && t.startsWith("paths")) {
                        return null; // flow style or odd spacing
                    }
                    continue;
                }
                String t = line.trim();
                if (inPaths && t.startsWith("localstatedir:")) {
                    String v = t.substring("localstatedir:".length()).trim();
                    if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                        v = v.substring(1, v.length() - 1);
                    }
                    if (v.isEmpty() || "{[&*!|>%@`\"'".indexOf(v.charAt(0)) >= 0) {
                        return null;
                    }
                    localstatedir = v;
                }
            }
        }
        Path l = Path.of(localstatedir);
        if (!l.isAbsolute()) {
            l = confFile.toAbsolutePath().getParent().resolve(l);
        }
        return l.resolve("warewulf").resolve("warewulfd.sock").toAbsolutePath().normalize();
    }

    private static SocketChannel connect(Path socket) {
        if (!Files.exists(socket)) {
            return null;
        }
        fastSelectorProvider();
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return ch;
        } catch (IOException e) {
            return null; // stale socket, daemon gone: run in-process
        }
    }

    private static int forward(SocketChannel channel, CommandRequest request, Terminal terminal,
                               Map<String, String> env) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
        DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
        ControlProtocol.write(out, ControlProtocol.REQUEST, ControlProtocol.encodeRequest(request));
        trace(env, "request sent");
        boolean first = true;
        var stdout = terminal.stdout();
        var stderr = terminal.stderr();
        while (true) {
            ControlProtocol.Frame f;
            try {
                f = ControlProtocol.read(in);
                if (first) {
                    trace(env, "first answer");
                    first = false;
                }
            } catch (EOFException e) {
                stdout.flush();
                return fail(terminal, "warewulfd closed the connection before the command finished");
            }
            switch (f.type()) {
                case ControlProtocol.STDOUT -> stdout.write(f.payload());
                case ControlProtocol.STDERR -> {
                    stdout.flush();
                    stderr.write(f.payload());
                    stderr.flush();
                }
                case ControlProtocol.STDIN_WANTED -> {
                    stdout.flush();
                    byte[] buf = new byte[Math.max(1, Math.min(1 << 16, ControlProtocol.intOf(f.payload())))];
                    int n = terminal.stdin().read(buf);
                    ControlProtocol.write(out, ControlProtocol.STDIN_DATA, n <= 0 ? new byte[0] : Arrays.copyOf(buf, n));
                }
                case ControlProtocol.PROMPT -> {
                    stdout.flush();
                    boolean yes = terminal.confirm(f.text());
                    ControlProtocol.write(out, ControlProtocol.PROMPT_ANSWER, new byte[] {(byte) (yes ? 1 : 0)});
                }
                case ControlProtocol.EDIT -> {
                    stdout.flush();
                    String[] e = ControlProtocol.decodeEdit(f.payload());
                    byte[] answer;
                    try {
                        answer = ControlProtocol.encodeEdited(true, terminal.edit(e[1], e[0]));
                    } catch (IOException ex) {
                        answer = ControlProtocol.encodeEdited(false, ex.getMessage());
                    }
                    ControlProtocol.write(out, ControlProtocol.EDITED, answer);
                }
                case ControlProtocol.EXIT -> {
                    stdout.flush();
                    stderr.flush();
                    return ControlProtocol.intOf(f.payload());
                }
                default -> throw new IOException("unexpected frame '" + (char) f.type() + "'");
            }
        }
    }

    /**
     * The first channel asks {@code SelectorProvider.provider()}, which looks for a provider
     * service file in every jar on the class path (all of them opened: ~100 ms of a ~200 ms
     * client) before it takes the platform default. Naming the default up front skips the scan.
     */
    private static void fastSelectorProvider() {
        String property = "java.nio.channels.spi.SelectorProvider";
        String linuxDefault = "sun.nio.ch.EPollSelectorProvider";
        if (System.getProperty(property) != null) {
            return;
        }
        try {
            Class.forName(linuxDefault, false, null);
            System.setProperty(property, linuxDefault);
        } catch (ClassNotFoundException | LinkageError e) {
            // not Linux/OpenJDK: the scan it is
        }
    }

    private static final long T0 = System.nanoTime();

    /** WW4J_TRACE=1: milliseconds since the client's main started, at each step, on stderr (for tuning start-up). */
    private static void trace(Map<String, String> env, String step) {
        if ("1".equals(env.get("WW4J_TRACE"))) {
            System.err.printf("wwctl trace: %s at %.1f ms%n", step, (System.nanoTime() - T0) / 1e6);
        }
    }

    private static boolean stdinIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static int fail(Terminal terminal, String message) {
        try {
            terminal.stderr().write(("ERROR: " + message + "\n").getBytes(StandardCharsets.UTF_8));
            terminal.stderr().flush();
        } catch (IOException ignored) {
            // nothing left to tell
        }
        return 255;
    }

    /** The global flags wwctl needs before the command tree exists, and the first command word. */
    static final class Globals {
        String warewulfconf;
        boolean emptyconf;
        boolean debug;
        String command;
        int commandIndex = -1;
        /** The word after the command, when it looks like a subcommand (not an option). */
        String subcommand;

        static Globals scan(String[] args) {
            Globals g = new Globals();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--")) {
                    break;
                }
                if (a.equals("--warewulfconf") && i + 1 < args.length) {
                    g.warewulfconf = args[++i];
                } else if (a.startsWith("--warewulfconf=")) {
                    g.warewulfconf = a.substring("--warewulfconf=".length());
                } else if (a.equals("--emptyconf")) {
                    g.emptyconf = true;
                } else if (a.equals("-d") || a.equals("--debug")) {
                    g.debug = true;
                } else if (a.equals("--loglevel") && i + 1 < args.length) {
                    i++;
                } else if (g.command == null && !a.startsWith("-")) {
                    g.command = a;
                    g.commandIndex = i;
                    if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                        g.subcommand = args[i + 1];
                    }
                }
            }
            return g;
        }
    }
}
