package io.ww4j.dhcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.RawUnixChannelOption;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.dhcp4java.DHCPPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCP sockets: one per served interface, each tied to its device with SO_BINDTODEVICE, so a
 * request is answered only on a listed interface and the reply leaves through the interface the
 * request came in on. Native epoll; without it (not Linux) one wildcard socket over NIO.
 */
public final class DhcpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DhcpServer.class);
    private static final int SOL_SOCKET = 1;
    private static final int SO_BINDTODEVICE = 25;
    private static final int IFNAMSIZ = 16;

    /** Packet counters since start. */
    public record Stats(long received, long answered, long dropped, long ignored, long errors) {}

    private final DhcpSettings settings;
    private final DhcpEngine engine;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final List<Channel> channels = new ArrayList<>();
    private EventLoopGroup group;

    public DhcpServer(DhcpSettings settings, DhcpEngine engine) {
        this.settings = settings;
        this.engine = engine;
    }

    public DhcpEngine engine() {
        return engine;
    }

    public Stats stats() {
        return new Stats(received.get(), answered.get(), dropped.get(), ignored.get(), errors.get());
    }

    /** Binds every socket; on any failure closes what was bound and throws with a message naming port and interface. */
    public synchronized void start() throws IOException {
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        // Renewals are written in batches on the packet thread, between packets.
        group.scheduleWithFixedDelay(this::flushLeases, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        List<Integer> ports = new ArrayList<>(List.of(settings.port()));
        if (settings.mode() == DhcpSettings.Mode.PROXY) {
            ports.add(DhcpSettings.PXE_PORT);
        }
        try {
            if (!epoll) {
                log.warn("native epoll unavailable: DHCP listens on all interfaces with one socket");
                for (int port : ports) {
                    bind(null, null, port, false);
                }
                return;
            }
            for (NetworkInterface nif : interfaces()) {
                Inet4Address local = ipv4(nif);
                for (int port : ports) {
                    bind(nif.getName(), local, port, true);
                }
                log.info("DHCP ({}) listening on {} ({}) port {}", settings.mode().name().toLowerCase(), nif.getName(),
                        local == null ? "no IPv4 address" : local.getHostAddress(), ports);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private List<NetworkInterface> interfaces() throws IOException {
        List<NetworkInterface> out = new ArrayList<>();
        if (settings.interfaces().isEmpty()) {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && !nif.isLoopback() && ipv4(nif) != null) {
                    out.add(nif);
                }
            }
            if (out.isEmpty()) {
                throw new IOException("no interface with an IPv4 address to serve DHCP on");
            }
        } else {
            for (String name : settings.interfaces()) {
                NetworkInterface nif = NetworkInterface.getByName(name);
                if (nif == null) {
                    throw new IOException("dhcp.interfaces: no such interface '" + name + "'");
                }
                out.add(nif);
            }
        }
        return out;
    }

    private static Inet4Address ipv4(NetworkInterface nif) throws SocketException {
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
            if (a instanceof Inet4Address v4) {
                return v4;
            }
        }
        return null;
    }

    private void bind(String device, Inet4Address local, int port, boolean epoll) throws IOException {
        Bootstrap b = new Bootstrap().group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_BROADCAST, true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_RCVBUF, 4 << 20) // absorb boot storms
                .handler(new Handler(local, port));
        if (device != null) {
            ByteBuffer name = ByteBuffer.allocateDirect(IFNAMSIZ);
            name.put(device.getBytes(StandardCharsets.US_ASCII)).position(0);
            b.option(new RawUnixChannelOption("SO_BINDTODEVICE", SOL_SOCKET, SO_BINDTODEVICE, IFNAMSIZ), name);
        }
        try {
            Channel ch = b.bind(new InetSocketAddress(port)).sync().channel();
            channels.add(ch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding DHCP port " + port);
        } catch (Exception e) {
            throw new IOException("cannot bind DHCP port " + port + (device == null ? "" : " on " + device) + ": " + e.getMessage(), e);
        }
    }

    private void flushLeases() {
        try {
            engine.flushLeases();
        } catch (RuntimeException e) {
            log.error("DHCP lease flush failed: {}", e.toString());
        }
    }

    /** Stops answering, then writes the renewals still queued. */
    @Override
    public synchronized void close() {
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
        channels.clear();
        if (group != null) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
            flushLeases();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Inet4Address local;
        private final int port;

        Handler(Inet4Address local, int port) {
            this.local = local;
            this.port = port;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            received.incrementAndGet();
            ByteBuf in = msg.content();
            int len = in.readableBytes();
            byte[] b = new byte[len];
            in.getBytes(in.readerIndex(), b);
            DHCPPacket req;
            try {
                req = DhcpEngine.parse(b, len);
            } catch (BadPacketException e) {
                dropped.incrementAndGet();
                log.debug("dropped packet from {}: {}", msg.sender(), e.getMessage());
                return;
            }
            DhcpEngine.Reply reply;
            byte[] out;
            try {
                reply = engine.handle(req, local, port, msg.sender());
                out = reply == null ? null : reply.packet().serialize();
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                log.warn("DHCP request from {} not answered: {}", msg.sender(), e.toString());
                return;
            }
            if (out == null) {
                ignored.incrementAndGet();
                return;
            }
            answered.incrementAndGet();
            ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(out), reply.to()));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.incrementAndGet();
            log.warn("DHCP socket error: {}", cause.toString());
        }
    }
}
