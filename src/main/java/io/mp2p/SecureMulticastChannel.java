package io.mp2p;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mp2p.address.GroupAddresses;
import io.mp2p.crypto.RandomSource;
import io.mp2p.engine.Constants;
import io.mp2p.engine.EngineConfig;
import io.mp2p.engine.EngineEvent;
import io.mp2p.engine.EngineMetrics;
import io.mp2p.engine.Endpoint;
import io.mp2p.engine.Transmit;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.transport.InterfaceSelector;
import io.mp2p.transport.IpFamily;
import io.mp2p.transport.UdpTransport;

/**
 * Encrypted messages to peers named by their public key, over UDP multicast, with no server. The
 * channel listens on its own group (derived from its key unless set), answers handshakes, and opens
 * sessions to peers whose groups it derives from their keys.
 *
 * <pre>{@code
 * Mp2pIdentity me = Mp2pIdentity.load(Path.of("identity.pem"));
 * ChannelOptions options = ChannelOptions.builder().networkInterface("eth0").build();
 * try (SecureMulticastChannel channel = SecureMulticastChannel.open(me, options);
 *      PeerSession peer = channel.connect(PeerKey.parse(args[0]))) {
 *     peer.send("hello".getBytes(StandardCharsets.UTF_8));
 *     System.out.println(new String(peer.receive(), StandardCharsets.UTF_8));
 * }
 * // the other side: PeerSession s = channel.accept(); byte[] m = s.receive(); s.send(m);
 * }</pre>
 *
 * <p>Threads: one I/O thread per channel runs the protocol engine; it sleeps until a datagram
 * arrives or the engine's next deadline, so an idle channel uses no CPU. Every public method is
 * thread-safe.
 */
public final class SecureMulticastChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SecureMulticastChannel.class);
    private static final int RECEIVE_BUFFER = 65_536;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** Datagrams read per wake-up before commands and timers get a turn, so a flood cannot starve them. */
    private static final int MAX_RECEIVE_BATCH = 1024;
    /**
     * Sends handed to the I/O thread and not yet encrypted. Past this, {@link PeerSession#send} waits:
     * a fast sender slows to what the thread can seal instead of growing the queue without bound.
     */
    static final int MAX_PENDING_SENDS = 4096;
    private static final long SEND_WAIT_SLICE_MILLIS = 100;
    /** How long {@link #metrics()} waits for the I/O thread before answering with the last snapshot. */
    private static final long METRICS_WAIT_MILLIS = 1000;

    private final Mp2pIdentity identity;
    private final ChannelOptions options;
    private final UdpTransport transport;
    private final Endpoint engine;
    private final long epoch = System.nanoTime();
    private final Thread ioThread;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.Semaphore sendPermits = new java.util.concurrent.Semaphore(MAX_PENDING_SENDS);
    private final LinkedBlockingQueue<Object> incoming = new LinkedBlockingQueue<>();
    /** Owned by the I/O thread. */
    private final Map<PeerKey, PeerSession> sessions = new HashMap<>();
    /** Owned by the I/O thread. */
    private final Map<PeerKey, List<ConnectRequest>> connecting = new HashMap<>();
    /** Owned by the I/O thread: initiations sent for the handshake each connecting peer is running. */
    private final Map<PeerKey, Integer> attempts = new HashMap<>();
    private volatile EngineMetrics metrics;
    private volatile boolean closed;
    private long nextRefresh;

    private record ConnectRequest(CompletableFuture<PeerSession> future, long deadline, long started) {
    }

    private SecureMulticastChannel(Mp2pIdentity identity, ChannelOptions options, UdpTransport transport) {
        this.identity = identity;
        this.options = options;
        this.transport = transport;
        IpFamily family = options.ipVersion();
        this.engine = new Endpoint(EngineConfig.builder(identity)
                .replyAddress(transport.groupAddress())
                .peerLocator(k -> new InetSocketAddress(family == IpFamily.IPV4 ? GroupAddresses.ipv4(k)
                        : GroupAddresses.ipv6(k), options.peerPort()))
                .trust(options.trustPolicy()::isTrusted)
                .suite(options.suite())
                .pathMtu(options.pathMtu())
                .random(RandomSource.secure())
                .wallClock(SecureMulticastChannel::unixNanos)
                .build());
        this.metrics = engine.metrics();
        this.nextRefresh = now() + options.membershipRefresh().toNanos();
        this.ioThread = new Thread(this::run, "mp2p-io-" + identity.publicKey().toHex().substring(0, 8));
        this.ioThread.setDaemon(true);
    }

    /**
     * Opens a channel: chooses the interface, joins our group and starts the I/O thread.
     *
     * @throws IOException when no interface fits (the message lists candidates) or a socket cannot open
     */
    public static SecureMulticastChannel open(Mp2pIdentity identity, ChannelOptions options) throws IOException {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(options, "options");
        NetworkInterface nif = InterfaceSelector.select(options.networkInterface(), options.ipVersion());
        InetAddress group = options.group() != null ? options.group()
                : options.ipVersion() == IpFamily.IPV4 ? GroupAddresses.ipv4(identity.publicKey())
                : GroupAddresses.ipv6(identity.publicKey());
        if (!options.ipVersion().matches(group)) {
            throw new Mp2pException("group " + group.getHostAddress() + " is not an " + options.ipVersion()
                    + " address; choose the matching IP version");
        }
        UdpTransport transport = UdpTransport.open(new UdpTransport.Settings(nif, options.ipVersion(), group,
                options.port(), options.ttl(), options.loopback(), options.membershipRefresh()));
        SecureMulticastChannel channel = new SecureMulticastChannel(identity, options, transport);
        channel.ioThread.start();
        return channel;
    }

    /** Our public key: what peers connect to. */
    public PeerKey localKey() {
        return identity.publicKey();
    }

    /** Our group and port: where peers send. */
    public InetSocketAddress localGroup() {
        return transport.groupAddress();
    }

    /** The engine's counters now (taken on the I/O thread; the last ones once the channel is closed). */
    public EngineMetrics metrics() {
        if (closed || Thread.currentThread() == ioThread) {
            return closed ? metrics : engine.metrics();
        }
        CompletableFuture<EngineMetrics> f = new CompletableFuture<>();
        submit(() -> f.complete(engine.metrics()));
        try {
            return f.get(METRICS_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return metrics;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return metrics;
        }
    }

    /**
     * Opens a session with {@code peer} at its derived group, waiting up to the connect timeout.
     *
     * @throws HandshakeTimeoutException with the number of attempts, when the peer does not answer
     * @throws PeerRefusedException      when our trust policy does not allow {@code peer}
     */
    public PeerSession connect(PeerKey peer) throws Mp2pException, InterruptedException {
        return await(connectAsync(peer, null));
    }

    /** As {@link #connect(PeerKey)}, sending to {@code group} (e.g. from the peer's node record). */
    public PeerSession connect(PeerKey peer, InetSocketAddress group) throws Mp2pException, InterruptedException {
        return await(connectAsync(peer, Objects.requireNonNull(group, "group")));
    }

    /** The non-blocking form of {@link #connect(PeerKey)}: the future fails with the same exceptions. */
    public CompletableFuture<PeerSession> connectAsync(PeerKey peer) {
        return connectAsync(peer, null);
    }

    private CompletableFuture<PeerSession> connectAsync(PeerKey peer, InetSocketAddress group) {
        CompletableFuture<PeerSession> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new ChannelClosedException("the channel is closed"));
            return f;
        }
        if (!options.trustPolicy().isTrusted(peer)) {
            f.completeExceptionally(new PeerRefusedException(peer));
            return f;
        }
        submit(() -> {
            long now = now();
            PeerSession existing = sessions.get(peer);
            if (existing != null && existing.isOpen() && engine.isEstablished(peer, now)) {
                f.complete(existing);
                return;
            }
            attempts.putIfAbsent(peer, 1);
            connecting.computeIfAbsent(peer, k -> new ArrayList<>())
                    .add(new ConnectRequest(f, now + options.connectTimeout().toNanos(), now));
            if (group != null) {
                engine.connect(peer, group, now);
            } else {
                engine.connect(peer, now);
            }
        });
        return f;
    }

    private static PeerSession await(CompletableFuture<PeerSession> f) throws Mp2pException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Mp2pException m) {
                throw m;
            }
            throw new Mp2pException("connect failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            f.cancel(false);
            throw e;
        }
    }

    /**
     * The next session a peer opened with us, waiting as long as it takes (unless a
     * {@link SessionListener} takes them instead).
     *
     * @throws ChannelClosedException when the channel closes
     */
    public PeerSession accept() throws InterruptedException, ChannelClosedException {
        return acceptResult(incoming.take());
    }

    /** The next incoming session, or null if none arrives within {@code timeout}. */
    public PeerSession accept(Duration timeout) throws InterruptedException, ChannelClosedException {
        Object o = incoming.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return o == null ? null : acceptResult(o);
    }

    private PeerSession acceptResult(Object o) throws ChannelClosedException {
        if (o instanceof PeerSession s) {
            return s;
        }
        incoming.offer(o);
        throw new ChannelClosedException("the channel is closed");
    }

    /** Closes every session (telling peers), leaves the group and stops the I/O thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        transport.wakeup();
        if (Thread.currentThread() != ioThread) {
            try {
                ioThread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ called by PeerSession

    void send(PeerSession session, byte[] message) throws ChannelClosedException {
        try {
            while (!sendPermits.tryAcquire(SEND_WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    throw new ChannelClosedException("the channel is closed");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelClosedException("interrupted while waiting to send");
        }
        if (closed) {
            sendPermits.release();
            throw new ChannelClosedException("the channel is closed");
        }
        submit(() -> {
            try {
                engine.send(session.peer(), message, now());
            } finally {
                sendPermits.release();
            }
        });
    }

    void closeSession(PeerSession session) {
        submit(() -> {
            if (sessions.get(session.peer()) == session) {
                sessions.remove(session.peer());
                engine.close(session.peer(), now());
            }
        });
    }

    // ------------------------------------------------------------------ the I/O thread

    private void submit(Runnable command) {
        commands.add(command);
        transport.wakeup();
    }

    private long now() {
        return System.nanoTime() - epoch;
    }

    private static long unixNanos() {
        Instant i = Instant.now();
        return i.getEpochSecond() * TimeUnit.SECONDS.toNanos(1) + i.getNano();
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocate(RECEIVE_BUFFER);
        try {
            while (!closed) {
                for (Runnable c; (c = commands.poll()) != null; ) {
                    c.run();
                }
                long now = now();
                engine.tick(now);
                if (now - nextRefresh >= 0) {
                    transport.refreshMembership();
                    nextRefresh = now + options.membershipRefresh().toNanos();
                }
                expireConnects(now);
                flush();
                transport.await(sleepMillis(now));
                int batch = 0;
                for (InetSocketAddress from; batch < MAX_RECEIVE_BATCH && (from = transport.receive(buf.clear())) != null;
                     batch++) {
                    buf.flip();
                    engine.handleDatagram(buf.array(), 0, buf.limit(), from, now());
                }
                flush();
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("the channel's I/O thread stopped: {}", e.toString(), e);
        } finally {
            shutdown();
        }
    }

    /** Milliseconds until the earliest of the engine's deadline, a connect timeout and the membership refresh. */
    private long sleepMillis(long now) {
        long deadline = engine.nextDeadline();
        deadline = earlier(deadline, nextRefresh);
        for (List<ConnectRequest> list : connecting.values()) {
            for (ConnectRequest r : list) {
                deadline = earlier(deadline, r.deadline());
            }
        }
        if (!commands.isEmpty()) {
            return -1;
        }
        long wait = deadline - now;
        if (wait <= 0) {
            return -1;
        }
        // Round up: waking a little late is harmless, waking early spins.
        return Math.max(1, (wait + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI);
    }

    private static long earlier(long a, long b) {
        if (a == Constants.NO_DEADLINE) {
            return b;
        }
        return a - b <= 0 ? a : b;
    }

    private void flush() throws IOException {
        for (Transmit t; (t = engine.pollTransmit()) != null; ) {
            try {
                transport.send(ByteBuffer.wrap(t.data(), 0, t.length()), t.destination());
            } catch (IOException e) {
                // One unreachable destination must not stop the channel; the handshake retries.
                LOG.warn("could not send to {}: {}", t.destination(), e.getMessage());
            }
        }
        for (EngineEvent e; (e = engine.pollEvent()) != null; ) {
            dispatch(e);
        }
    }

    private void dispatch(EngineEvent event) {
        PeerKey peer = event.peer();
        if (event instanceof EngineEvent.SessionEstablished) {
            PeerSession s = sessions.get(peer);
            boolean fresh = s == null || !s.isOpen();
            if (fresh) {
                s = new PeerSession(this, peer, options.receiveQueueCapacity());
                sessions.put(peer, s);
            }
            List<ConnectRequest> waiting = connecting.remove(peer);
            attempts.remove(peer);
            if (waiting != null) {
                for (ConnectRequest r : waiting) {
                    r.future().complete(s);
                }
            } else if (fresh) {
                offerIncoming(s);
            }
        } else if (event instanceof EngineEvent.MessageReceived e) {
            PeerSession s = sessions.get(peer);
            if (s != null) {
                s.deliver(e.message());
            }
        } else if (event instanceof EngineEvent.HandshakeRetrying e) {
            List<ConnectRequest> waiting = connecting.get(peer);
            attempts.put(peer, e.attempt());
            HandshakeListener l = options.handshakeListener();
            if (l != null && waiting != null) {
                l.onRetry(peer, e.attempt(), Duration.ofNanos(e.elapsedNanos()));
            }
        } else if (event instanceof EngineEvent.HandshakeFailed e) {
            List<ConnectRequest> waiting = connecting.remove(peer);
            attempts.remove(peer);
            if (waiting != null) {
                for (ConnectRequest r : waiting) {
                    r.future().completeExceptionally(new HandshakeTimeoutException(peer, e.attempts(),
                            Duration.ofNanos(e.elapsedNanos())));
                }
            }
            if (e.droppedMessages() > 0) {
                LOG.warn("{} message(s) to {} dropped: no answer to {} handshake attempts", e.droppedMessages(),
                        peer, e.attempts());
            }
        } else if (event instanceof EngineEvent.PeerRefused) {
            // The engine logged it; nothing reaches the application.
        } else if (event instanceof EngineEvent.SessionClosed e) {
            if (e.reason() != io.mp2p.engine.CloseReason.EXPIRED) {
                PeerSession s = sessions.remove(peer);
                if (s != null) {
                    s.markClosed(e.reason() == io.mp2p.engine.CloseReason.PEER_CLOSED ? "closed by the peer"
                            : "closed by this side");
                }
            }
        }
    }

    private void offerIncoming(PeerSession s) {
        SessionListener l = options.sessionListener();
        if (l != null) {
            try {
                l.onSession(s);
            } catch (RuntimeException ex) {
                LOG.error("the session listener threw; the session stays open", ex);
            }
        } else {
            incoming.offer(s);
        }
    }

    private void expireConnects(long now) {
        var it = connecting.entrySet().iterator();
        while (it.hasNext()) {
            var entry = it.next();
            PeerKey peer = entry.getKey();
            entry.getValue().removeIf(r -> {
                if (now - r.deadline() >= 0) {
                    r.future().completeExceptionally(new HandshakeTimeoutException(peer,
                            attempts.getOrDefault(peer, 1), Duration.ofNanos(now - r.started())));
                    return true;
                }
                return r.future().isDone();
            });
            if (entry.getValue().isEmpty()) {
                it.remove();
                if (!engine.isEstablished(peer, now)) {
                    // Nobody waits any more: stop retrying.
                    engine.close(peer, now);
                }
            }
        }
    }

    private void shutdown() {
        // Carry out what callers asked for before close(): a message sent just before closing still goes.
        for (Runnable c; (c = commands.poll()) != null; ) {
            try {
                c.run();
            } catch (RuntimeException e) {
                LOG.warn("a command failed while closing: {}", e.toString());
            }
        }
        for (PeerSession s : new ArrayList<>(sessions.values())) {
            engine.close(s.peer(), now());
            s.markClosed("the channel closed");
        }
        try {
            flush();
        } catch (IOException e) {
            LOG.debug("could not send the last packets: {}", e.getMessage());
        }
        for (List<ConnectRequest> list : connecting.values()) {
            for (ConnectRequest r : list) {
                r.future().completeExceptionally(new ChannelClosedException("the channel closed"));
            }
        }
        connecting.clear();
        incoming.offer(Boolean.FALSE);
        metrics = engine.metrics();
        engine.destroy();
        transport.close();
        closed = true;
        LOG.debug("channel {} closed", identity.publicKey());
    }
}
