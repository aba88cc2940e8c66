package io.ww4j.daemon;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control socket: wwctl connects, sends its argv, and the command runs here, in the process
 * that owns the database (ARCHITECTURE.md decision 1). The socket is mode 0600 and peers are
 * checked with SO_PEERCRED: only root and the daemon's own user may run commands.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    private final Path path;
    private final ServerSocketChannel server;
    private final DaemonContext context;
    private final CommandHandler handler;
    private final String ownUser = System.getProperty("user.name");
    private final AtomicInteger counter = new AtomicInteger();
    private final Thread acceptor;

    private ControlServer(Path path, ServerSocketChannel server, DaemonContext context, CommandHandler handler) {
        this.path = path;
        this.server = server;
        this.context = context;
        this.handler = handler;
        this.acceptor = new Thread(this::acceptLoop, "control-accept");
        this.acceptor.setDaemon(true);
    }

    /** Binds {@code conf.controlSocket()} and starts accepting. */
    public static ControlServer start(DaemonContext context) throws IOException {
        CommandHandler handler = ServiceLoader.load(CommandHandler.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no wwctl command handler on the class path"));
        return start(context, handler, context.conf().controlSocket());
    }

    public static ControlServer start(DaemonContext context, CommandHandler handler, Path path) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (Files.exists(path)) {
            if (answers(path)) {
                throw new IOException("another warewulfd is already listening on " + path);
            }
            Files.delete(path); // stale socket of a daemon that died
        }
        // Bind under a temporary name, restrict it, then move it into place: no window in
        // which the socket exists with the umask's permissions.
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(tmp));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
        ControlServer s = new ControlServer(path, ch, context, handler);
        s.acceptor.start();
        log.info("control socket listening on {}", path);
        return s;
    }

    private static boolean answers(Path path) {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return c.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                Thread t = new Thread(() -> serve(c), "wwctl-" + counter.incrementAndGet());
                t.setDaemon(true);
                t.start();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.warn("control socket accept: {}", e.toString());
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(c)));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(c), 1 << 16));
            Remote remote = new Remote(in, out);
            String peer = peerUser(c);
            ControlProtocol.Frame first = ControlProtocol.read(in);
            if (first.type() != ControlProtocol.REQUEST) {
                throw new IOException("expected a request frame");
            }
            if (peer == null || !(peer.equals("root") || peer.equals(ownUser))) {
                log.warn("control socket: refused user {}", peer);
                remote.stderr().write(("ERROR: permission denied: only root may use warewulfd\n")
                        .getBytes(StandardCharsets.UTF_8));
                remote.exit(255);
                return;
            }
            CommandRequest request = ControlProtocol.decodeRequest(first.payload());
            log.debug("wwctl {} (user {})", request.argv(), peer);
            int code;
            try {
                code = handler.run(request, remote, context);
            } catch (RuntimeException e) {
                log.error("wwctl {} failed", request.argv(), e);
                remote.stderr().write(("ERROR: " + e + "\n").getBytes(StandardCharsets.UTF_8));
                code = 255;
            }
            remote.exit(code);
        } catch (IOException e) {
            log.debug("control connection ended: {}", e.toString());
        }
    }

    private static String peerUser(SocketChannel c) {
        try {
            UnixDomainPrincipal p = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return p.user().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(path);
        log.info("control socket closed");
    }

    /** The client, seen from the daemon: frames out, answers in. One command at a time per connection. */
    private static final class Remote implements Terminal {
        private final DataInputStream in;
        private final DataOutputStream out;
        private final OutputStream stdout;
        private final OutputStream stderr;
        private final InputStream stdin;

        Remote(DataInputStream in, DataOutputStream out) {
            this.in = in;
            this.out = out;
            this.stdout = new FrameStream(ControlProtocol.STDOUT);
            this.stderr = new FrameStream(ControlProtocol.STDERR);
            this.stdin = new InputStream() {
                private boolean eof;

                @Override
                public int read() throws IOException {
                    byte[] b = new byte[1];
                    int n = read(b, 0, 1);
                    return n < 0 ? -1 : b[0] & 255;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (eof) {
                        return -1;
                    }
                    if (len == 0) {
                        return 0;
                    }
                    ControlProtocol.Frame f = ask(ControlProtocol.STDIN_WANTED, ControlProtocol.intPayload(len),
                            ControlProtocol.STDIN_DATA);
                    byte[] p = f.payload();
                    if (p.length == 0) {
                        eof = true;
                        return -1;
                    }
                    int n = Math.min(len, p.length);
                    System.arraycopy(p, 0, b, off, n);
                    return n;
                }
            };
        }

        private synchronized void send(byte type, byte[] payload, int off, int len) throws IOException {
            out.writeByte(type);
            out.writeInt(len);
            out.write(payload, off, len);
            out.flush();
        }

        private synchronized ControlProtocol.Frame ask(byte type, byte[] payload, byte expect) throws IOException {
            send(type, payload, 0, payload.length);
            ControlProtocol.Frame f = ControlProtocol.read(in);
            if (f.type() != expect) {
                throw new IOException("protocol error: expected '" + (char) expect + "', got '" + (char) f.type() + "'");
            }
            return f;
        }

        void exit(int code) throws IOException {
            send(ControlProtocol.EXIT, ControlProtocol.intPayload(code), 0, 4);
        }

        @Override
        public OutputStream stdout() {
            return stdout;
        }

        @Override
        public OutputStream stderr() {
            return stderr;
        }

        @Override
        public InputStream stdin() {
            return stdin;
        }

        @Override
        public boolean confirm(String label) throws IOException {
            ControlProtocol.Frame f = ask(ControlProtocol.PROMPT, label.getBytes(StandardCharsets.UTF_8),
                    ControlProtocol.PROMPT_ANSWER);
            return f.payload().length == 1 && f.payload()[0] == 1;
        }

        @Override
        public String edit(String text, String suffix) throws IOException {
            ControlProtocol.Frame f = ask(ControlProtocol.EDIT, ControlProtocol.encodeEdit(suffix, text),
                    ControlProtocol.EDITED);
            var d = new DataInputStream(new java.io.ByteArrayInputStream(f.payload()));
            boolean ok = d.readBoolean();
            String result = ControlProtocol.readString(d);
            if (!ok) {
                throw new IOException(result);
            }
            return result;
        }

        private final class FrameStream extends OutputStream {
            private final byte type;

            FrameStream(byte type) {
                this.type = type;
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) {
                    send(type, b, off, len);
                }
            }
        }
    }
}
