package io.ww4j.tftp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ww4j.config.WarewulfConf;
import io.ww4j.status.BootEvent;
import io.ww4j.status.StatusTracker;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in read-only TFTP server (RFC 1350 octet and netascii; options per RFC 2347 with
 * blksize RFC 2348, timeout and tsize RFC 2349, windowsize RFC 7440, and tftpd-hpa's utimeout).
 * Requests arrive on {@code tftp.port}; each transfer gets a fresh port ({@link Transfer}). At most
 * {@code tftp.max transfers} run at once: further requests are dropped with a log line, and the
 * client's own retry brings them back, which in a boot storm beats an error that aborts the boot.
 */
public final class TftpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TftpServer.class);

    static final int MAX_BLKSIZE = 65464;

    /** What the server needs from warewulf.conf; tests fill it in directly. */
    public static final class Settings {
        /** Address to listen on; null means every address. */
        public InetAddress bindAddress;
        public int port = 69;
        public Path root = Path.of("/var/lib/tftpboot");
        public Path ipxeSource = Path.of("/usr/share/ipxe");
        public Map<String, String> ipxe = Map.of();
        /** Where the host's shim and GRUB are searched for. */
        public Path hostRoot = Path.of("/");
        public byte[] grubCfg = TftpRoot.grubCfg("127.0.0.1", 9873);
        public int maxTransfers = 1000;
        /** Retransmissions of one window before giving up. */
        public int maxRetries = 6;
        /** Retransmission timeout when the client does not ask for one. */
        public long defaultTimeoutMs = 1000;
        /** Largest windowsize granted (a client asking for more gets this in the OACK). */
        public int maxWindow = 64;
        /**
         * Event-loop threads for transfers. Lock-step TFTP is latency-bound, not CPU-bound: in a
         * boot storm a few threads compete with everything else on the host for the scheduler, so
         * we run several per core (system property {@code ww4j.tftp.threads} overrides).
         */
        public int threads = Integer.getInteger("ww4j.tftp.threads", 4 * Runtime.getRuntime().availableProcessors());

        public static Settings from(WarewulfConf c) {
            Settings s = new Settings();
            s.port = c.tftp.port;
            s.root = Path.of(c.tftp.tftproot);
            s.ipxeSource = Path.of(c.paths.ipxesource);
            s.ipxe = new LinkedHashMap<>(c.tftp.ipxe);
            s.maxTransfers = c.tftp.maxTransfers;
            s.grubCfg = TftpRoot.grubCfg(c.ipaddr.isEmpty() ? "127.0.0.1" : c.ipaddr, c.warewulf.port);
            return s;
        }
    }

    private final Settings settings;
    private final TftpRoot root;
    private final StatusTracker status;
    private final Function<InetAddress, String> nodeLookup;
    private final Map<InetSocketAddress, Transfer> active = new ConcurrentHashMap<>();
    private final AtomicInteger slots = new AtomicInteger();
    private final AtomicLong droppedWhileFull = new AtomicLong();
    private volatile long lastFullLog;
    private EventLoopGroup group;
    private Class<? extends DatagramChannel> channelClass;
    private Channel listener;

    /**
     * @param nodeLookup client IP → node id, or null when unknown; may itself be null (then
     *                   transfers are attributed by the MAC in the kernel's ARP table, if any)
     */
    public TftpServer(Settings settings, StatusTracker status, Function<InetAddress, String> nodeLookup) {
        this.settings = settings;
        this.root = new TftpRoot(settings.root, settings.ipxeSource, settings.ipxe, settings.hostRoot, settings.grubCfg);
        this.status = status;
        this.nodeLookup = nodeLookup;
    }

    /** Binds the request port. Throws (and leaves nothing running) if it cannot be bound. */
    public synchronized void start() throws IOException {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        IoHandlerFactory io;
        if (Epoll.isAvailable()) {
            io = EpollIoHandler.newFactory();
            channelClass = EpollDatagramChannel.class;
        } else {
            io = NioIoHandler.newFactory();
            channelClass = NioDatagramChannel.class;
        }
        group = new MultiThreadIoEventLoopGroup(Math.max(2, settings.threads),
                new DefaultThreadFactory("tftp", true), io);
        InetSocketAddress at = settings.bindAddress == null
                ? new InetSocketAddress(settings.port) : new InetSocketAddress(settings.bindAddress, settings.port);
        Bootstrap b = new Bootstrap().group(group).channel(channelClass);
        if (channelClass == EpollDatagramChannel.class) {
            // the address each request was sent to: a transfer answers from it (multi-homed hosts)
            b.option(EpollChannelOption.IP_RECVORIGDSTADDR, true);
        }
        ChannelFuture f = b
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                // room for the largest UDP datagram: an oversized request must not arrive cut short
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536))
                .handler(new Requests())
                .bind(at).awaitUninterruptibly();
        if (!f.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            group = null;
            Throwable c = f.cause();
            BindException e = new BindException("cannot bind TFTP port " + at + ": " + c.getMessage());
            e.initCause(c);
            throw e;
        }
        listener = f.channel();
        log.info("tftp: serving {} (plus virtual warewulf/) on udp {} ({})", settings.root, listener.localAddress(),
                channelClass == EpollDatagramChannel.class ? "epoll" : "nio");
    }

    /** The bound request port (useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Transfers in progress. */
    public int activeTransfers() {
        return slots.get();
    }

    @Override
    public synchronized void close() {
        if (group == null) {
            return;
        }
        if (listener != null) {
            listener.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        group = null;
        log.info("tftp: stopped");
    }

    /** Handles datagrams on the request port: RRQ starts a transfer, anything else gets an error or silence. */
    private final class Requests extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            InetSocketAddress from = msg.sender();
            ByteBuf b = msg.content();
            int op = Packets.opcode(b);
            switch (op) {
                case Packets.RRQ -> request(ctx, msg);
                case Packets.WRQ -> {
                    log.info("tftp: refused write request from {}: read-only server", addr(from));
                    reply(ctx, from, Packets.E_ACCESS, "write requests refused: read-only server");
                }
                // Replies (DATA, ACK, ERROR, OACK) do not belong on the request port; answering them
                // could start a ping-pong with another server. Too-short packets: silence as well.
                case Packets.DATA, Packets.ACK, Packets.ERROR, Packets.OACK, -1 ->
                        log.debug("tftp: ignored {}-byte packet (opcode {}) from {}", b.readableBytes(), op, addr(from));
                default -> reply(ctx, from, Packets.E_ILLEGAL, "illegal TFTP operation");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Nothing a client sends may stop the request port.
            log.warn("tftp: request port: {}", cause.toString());
        }
    }

    private void request(ChannelHandlerContext ctx, DatagramPacket msg) {
        InetSocketAddress from = msg.sender();
        Packets.Request req;
        try {
            req = Packets.parseRequest(msg.content(), from);
        } catch (Packets.Malformed e) {
            log.info("tftp: bad request from {}: {}", addr(from), e.getMessage());
            reply(ctx, from, Packets.E_ILLEGAL, e.getMessage());
            return;
        }
        Transfer running = active.get(from);
        if (running != null && running.isRetransmissionOf(req)) {
            return; // the client repeated its RRQ before our first reply reached it; that transfer answers
        }
        if (!takeSlot()) {
            long n = droppedWhileFull.incrementAndGet();
            long now = System.nanoTime();
            if (now - lastFullLog > TimeUnit.SECONDS.toNanos(5)) {
                lastFullLog = now;
                log.warn("tftp: {} transfers in progress (tftp.max transfers): dropped request for {} from {} "
                        + "({} dropped so far); the client will retry", settings.maxTransfers, req.filename(), addr(from), n);
            }
            return;
        }
        boolean handedOver = false;
        try {
            handedOver = start(ctx, from, replyAddress(ctx, msg), req);
        } finally {
            if (!handedOver) {
                slots.decrementAndGet();
            }
        }
    }

    /**
     * The local address a transfer answers from: the one the client sent its request to. On a
     * host with several addresses the kernel would otherwise pick the source by route, and a PXE
     * ROM drops DATA from an address it did not ask (tftpd-hpa does the same with IP_PKTINFO).
     */
    private static InetAddress replyAddress(ChannelHandlerContext ctx, DatagramPacket msg) {
        InetSocketAddress to = msg.recipient();
        if (to != null && !to.getAddress().isAnyLocalAddress()) {
            return to.getAddress();
        }
        return ((InetSocketAddress) ctx.channel().localAddress()).getAddress();
    }

    /** Resolves, opens and negotiates; returns true when a transfer now owns the slot. */
    private boolean start(ChannelHandlerContext ctx, InetSocketAddress from, InetAddress localAddress, Packets.Request req) {
        String nodeId = lookup(from.getAddress());
        TftpRoot.Resolved r = root.resolve(req.filename());
        if (!r.ok()) {
            refuse(ctx, from, nodeId, req.filename(), r.errorCode(), r.error());
            return false;
        }
        Source src;
        try {
            if (r.file() != null) {
                src = req.netascii() ? Source.fileNetascii(r.file()) : Source.file(r.file());
            } else {
                src = Source.bytes(req.netascii() ? Source.toNetascii(r.content()) : r.content());
            }
        } catch (IOException e) {
            refuse(ctx, from, nodeId, req.filename(), Packets.E_ACCESS, "cannot read file: " + e.getMessage());
            return false;
        }
        int blksize = 512;
        int window = 1;
        long timeoutMs = settings.defaultTimeoutMs;
        Map<String, String> oack = new LinkedHashMap<>();
        for (Map.Entry<String, String> o : req.options().entrySet()) {
            String k = o.getKey();
            if (!List.of("blksize", "tsize", "timeout", "utimeout", "windowsize").contains(k)) {
                continue; // RFC 2347: unknown options are left out of the OACK
            }
            long v = number(o.getValue());
            String bad = switch (k) {
                case "blksize" -> v < 8 ? "blksize must be 8-65464" : null;
                case "tsize" -> v < 0 ? "bad tsize" : null;
                case "timeout" -> v < 1 || v > 255 ? "timeout must be 1-255 seconds" : null;
                case "utimeout" -> v < 10_000 || v > 255_000_000 ? "utimeout must be 10000-255000000 microseconds" : null;
                default -> v < 1 || v > 65535 ? "windowsize must be 1-65535" : null;
            };
            if (bad != null) {
                src.close();
                refuse(ctx, from, nodeId, req.filename(), Packets.E_OPTIONS, bad);
                return false;
            }
            switch (k) {
                case "blksize" -> {
                    blksize = (int) Math.min(v, MAX_BLKSIZE);
                    oack.put(k, Integer.toString(blksize));
                }
                case "tsize" -> oack.put(k, Long.toString(src.size()));
                case "timeout" -> {
                    timeoutMs = v * 1000;
                    oack.put(k, Long.toString(v));
                }
                case "utimeout" -> {
                    timeoutMs = Math.max(10, v / 1000);
                    oack.put(k, Long.toString(v));
                }
                default -> {
                    window = (int) Math.min(v, settings.maxWindow);
                    oack.put(k, Integer.toString(window));
                }
            }
        }
        Transfer t = new Transfer(this, from, req, nodeId, src, blksize, window, timeoutMs,
                settings.maxRetries, oack);
        active.put(from, t);
        InetSocketAddress local = new InetSocketAddress(localAddress, 0);
        new Bootstrap().group(group).channel(channelClass)
                .option(ChannelOption.SO_SNDBUF, 2 << 20)
                .handler(t)
                .connect(from, local)
                .addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        t.begin(f.channel());
                    } else {
                        t.finish(false, "cannot open a transfer port: " + f.cause().getMessage());
                    }
                });
        log.debug("tftp: {} {} to {} {}: blksize {} windowsize {} timeout {} ms, {} bytes", req.netascii() ? "netascii" : "octet",
                req.filename(), who(nodeId), addr(from), blksize, window, timeoutMs, src.size());
        return true;
    }

    /** Option values are decimal numbers; anything else (or absurdly long) is -1, i.e. out of range. */
    private static long number(String s) {
        if (s == null || s.isEmpty() || s.length() > 12) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
    }

    private boolean takeSlot() {
        while (true) {
            int n = slots.get();
            if (n >= settings.maxTransfers) {
                return false;
            }
            if (slots.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void refuse(ChannelHandlerContext ctx, InetSocketAddress from, String nodeId, String file, int code, String why) {
        log.info("tftp: refused {} to {} {}: {}", printable(file), who(nodeId), addr(from), why);
        reply(ctx, from, code, why);
        record(nodeId, from, file, 0, false, why);
    }

    private static void reply(ChannelHandlerContext ctx, InetSocketAddress to, int code, String message) {
        ctx.writeAndFlush(new DatagramPacket(Packets.error(ctx.alloc(), code, message), to));
    }

    /** Called by a transfer when it ends, on its event loop. */
    void transferDone(Transfer t, boolean ok, long bytes, long millis, String why) {
        active.remove(t.client, t);
        slots.decrementAndGet();
        if (ok) {
            log.info("tftp: sent {} to {} {}: {} bytes in {} ms", t.file, who(t.nodeId), addr(t.client), bytes, millis);
        } else if (why.contains("after the OACK")) {
            log.debug("tftp: {} to {} {}: {}", t.file, who(t.nodeId), addr(t.client), why);
        } else {
            log.info("tftp: {} to {} {} failed after {} bytes: {}", t.file, who(t.nodeId), addr(t.client), bytes, why);
        }
        record(t.nodeId, t.client, t.file, bytes, ok, why);
    }

    private void record(String nodeId, InetSocketAddress from, String file, long bytes, boolean ok, String why) {
        if (status == null) {
            return;
        }
        String mac = nodeId == null ? Arp.lookup(from.getAddress()) : null;
        BootEvent e = new BootEvent(nodeId, mac, addr(from), BootEvent.Protocol.TFTP, "RRQ", printable(file), bytes, ok,
                ok ? "" : why, Instant.now());
        status.record(e);
    }

    private String lookup(InetAddress ip) {
        if (nodeLookup == null) {
            return null;
        }
        try {
            return nodeLookup.apply(ip);
        } catch (RuntimeException e) {
            log.warn("tftp: node lookup for {} failed: {}", ip.getHostAddress(), e.toString());
            return null;
        }
    }

    private static String who(String nodeId) {
        return nodeId == null ? "unknown node" : nodeId;
    }

    private static String addr(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static String printable(String s) {
        String p = s.replaceAll("[^\\x20-\\x7e]", "?");
        return p.length() > 200 ? p.substring(0, 200) + "..." : p;
    }

    /** The kernel's ARP cache: names the MAC of a client on a directly attached network. */
    static final class Arp {
        private Arp() {}

        static String lookup(InetAddress ip) {
            Path arp = Path.of("/proc/net/arp");
            if (!Files.isReadable(arp)) {
                return null;
            }
            try {
                String want = ip.getHostAddress();
                for (String line : Files.readAllLines(arp)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 4 && f[0].equals(want) && f[3].matches("[0-9a-fA-F:]{17}") && !f[3].equals("00:00:00:00:00:00")) {
                        return f[3].toLowerCase(java.util.Locale.ROOT);
                    }
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return null;
        }
    }
}
