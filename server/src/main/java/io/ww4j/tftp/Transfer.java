package io.ww4j.tftp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One read transfer on its own UDP port, connected to the client's address (so the kernel drops
 * strays). All state lives on the channel's event loop: no locks.
 *
 * <p>Sending: a window of {@code windowsize} DATA blocks (1 = RFC 1350 lock-step), advanced by
 * ACKs. An ACK for a block inside the outstanding window moves the window there and resends from
 * the next block (RFC 7440); a duplicate ACK is ignored, which is the cure for the Sorcerer's
 * Apprentice bug: only a timeout retransmits, with exponential backoff. Block numbers are 16 bits on
 * the wire and roll over to 0; internally they are longs, so files over 32 MiB (at 512-byte blocks)
 * just work.
 */
final class Transfer extends SimpleChannelInboundHandler<DatagramPacket> {
    /** Backoff never waits longer than this (or the negotiated timeout, if larger). */
    private static final long MAX_BACKOFF_MS = 8_000;

    final InetSocketAddress client;
    final String file;
    final String nodeId;
    private final Packets.Request request;
    /** Set by the first packet from the client on the transfer port (read from other threads). */
    private volatile boolean heardFromClient;
    /** Set once the last block has gone out: from then on the client may be done and asking again. */
    private volatile boolean lastBlockSent;
    private final TftpServer server;
    private final Source source;
    private final int blksize;
    private final int window;
    private final long baseTimeoutMs;
    private final int maxRetries;
    private final Map<String, String> oack;
    private final long started = System.nanoTime();

    private final long lastBlock;
    private Channel ch;
    private boolean waitingForOackAck;
    private long acked;
    private long sent;
    private int retries;
    private long timeoutMs;
    private ScheduledFuture<?> timer;
    private boolean finished;

    Transfer(TftpServer server, InetSocketAddress client, Packets.Request request, String nodeId, Source source, int blksize, int window,
             long timeoutMs, int maxRetries, Map<String, String> oack) {
        this.server = server;
        this.client = client;
        this.request = request;
        this.file = request.filename();
        this.nodeId = nodeId;
        this.source = source;
        this.blksize = blksize;
        this.window = window;
        this.baseTimeoutMs = timeoutMs;
        this.timeoutMs = timeoutMs;
        this.maxRetries = maxRetries;
        this.oack = oack;
        // The last block is the first one shorter than blksize, possibly empty.
        this.lastBlock = source.size() / blksize + 1;
    }

    /** Called on the event loop once the channel is bound and connected. */
    void begin(Channel channel) {
        this.ch = channel;
        if (!oack.isEmpty()) {
            waitingForOackAck = true;
            sendOack();
        } else {
            sendWindow();
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
        if (finished || !client.equals(msg.sender())) {
            return;
        }
        heardFromClient = true;
        ByteBuf b = msg.content();
        int op = Packets.opcode(b);
        if (op == Packets.ERROR) {
            String why = Packets.errorText(b);
            finish(false, waitingForOackAck ? "client ended the transfer after the OACK (" + why + ")"
                    : "client aborted (" + why + ")");
            return;
        }
        int wire = Packets.ackBlock(b);
        if (wire < 0) {
            return; // not ours to answer: RFC 1350 leaves stray packets on a transfer port alone
        }
        if (waitingForOackAck) {
            if (wire == 0) {
                waitingForOackAck = false;
                progress();
                sendWindow();
            }
            return;
        }
        long ahead = (wire - (acked & 0xFFFF)) & 0xFFFF;
        if (ahead == 0 || acked + ahead > sent) {
            return; // duplicate or stale ACK: never answered (no Sorcerer's Apprentice)
        }
        acked += ahead;
        progress();
        if (acked == lastBlock) {
            finish(true, "");
        } else {
            sendWindow();
        }
    }

    /**
     * True when {@code r}, arriving on the request port from this transfer's client, is the same
     * RRQ sent again before the client heard from us. A different request, one after the client
     * answered on the transfer port, or one after the whole file went out (the final ACK may still
     * be in flight while the client, reusing its port, asks again) is a new transfer.
     */
    boolean isRetransmissionOf(Packets.Request r) {
        return !heardFromClient && !lastBlockSent && request.equals(r);
    }

    private void progress() {
        retries = 0;
        timeoutMs = baseTimeoutMs;
    }

    private void sendOack() {
        ch.writeAndFlush(Packets.oack(ch.alloc(), oack));
        armTimer();
    }

    /** Sends blocks acked+1 .. acked+window (at most up to the last block). */
    private void sendWindow() {
        long to = Math.min(acked + window, lastBlock);
        // before anything goes out: the client may answer (and ask again) before flush() returns
        lastBlockSent |= to == lastBlock;
        try {
            for (long blk = acked + 1; blk <= to; blk++) {
                long pos = (blk - 1) * blksize;
                int len = (int) Math.min(blksize, source.size() - pos);
                ByteBuf b = ch.alloc().directBuffer(4 + len);
                b.writeShort(Packets.DATA).writeShort((int) (blk & 0xFFFF));
                try {
                    source.read(pos, b, len);
                } catch (IOException | RuntimeException e) {
                    b.release();
                    throw e;
                }
                ch.write(b, ch.voidPromise());
            }
        } catch (IOException | RuntimeException e) {
            ch.writeAndFlush(Packets.error(ch.alloc(), Packets.E_UNDEFINED, "read error"));
            finish(false, "read error: " + e.getMessage());
            return;
        }
        ch.flush();
        sent = to;
        armTimer();
    }

    private void armTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
        timer = ch.eventLoop().schedule(this::onTimeout, timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void onTimeout() {
        if (finished) {
            return;
        }
        if (++retries > maxRetries) {
            ch.writeAndFlush(Packets.error(ch.alloc(), Packets.E_UNDEFINED, "timed out"));
            finish(false, "timed out waiting for ACK of block " + ((waitingForOackAck ? 0 : acked + 1) & 0xFFFF)
                    + " after " + maxRetries + " retransmissions");
            return;
        }
        timeoutMs = Math.min(timeoutMs * 2, Math.max(baseTimeoutMs, MAX_BACKOFF_MS));
        if (waitingForOackAck) {
            sendOack();
        } else {
            sendWindow();
        }
    }

    /** Ends the transfer exactly once: frees the port and the slot, logs and records it. */
    void finish(boolean ok, String why) {
        if (finished) {
            return;
        }
        finished = true;
        if (timer != null) {
            timer.cancel(false);
        }
        source.close();
        long bytes = ok ? source.size() : Math.min(source.size(), Math.max(0, acked) * blksize);
        if (ch != null) {
            ch.close();
        }
        server.transferDone(this, ok, bytes, (System.nanoTime() - started) / 1_000_000, why);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish(false, "transfer socket closed");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP port unreachable and the like: the client went away; the timer ends the transfer.
    }
}
