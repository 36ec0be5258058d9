package io.mp2p.provider;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.mp2p.HandshakeTimeoutException;
import io.mp2p.MessageTooLargeException;
import io.mp2p.PeerTrustPolicy;
import io.mp2p.address.GroupAddresses;
import io.mp2p.CipherSuite;
import io.mp2p.engine.CloseReason;
import io.mp2p.engine.Constants;
import io.mp2p.engine.Endpoint;
import io.mp2p.engine.EngineConfig;
import io.mp2p.engine.EngineEvent;
import io.mp2p.engine.Transmit;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.provider.SecureChannelEngineResult.HandshakeStatus;
import io.mp2p.provider.SecureChannelEngineResult.Status;

/**
 * One encrypted session with one peer, with no I/O of its own: the face of the mp2p engine for code that brings its
 * own transport, as {@code SSLEngine} is for TLS. {@link #wrap} turns one application message into one datagram to
 * send; {@link #unwrap} turns one received datagram into at most one message. Datagrams are whole: the transport
 * must carry each one intact (or lose it); loss, duplication and reordering are handled here.
 *
 * <p>Time matters (handshake retries, keepalives, rekeys): when {@link #getHandshakeStatus()} says
 * {@code NEED_TIMER}, or at {@link #nextDeadline()}, call {@link #onTimer()}.
 *
 * <pre>{@code
 * SecureChannelContext ctx = SecureChannelContext.getInstance("mp2p");
 * ctx.init(new KeyManager[] {IdentityKeyManager.of(me)}, null, null);
 * SecureChannelEngine engine = ctx.createEngine(serverKey, true);       // true: this side starts
 * ByteBuffer packet = ByteBuffer.allocate(engine.getPacketBufferSize());
 * ByteBuffer message = ByteBuffer.allocate(engine.getApplicationBufferSize());
 * engine.wrap(ByteBuffer.wrap("hello".getBytes(UTF_8)), packet);       // held until the handshake is done
 * transport.send(packet.flip());
 * while (!engine.isClosed()) {
 *     switch (engine.getHandshakeStatus()) {
 *         case NEED_WRAP -> { packet.clear(); engine.wrap(ByteBuffer.allocate(0), packet); transport.send(packet.flip()); }
 *         case NEED_TIMER -> engine.onTimer();
 *         default -> {
 *             ByteBuffer datagram = transport.receive(engine.timeUntilDeadline());   // null: time is up
 *             if (datagram != null && engine.unwrap(datagram, message.clear()).bytesProduced() > 0) {
 *                 handle(message.flip());
 *             }
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe (every method holds the engine's lock), but meant to be driven by one thread. The keys are wiped
 * when the session ends: after {@link #close()}, after the peer closed it, or once a closing datagram was wrapped.
 */
public final class SecureChannelEngine implements AutoCloseable {
    /** What {@link #nextDeadline()} returns when no timer is set. */
    public static final long NO_DEADLINE = Constants.NO_DEADLINE;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final PeerKey peer;
    private final boolean clientMode;
    private final LongSupplier clock;
    private final Endpoint endpoint;
    /** The source the engine is told datagrams come from: the transport is the caller's, so any fixed address. */
    private final InetSocketAddress peerAddress;
    private final int packetBufferSize;
    private final ArrayDeque<Transmit> outbound = new ArrayDeque<>();
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private boolean established;
    private boolean finished;
    private boolean closed;
    private boolean destroyed;
    private HandshakeTimeoutException failure;
    private boolean failureReported;

    private SecureChannelEngine(Builder b) {
        this.peer = b.peer;
        this.clientMode = b.clientMode;
        this.clock = b.clock;
        this.peerAddress = new InetSocketAddress(GroupAddresses.ipv4(b.peer), GroupAddresses.DEFAULT_PORT);
        PeerTrustPolicy trust = b.trust;
        PeerKey expected = b.peer;
        SecureRandom random = b.random;
        InetSocketAddress located = peerAddress;
        EngineConfig config = EngineConfig.builder(b.identity)
                // No reply address: the responder answers the datagram's source, which is whatever the caller's
                // transport calls it (spec/PROTOCOL.md section 4.2, reply family 0).
                .replyAddress((InetSocketAddress) null)
                .peerLocator(k -> located)
                .trust(k -> k.equals(expected) && trust.isTrusted(k))
                .suite(b.suite)
                .pathMtu(b.pathMtu)
                .random(random::nextBytes)
                .wallClock(SecureChannelEngine::unixNanos)
                .build();
        this.endpoint = new Endpoint(config);
        this.packetBufferSize = b.pathMtu - Constants.IP_UDP_OVERHEAD;
        if (clientMode) {
            endpoint.connect(peer, clock.getAsLong());
            drain();
        }
    }

    /**
     * A builder for an engine with {@code peer}, as {@link #builder(Mp2pIdentity, PeerKey)}; most code gets its
     * engines from {@link SecureChannelContext#createEngine(PeerKey, boolean)} instead.
     */
    public static Builder builder(Mp2pIdentity identity, PeerKey peer) {
        return new Builder(identity, peer);
    }

    /** The peer this engine talks to. */
    public PeerKey getPeer() {
        return peer;
    }

    /** True when this engine initiates the handshake (the client), false when it waits for the peer's. */
    public boolean getUseClientMode() {
        return clientMode;
    }

    /** The largest datagram {@link #wrap} produces: the destination buffer of a wrap needs this much room. */
    public int getPacketBufferSize() {
        return packetBufferSize;
    }

    /** The largest message {@link #unwrap} produces (65,535 bytes). */
    public int getApplicationBufferSize() {
        return Constants.MAX_MESSAGE_LENGTH;
    }

    /**
     * Takes the remaining bytes of {@code src} as one message (0 to 65,535 bytes; none at all means "just send
     * what is due") and writes the next datagram to send, if any, into {@code dst}. Before the handshake completes,
     * messages are held (up to 1,024; then the oldest goes) and sent when it does. A message larger than one
     * datagram leaves more datagrams behind: the status is then {@code NEED_WRAP}.
     *
     * @throws MessageTooLargeException when {@code src} holds more than 65,535 bytes; nothing is consumed
     */
    public synchronized SecureChannelEngineResult wrap(ByteBuffer src, ByteBuffer dst) throws MessageTooLargeException {
        if (dst.remaining() < packetBufferSize) {
            return result(Status.BUFFER_OVERFLOW, 0, 0);
        }
        int consumed = 0;
        if (src.hasRemaining() && !closed) {
            int n = src.remaining();
            if (n > Constants.MAX_MESSAGE_LENGTH) {
                throw new MessageTooLargeException(n, Constants.MAX_MESSAGE_LENGTH);
            }
            byte[] message = new byte[n];
            src.get(message);
            endpoint.send(peer, message, clock.getAsLong());
            consumed = n;
            drain();
        }
        Transmit t = outbound.pollFirst();
        int produced = 0;
        if (t != null) {
            dst.put(t.data(), 0, t.length());
            produced = t.length();
        }
        Status status = closed && consumed == 0 && outbound.isEmpty() ? Status.CLOSED : Status.OK;
        destroyIfDone();
        return result(status, consumed, produced);
    }

    /**
     * Takes the remaining bytes of {@code src} as one received datagram, and writes the message it completes, if
     * any, into {@code dst}. A datagram that is malformed, forged, replayed or from anyone but the peer is dropped
     * (and counted inside the engine), never thrown. When a message waits from an earlier call, it is delivered
     * first and {@code src} is left alone.
     */
    public synchronized SecureChannelEngineResult unwrap(ByteBuffer src, ByteBuffer dst) {
        if (!inbound.isEmpty()) {
            return deliver(dst, 0);
        }
        if (closed) {
            return result(Status.CLOSED, 0, 0);
        }
        if (!src.hasRemaining()) {
            return result(Status.BUFFER_UNDERFLOW, 0, 0);
        }
        int n = src.remaining();
        byte[] datagram = new byte[n];
        src.get(datagram);
        endpoint.handleDatagram(datagram, 0, n, peerAddress, clock.getAsLong());
        drain();
        SecureChannelEngineResult r = inbound.isEmpty()
                ? result(closed ? Status.CLOSED : Status.OK, n, 0)
                : deliver(dst, n);
        destroyIfDone();
        return r;
    }

    private SecureChannelEngineResult deliver(ByteBuffer dst, int consumed) {
        byte[] head = inbound.peekFirst();
        if (dst.remaining() < head.length) {
            return result(Status.BUFFER_OVERFLOW, consumed, 0);
        }
        inbound.pollFirst();
        dst.put(head);
        return result(Status.OK, consumed, head.length);
    }

    /** The size of the message waiting for a larger unwrap buffer, or -1 when none waits. */
    public synchronized int pendingMessageLength() {
        byte[] head = inbound.peekFirst();
        return head == null ? -1 : head.length;
    }

    /**
     * Runs the timers that are due: handshake retries, keepalives, rekeys, expiry. Call it when the status is
     * {@code NEED_TIMER}, or whenever {@link #nextDeadline()} has passed.
     *
     * @return the handshake status afterwards
     * @throws HandshakeTimeoutException once, when the peer never answered within 90 s of handshake attempts;
     *         the engine is closed afterwards
     */
    public synchronized HandshakeStatus onTimer() throws HandshakeTimeoutException {
        if (!destroyed) {
            endpoint.tick(clock.getAsLong());
            drain();
        }
        if (failure != null && !failureReported) {
            failureReported = true;
            destroyIfDone();
            throw failure;
        }
        destroyIfDone();
        return getHandshakeStatus();
    }

    /** When {@link #onTimer()} must next be called, on this engine's clock (nanoseconds), or {@link #NO_DEADLINE}. */
    public synchronized long nextDeadline() {
        return destroyed ? NO_DEADLINE : endpoint.nextDeadline();
    }

    /** How long from now until {@link #onTimer()} is due (zero when overdue), or null when no timer is set. */
    public synchronized Duration timeUntilDeadline() {
        long deadline = nextDeadline();
        if (deadline == NO_DEADLINE) {
            return null;
        }
        return Duration.ofNanos(Math.max(0, deadline - clock.getAsLong()));
    }

    /** What the engine needs next. */
    public synchronized HandshakeStatus getHandshakeStatus() {
        if (!outbound.isEmpty()) {
            return HandshakeStatus.NEED_WRAP;
        }
        if (closed) {
            return HandshakeStatus.NOT_HANDSHAKING;
        }
        long deadline = endpoint.nextDeadline();
        if (deadline != NO_DEADLINE && clock.getAsLong() - deadline >= 0) {
            return HandshakeStatus.NEED_TIMER;
        }
        return established ? HandshakeStatus.NOT_HANDSHAKING : HandshakeStatus.NEED_UNWRAP;
    }

    /** Whether a session with the peer is up and can carry messages now. */
    public synchronized boolean isEstablished() {
        return established && !closed;
    }

    /** Whether the session is over: closed by either side, or its handshake failed. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Ends the session: a closing datagram (telling the peer) is left to wrap, after which the keys are wiped.
     * Messages not yet wrapped are dropped. Idempotent.
     */
    public synchronized void closeOutbound() {
        if (closed) {
            return;
        }
        endpoint.close(peer, clock.getAsLong());
        closed = true;
        drain();
        destroyIfDone();
    }

    /** Ends the session at once: as {@link #closeOutbound()}, but the closing datagram is dropped too. */
    @Override
    public synchronized void close() {
        closeOutbound();
        outbound.clear();
        destroyIfDone();
    }

    private void drain() {
        for (Transmit t; (t = endpoint.pollTransmit()) != null; ) {
            outbound.addLast(t);
        }
        for (EngineEvent e; (e = endpoint.pollEvent()) != null; ) {
            if (!e.peer().equals(peer)) {
                continue;
            }
            if (e instanceof EngineEvent.SessionEstablished s) {
                established = true;
                if (!s.renewal()) {
                    finished = true;
                }
            } else if (e instanceof EngineEvent.MessageReceived m) {
                inbound.addLast(m.message());
            } else if (e instanceof EngineEvent.HandshakeFailed f) {
                failure = new HandshakeTimeoutException(peer, f.attempts(), Duration.ofNanos(f.elapsedNanos()));
                closed = true;
            } else if (e instanceof EngineEvent.SessionClosed c) {
                established = false;
                // An expired session comes back with the next message; the others end this engine.
                if (c.reason() != CloseReason.EXPIRED) {
                    closed = true;
                }
            }
        }
    }

    /** Secrets go as soon as nothing more can be sent. */
    private void destroyIfDone() {
        if (closed && outbound.isEmpty() && !destroyed) {
            endpoint.destroy();
            destroyed = true;
        }
    }

    private SecureChannelEngineResult result(Status status, int consumed, int produced) {
        HandshakeStatus hs = getHandshakeStatus();
        if (finished) {
            finished = false;
            hs = HandshakeStatus.FINISHED;
        }
        return new SecureChannelEngineResult(status, hs, consumed, produced);
    }

    private static long unixNanos() {
        Instant i = Instant.now();
        return i.getEpochSecond() * TimeUnit.SECONDS.toNanos(1) + i.getNano();
    }

    @Override
    public String toString() {
        return "SecureChannelEngine[" + peer.toHex() + (clientMode ? ", client" : ", server")
                + (closed ? ", closed" : established ? ", established" : ", handshaking") + "]";
    }

    /** Settings of a {@link SecureChannelEngine}; every one but the identity and the peer has a default. */
    public static final class Builder {
        private final Mp2pIdentity identity;
        private final PeerKey peer;
        private boolean clientMode = true;
        private PeerTrustPolicy trust = PeerTrustPolicy.acceptAny();
        private CipherSuite suite = CipherSuite.AESGCM_SHA256;
        private int pathMtu = Constants.DEFAULT_PATH_MTU;
        private SecureRandom random;
        private LongSupplier clock = System::nanoTime;

        private Builder(Mp2pIdentity identity, PeerKey peer) {
            this.identity = Objects.requireNonNull(identity, "identity");
            this.peer = Objects.requireNonNull(peer, "peer");
        }

        /** True (default): this side starts the handshake. False: it waits for the peer's. */
        public Builder clientMode(boolean client) {
            this.clientMode = client;
            return this;
        }

        /** Consulted for the peer before its handshake is accepted. Default: accept (the peer is named anyway). */
        public Builder trust(PeerTrustPolicy t) {
            this.trust = Objects.requireNonNull(t, "trust");
            return this;
        }

        /** The suite a client proposes; a server accepts both. Default AES-GCM. */
        public Builder suite(CipherSuite s) {
            this.suite = Objects.requireNonNull(s, "suite");
            return this;
        }

        /** The IP packet size of the path; datagrams are at most this minus 48 bytes. Default 1280. */
        public Builder pathMtu(int mtu) {
            if (mtu < EngineConfig.Builder.MIN_PATH_MTU || mtu > EngineConfig.Builder.MAX_PATH_MTU) {
                throw new IllegalArgumentException("path MTU must be " + EngineConfig.Builder.MIN_PATH_MTU + ".."
                        + EngineConfig.Builder.MAX_PATH_MTU + ", got " + mtu);
            }
            this.pathMtu = mtu;
            return this;
        }

        /** Where ephemeral keys and indices come from. Default: a new {@link SecureRandom}. */
        public Builder random(SecureRandom r) {
            this.random = r;
            return this;
        }

        /**
         * The monotonic clock in nanoseconds that deadlines are on. Default {@link System#nanoTime()}; a test can
         * drive a simulated one.
         */
        public Builder clock(LongSupplier nanoTime) {
            this.clock = Objects.requireNonNull(nanoTime, "clock");
            return this;
        }

        public SecureChannelEngine build() {
            if (random == null) {
                random = new SecureRandom();
            }
            return new SecureChannelEngine(this);
        }
    }
}
