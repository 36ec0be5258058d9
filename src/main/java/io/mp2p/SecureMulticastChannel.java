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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mp2p.address.GroupAddresses;
import io.mp2p.address.GroupEpoch;
import io.mp2p.address.GroupSchedule;
import io.mp2p.crypto.RandomSource;
import io.mp2p.engine.CloseReason;
import io.mp2p.engine.Constants;
import io.mp2p.engine.EngineConfig;
import io.mp2p.engine.EngineEvent;
import io.mp2p.engine.Endpoint;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.stream.StreamConfig;
import io.mp2p.transport.InterfaceSelector;
import io.mp2p.transport.SocketAddresses;
import io.mp2p.transport.UdpTransport;

/**
 * Encrypted messages to peers named by their public key, over UDP multicast, with no server. The
 * channel listens on its own groups (derived from its key and the UTC day unless set), answers
 * handshakes, and opens sessions to peers whose groups it derives from their keys.
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
 * <p>Threads. Every public method of the channel and of {@link PeerSession} is thread-safe. The
 * protocol engine is guarded by one lock, held briefly and never while waiting or calling the
 * application's code (a {@link PeerTrustPolicy} aside): a {@code send} or a stream read or write
 * works the engine on the caller's own thread, as a UDP socket's send does, with no hand-over; a
 * {@code receive} that has to wait reads the sockets itself while no other thread does, so a
 * datagram wakes only the thread that waits for it. One I/O thread per channel runs the timers and
 * reads the sockets when no such thread does; it sleeps until a datagram arrives or the engine's
 * next deadline, so an idle channel uses no CPU. The application's code never runs on it, except a
 * {@link PeerTrustPolicy} (which must be quick): listeners and the stages chained on
 * {@link #connectAsync}'s future run on the callback executor
 * ({@link ChannelOptions.Builder#callbackExecutor}). Blocking calls made on the I/O thread throw
 * {@link IllegalStateException} instead of waiting on themselves.
 *
 * <p>Closing. {@link #close()} may race any other call from any thread: every pending and later call
 * completes, with its result or a {@link ChannelClosedException}, and no call waits without a bound.
 * A {@code send} that returned normally before or during the close is carried out before the peers
 * are told the session ended.
 */
public final class SecureMulticastChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SecureMulticastChannel.class);
    private static final int RECEIVE_BUFFER = 65_536;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** Datagrams read per wake-up before commands and timers get a turn, so a flood cannot starve them. */
    private static final int MAX_RECEIVE_BATCH = 1024;
    /**
     * How long a caller waits for the engine lock before it looks again whether the channel closed:
     * the lock is held for microseconds, except while a slow trust policy runs on the I/O thread.
     */
    private static final long LOCK_WAIT_SLICE_MILLIS = 100;
    /** {@link #plannedWake} while the I/O thread is not asleep on a timeout (it will look at the timers). */
    private static final long AWAKE = Long.MIN_VALUE;
    /** How long a reading {@code receive} waits on the sockets before it looks whether the channel closed. */
    private static final long READER_SLICE_MILLIS = 100;
    /** How long {@link #metrics()} waits for the I/O thread before answering with the last snapshot. */
    private static final long METRICS_WAIT_MILLIS = 1000;
    /**
     * How much longer than the connect timeout {@link #connect} waits for the I/O thread's verdict
     * before giving its own: the I/O thread times connects out itself, this only bounds the wait if
     * that thread is held up (a slow trust policy).
     */
    private static final long CONNECT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * How long a close lingers for stream data the peers have not acknowledged yet (as a TCP socket's
     * close lets the kernel deliver what was written), before the sessions are closed anyway.
     */
    static final long STREAM_LINGER_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How often a lingering close looks whether its stream data was acknowledged. */
    private static final long LINGER_POLL_MILLIS = 10;
    /** How long {@link #close()} waits for the I/O thread to finish. */
    private static final long CLOSE_JOIN_MILLIS = TimeUnit.NANOSECONDS.toMillis(STREAM_LINGER_NANOS) + 5000;
    /** Turns in a row that may fail on an internal error before the channel gives up and closes. */
    private static final int MAX_FAILED_TURNS = 100;
    /** Send failures logged at WARN per {@link #SEND_FAILURE_LOG_NANOS}; the rest only counted. */
    private static final long SEND_FAILURE_LOG_NANOS = 10_000_000_000L;

    private final Mp2pIdentity identity;
    private final ChannelOptions options;
    private final UdpTransport transport;
    private final GroupSchedule groups;
    private final Endpoint engine;
    private final long epoch = System.nanoTime();
    private final Thread ioThread;
    private final IoCommands commands = new IoCommands();
    private final Callbacks callbacks;
    /**
     * Guards the engine and everything "owned by the engine lock" below: the I/O thread holds it for
     * each step of its turn, a caller's thread for its send or stream call. Held for microseconds,
     * never while blocking or calling the application (callbacks go to the callback executor).
     */
    private final ReentrantLock engineLock = new ReentrantLock();
    /** Whether the engine may still be used; false once shutdown destroyed it. Under the engine lock. */
    private boolean engineLive = true;
    /**
     * When (engine clock) the sleeping I/O thread will wake by itself, or {@link #AWAKE}: a caller
     * whose engine call moved the next deadline earlier wakes it; otherwise it is left asleep.
     */
    private volatile long plannedWake = AWAKE;
    /** Whether the I/O thread or an application thread waiting in {@code receive} reads the sockets. */
    private final ReaderHandoff readers = new ReaderHandoff();
    /** Set if waiting on the sockets failed in a {@code receive}: from then on only the I/O thread reads. */
    private volatile boolean readerBroken;
    /** Datagrams read by application threads waiting in {@code receive} (a test seam); under the engine lock. */
    private long datagramsReadByReceivers;
    /** The datagram buffer of whoever reads the sockets; under the engine lock. */
    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(RECEIVE_BUFFER);
    /** Where flush() takes each datagram the engine sealed; under the engine lock. */
    private final ByteBuffer transmitBuffer;
    /** Where flush() takes each message the engine opened; under the engine lock. */
    private final ByteBuffer messageBuffer = ByteBuffer.allocate(Constants.MAX_MESSAGE_LENGTH);
    private final LinkedBlockingQueue<Object> incoming = new LinkedBlockingQueue<>();
    private final AtomicLong messagesDroppedSessionClosed = new AtomicLong();
    /** Under the engine lock. */
    private final Map<PeerKey, PeerSession> sessions = new HashMap<>();
    /** Where each peer's packets go (engine PathChanged events); read by PeerSession.path() from any thread. */
    private final Map<PeerKey, SessionPath> paths = new java.util.concurrent.ConcurrentHashMap<>();
    /** Under the engine lock. */
    private final Map<PeerKey, List<ConnectRequest>> connecting = new HashMap<>();
    /** Under the engine lock. */
    private final RefusalLog refusals = new RefusalLog();
    private final ChannelStreams streams;
    private volatile EngineMetrics metrics;
    private volatile TransportMetrics transportMetrics;
    private volatile boolean closed;
    private long nextRefresh;
    private long lastSendFailureLog = -SEND_FAILURE_LOG_NANOS;

    /** A caller waiting for a session with one peer; {@code attempts} is written by the I/O thread. */
    private static final class ConnectRequest {
        final CompletableFuture<PeerSession> future;
        final long deadline;
        final long started;
        volatile int attempts = 1;

        ConnectRequest(CompletableFuture<PeerSession> future, long deadline, long started) {
            this.future = future;
            this.deadline = deadline;
            this.started = started;
        }
    }

    /**
     * For tests of loss on real sockets: drops each received datagram with this probability (seeded),
     * before the engine sees it, as a lossy link would. Null: none dropped.
     */
    private java.util.random.RandomGenerator lossRandom;
    private double lossRate;

    /** The port acceptor is made before the stream registry it asks, so it reads it through this. */
    private final ChannelStreams[] streamsRef = new ChannelStreams[1];

    private SecureMulticastChannel(Mp2pIdentity identity, ChannelOptions options, UdpTransport transport) {
        this.identity = identity;
        this.options = options;
        this.transport = transport;
        this.groups = options.groupSchedule();
        this.engine = new Endpoint(EngineConfig.builder(identity)
                .replyAddress(transport::groupAddress)
                // Retries try the adjacent days' groups: a peer whose clock is a day or two off still answers.
                .peerLocator((k, attempt) -> new InetSocketAddress(
                        groups.sendGroup(k, options.groupClock().instant(), attempt), options.peerPort()))
                .trust(this::isTrustedOnIoThread)
                .suite(options.suite())
                .pathMtu(options.pathMtu())
                .random(RandomSource.secure())
                .wallClock(SecureMulticastChannel::unixNanos)
                .streams(StreamConfig.builder().portAcceptor(port -> streamsRef[0] != null
                        && streamsRef[0].listening(port)))
                .build());
        this.transmitBuffer = ByteBuffer.allocateDirect(engine.maxDatagramLength());
        this.streams = new ChannelStreams(this, engine);
        streamsRef[0] = streams;
        this.metrics = engine.metrics();
        this.transportMetrics = transport.metrics();
        this.nextRefresh = now() + options.membershipRefresh().toNanos();
        String tag = identity.publicKey().toHex().substring(0, 8);
        this.callbacks = new Callbacks(options.callbackExecutor(), "mp2p-callbacks-" + tag);
        this.ioThread = new Thread(this::run, "mp2p-io-" + tag);
        this.ioThread.setDaemon(true);
    }

    /**
     * Opens a channel: chooses the interface, joins our groups and starts the I/O thread.
     *
     * @throws IOException when no interface fits (the message lists candidates) or a socket cannot open
     */
    public static SecureMulticastChannel open(Mp2pIdentity identity, ChannelOptions options) throws IOException {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(options, "options");
        NetworkInterface nif = InterfaceSelector.select(options.networkInterface(), options.ipVersion());
        List<InetAddress> listen = listenGroups(identity.publicKey(), options);
        InetAddress group = listen.get(0);
        if (!options.ipVersion().matches(group)) {
            throw new Mp2pException("group " + GroupAddresses.toText(group) + " is not an " + options.ipVersion()
                    + " address; choose the matching IP version");
        }
        UdpTransport transport = UdpTransport.open(new UdpTransport.Settings(nif, options.ipVersion(), group,
                options.port(), options.ttl(), options.loopback(), options.membershipRefresh(), options.unicastPort()));
        try {
            transport.listenOn(listen);
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw e;
        }
        SecureMulticastChannel channel = new SecureMulticastChannel(identity, options, transport);
        channel.ioThread.start();
        return channel;
    }

    /**
     * Test seam: as {@link #open}, dropping each received datagram with probability {@code loss}
     * (seeded), to measure streams through a lossy link on real sockets.
     */
    static SecureMulticastChannel openLossy(Mp2pIdentity identity, ChannelOptions options, double loss, long seed)
            throws IOException {
        SecureMulticastChannel c = open(identity, options);
        c.submit(new IoCommands.Command() {
            @Override
            protected void run() {
                c.lossRate = loss;
                c.lossRandom = new java.util.SplittableRandom(seed);
            }

            @Override
            protected void abort(ChannelClosedException why) {
            }
        });
        return c;
    }

    /** Our public key: what peers connect to. */
    public PeerKey localKey() {
        return identity.publicKey();
    }

    /**
     * Our group and port: where peers send. With groups that change daily, this is the current day's
     * (the channel also listens on the previous and the next day's, and moves on as days pass).
     */
    public InetSocketAddress localGroup() {
        return transport.groupAddress();
    }

    /** The groups to listen on now: the one set in the options, or the derived ones for the group clock's day. */
    private static List<InetAddress> listenGroups(PeerKey self, ChannelOptions options) {
        if (options.group() != null) {
            return List.of(options.group());
        }
        return options.groupSchedule().listenGroups(self, options.groupClock().instant());
    }

    /** The engine's counters now (taken on the I/O thread; the last ones once the channel is closed). */
    public EngineMetrics metrics() {
        try {
            if (!engineLock.tryLock(METRICS_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                return metrics;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return metrics;
        }
        try {
            if (engineLive) {
                metrics = engine.metrics();
            }
            return metrics;
        } finally {
            engineLock.unlock();
        }
    }

    /**
     * The UDP layer's counters: datagrams the kernel took, ones that waited for send-buffer room, ones
     * dropped because even the wait queue was full, send errors. Taken now (the last ones if the engine
     * is busy for a second); final once the channel is closed.
     */
    public TransportMetrics transportMetrics() {
        try {
            if (!engineLock.tryLock(METRICS_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                return transportMetrics;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return transportMetrics;
        }
        try {
            if (engineLive) {
                transportMetrics = transport.metrics();
            }
            return transportMetrics;
        } finally {
            engineLock.unlock();
        }
    }

    /**
     * Messages a {@link PeerSession#send} handed over but the channel dropped because the session had
     * ended meanwhile. Sends are carried out on the caller's thread, so a send to an ended session
     * throws instead, and this stays 0; kept for compatibility.
     */
    public long messagesDroppedSessionClosed() {
        return messagesDroppedSessionClosed.get();
    }

    /**
     * Opens a session with {@code peer} at its derived group, waiting up to the connect timeout.
     *
     * @throws HandshakeTimeoutException with the number of attempts, when the peer does not answer
     * @throws PeerRefusedException      when our trust policy does not allow {@code peer}
     * @throws ChannelClosedException    when the channel closes first
     * @throws IllegalStateException     when called on the channel's I/O thread (from a trust policy)
     */
    public PeerSession connect(PeerKey peer) throws Mp2pException, InterruptedException {
        requireNotIoThread("connect");
        return await(peer, startConnect(peer, null, List.of()));
    }

    /**
     * As {@link #connect(PeerKey)}, sending to {@code group} (e.g. from the peer's node record).
     *
     * @throws IllegalArgumentException when {@code group} is not of this channel's IP version
     */
    public PeerSession connect(PeerKey peer, InetSocketAddress group) throws Mp2pException, InterruptedException {
        requireNotIoThread("connect");
        return await(peer, startConnect(peer, checkGroup(group), List.of()));
    }

    /**
     * As {@link #connect(PeerKey, InetSocketAddress)}, trying the peer's group and its unicast
     * {@code endpoints} together, staggered, first answer wins (Happy Eyeballs, spec/PROTOCOL.md §6.10);
     * endpoints of the other IP version are skipped. {@link PeerSession#path()} says which path the
     * session took.
     *
     * <pre>{@code
     * NodeRecord r = NodeRecord.parse(text);   // and r.verify(Instant.now()) == VALID
     * PeerSession s = channel.connect(r.key(), new InetSocketAddress(r.group(), r.port()), r.endpoints());
     * System.out.println("connected via " + s.path());
     * }</pre>
     *
     * @param group the peer's group, or null for the one derived from its key
     */
    public PeerSession connect(PeerKey peer, InetSocketAddress group, List<InetSocketAddress> endpoints)
            throws Mp2pException, InterruptedException {
        requireNotIoThread("connect");
        return await(peer, startConnect(peer, group == null ? null : checkGroup(group), sameFamily(endpoints)));
    }

    /** The endpoints this channel's socket can send to. */
    private List<InetSocketAddress> sameFamily(List<InetSocketAddress> endpoints) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress ep : endpoints) {
            if (ep.getAddress() != null && options.ipVersion().matches(ep.getAddress())) {
                out.add(ep);
            }
        }
        return out;
    }

    /** The address our packets leave from and unicast peers reach us at (publish it in a node record). */
    public InetSocketAddress localUnicastAddress() throws IOException {
        return transport.unicastAddress();
    }

    /** Where packets to {@code peer} go now, or null while it has no session ({@link PeerSession#path()}). */
    SessionPath pathOf(PeerKey peer) {
        return paths.get(peer);
    }

    /**
     * The non-blocking form of {@link #connect(PeerKey)}: the future fails with the same exceptions.
     * It completes on the callback executor, so stages chained on it never run on the I/O thread.
     * (With the default single callback thread, do not block on another future of this channel from
     * inside such a stage or a listener: {@link #connect} is the blocking call that is safe there.)
     */
    public CompletableFuture<PeerSession> connectAsync(PeerKey peer) {
        return published(startConnect(peer, null, List.of()));
    }

    /**
     * The non-blocking form of {@link #connect(PeerKey, InetSocketAddress)}.
     *
     * @throws IllegalArgumentException when {@code group} is not of this channel's IP version
     */
    public CompletableFuture<PeerSession> connectAsync(PeerKey peer, InetSocketAddress group) {
        return published(startConnect(peer, checkGroup(group), List.of()));
    }

    /** The future the application sees: completed on the callback executor, cancellable. */
    private CompletableFuture<PeerSession> published(ConnectRequest r) {
        CompletableFuture<PeerSession> published = new CompletableFuture<>();
        r.future.whenComplete((s, e) -> callbacks.complete(published, s, e));
        // Cancelling the published future withdraws the request (the handshake stops if nobody else waits).
        published.whenComplete((s, e) -> {
            if (published.isCancelled()) {
                r.future.cancel(false);
            }
        });
        return published;
    }

    private InetSocketAddress checkGroup(InetSocketAddress group) {
        Objects.requireNonNull(group, "group");
        if (group.getAddress() == null || !options.ipVersion().matches(group.getAddress())) {
            throw new IllegalArgumentException("the peer group " + SocketAddresses.format(group) + " is "
                    + (group.getAddress() == null ? "not resolved" : "an " + IpFamily.of(group.getAddress()) + " address")
                    + ", but this channel uses " + options.ipVersion() + ": open a channel with ipVersion("
                    + (options.ipVersion() == IpFamily.IPV4 ? "IPV6" : "IPV4") + ") to reach it");
        }
        return group;
    }

    /** Registers a connect request; its internal future is completed on the I/O thread (no user stages). */
    private ConnectRequest startConnect(PeerKey peer, InetSocketAddress group, List<InetSocketAddress> endpoints) {
        Objects.requireNonNull(peer, "peer");
        long started = now();
        ConnectRequest r = new ConnectRequest(new CompletableFuture<>(),
                started + options.connectTimeout().toNanos(), started);
        if (closed) {
            r.future.completeExceptionally(new ChannelClosedException("the channel is closed"));
            return r;
        }
        boolean trusted;
        try {
            trusted = options.trustPolicy().isTrusted(peer);
        } catch (RuntimeException e) {
            r.future.completeExceptionally(new Mp2pException("the trust policy failed for " + peer.toHex() + ": " + e, e));
            return r;
        }
        if (!trusted) {
            r.future.completeExceptionally(new PeerRefusedException(peer));
            return r;
        }
        submit(new IoCommands.Command() {
            @Override
            protected void run() {
                long now = now();
                PeerSession existing = sessions.get(peer);
                if (existing != null && existing.isOpen() && engine.isEstablished(peer, now)) {
                    r.future.complete(existing);
                    return;
                }
                connecting.computeIfAbsent(peer, k -> new ArrayList<>()).add(r);
                if (!endpoints.isEmpty()) {
                    engine.connect(peer, group, endpoints, now);
                } else if (group != null) {
                    engine.connect(peer, group, now);
                } else {
                    engine.connect(peer, now);
                }
            }

            @Override
            protected void abort(ChannelClosedException why) {
                r.future.completeExceptionally(why);
            }

            @Override
            protected void failed(RuntimeException e) {
                r.future.completeExceptionally(new Mp2pException("connect to " + peer.toHex() + " failed: " + e, e));
            }
        });
        return r;
    }

    private PeerSession await(PeerKey peer, ConnectRequest r) throws Mp2pException, InterruptedException {
        long bound = options.connectTimeout().toNanos() + CONNECT_GRACE_NANOS;
        try {
            return r.future.get(bound, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Mp2pException m) {
                throw m;
            }
            throw new Mp2pException("connect failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            r.future.cancel(false);
            throw new HandshakeTimeoutException(peer, r.attempts, Duration.ofNanos(now() - r.started));
        } catch (InterruptedException e) {
            r.future.cancel(false);
            throw e;
        }
    }

    /**
     * Accepts reliable streams that peers open to {@code port} of ours ({@link PeerSession#openStream});
     * streams to a port nobody listens on are refused. {@code port} 0 picks a free one.
     *
     * @param backlog streams opened and not yet accepted that are kept; past it, new ones are refused
     * @throws java.net.BindException when something listens on {@code port} already
     */
    public StreamListener listenStreams(int port, int backlog) throws IOException {
        if (closed) {
            throw new ChannelClosedException("the channel is closed");
        }
        return streams.listen(port, backlog);
    }

    /**
     * The next session a peer opened with us, waiting until one arrives or the channel closes (unless
     * a {@link SessionListener} takes them instead).
     *
     * @throws ChannelClosedException when the channel closes
     */
    public PeerSession accept() throws InterruptedException, ChannelClosedException {
        requireNotIoThread("accept");
        return acceptResult(incoming.take());
    }

    /** The next incoming session, or null if none arrives within {@code timeout}. */
    public PeerSession accept(Duration timeout) throws InterruptedException, ChannelClosedException {
        requireNotIoThread("accept");
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

    /**
     * Closes every session (telling peers), leaves the group and stops the I/O thread. Sends that
     * returned before are carried out first. Waits at most a few seconds; never throws; idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        transport.wakeup();
        if (Thread.currentThread() != ioThread) {
            try {
                ioThread.join(CLOSE_JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The I/O thread's id, for tests that measure its CPU time. */
    long ioThreadId() {
        return ioThread.getId();
    }

    /** Whether {@link #close()} was called (or the channel stopped). */
    public boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ called by PeerSession

    /**
     * Seals and sends on the caller's thread, under the engine lock: no hand-over to the I/O thread.
     * A full socket send buffer defers the datagram to the transport's send queue, which the I/O
     * thread drains when the socket is writable again. Returning normally means the engine took the
     * message before any close of the session or channel (which take the same lock).
     */
    void send(PeerSession session, byte[] message) throws ChannelClosedException {
        requireNotIoThread("PeerSession.send");
        lockEngine("send");
        try {
            if (closed || !engineLive) {
                throw new ChannelClosedException("the channel is closed");
            }
            if (!session.current) {
                throw new ChannelClosedException("the session with " + session.peer().toHex() + " is closed");
            }
            engine.send(session.peer(), message, now());
            afterCallerWork();
        } finally {
            engineLock.unlock();
        }
    }

    /**
     * The next message of {@code inbox}, as {@link SessionInbox#take}. While it waits, the calling
     * thread reads the sockets itself if no other thread does (one at a time): a datagram then wakes
     * only this thread, which opens it and, if it is its own message, returns it, with no hand-over
     * from the I/O thread. Messages of other sessions it reads go to their inboxes. Waits in slices, so
     * a close is seen within {@link #READER_SLICE_MILLIS} even if no wake-up reaches it.
     */
    byte[] receive(SessionInbox inbox, long timeoutNanos) throws InterruptedException, SessionInbox.EndOfInbox {
        long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        while (true) {
            byte[] m = inbox.poll();
            if (m != null) {
                return m;
            }
            long left = timeoutNanos < 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            if (!readUntil(inbox::ready, deadline)) {
                // Another thread reads (or the channel is closing): it or the I/O thread delivers to us.
                return inbox.take(timeoutNanos < 0 ? -1 : left);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /**
     * Reads and handles datagrams on the calling thread, waiting on the sockets between them, until
     * {@code ready} says so, {@code deadline} ({@link System#nanoTime()}; {@link Long#MAX_VALUE}: none)
     * passes, the channel closes or the thread is interrupted. Only one thread reads at a time, and
     * only an application thread about to wait anyway: a datagram then wakes just this thread, which
     * handles it and, if it was what it waited for, goes on, with no hand-over from the I/O thread.
     * What it reads for others is delivered to them as the I/O thread would.
     *
     * @return false, at once, when another thread reads the sockets now or the channel is closing:
     *         the caller waits its usual way (whoever reads delivers to it)
     */
    boolean readUntil(BooleanSupplier ready, long deadline) {
        if (closed || readerBroken || Thread.currentThread() == ioThread || engineLock.isHeldByCurrentThread()
                || !readers.enter()) {
            return false;
        }
        try {
            boolean waited = false;
            while (!closed && !Thread.currentThread().isInterrupted() && !ready.getAsBoolean()) {
                long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                // Before waiting, only the socket of the last burst is tried: the wait below looks at
                // all of them in one system call (a ping-pong's next datagram is not there yet).
                if (readOneDatagram(waited)) {
                    continue;
                }
                waited = false;
                long waitMillis = Math.min(READER_SLICE_MILLIS, (left + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI);
                if (!transport.awaitReadable(waitMillis)) {
                    break;
                }
                waited = true;
            }
        } catch (IOException e) {
            // This selector failed: leave reading to the I/O thread from now on.
            LOG.warn("waiting on the sockets in an application thread failed; the I/O thread reads them: {}",
                    e.toString());
            readerBroken = true;
        } finally {
            if (readers.leave()) {
                // The I/O thread sleeps long, trusting us to read: it must take over now.
                transport.wakeup();
            }
        }
        return true;
    }

    /**
     * Reads and handles one datagram under the engine lock, sending what it produced and delivering
     * its messages; false when none was waiting or the engine is gone. The I/O thread and a reader both use it.
     */
    private boolean readOneDatagram() {
        return readOneDatagram(true);
    }

    /** As {@link #readOneDatagram()}; {@code allSockets} false tries only the socket of the last burst. */
    private boolean readOneDatagram(boolean allSockets) {
        engineLock.lock();
        try {
            if (!engineLive) {
                return false;
            }
            ByteBuffer buf = receiveBuffer;
            InetSocketAddress from;
            try {
                from = allSockets ? transport.receive(buf.clear()) : transport.receiveFromLast(buf.clear());
            } catch (IOException e) {
                LOG.debug("reading a datagram failed: {}", e.toString());
                return false;
            }
            if (from == null) {
                return false;
            }
            buf.flip();
            if (Thread.currentThread() != ioThread) {
                datagramsReadByReceivers++;
            }
            if (lossRandom == null || lossRandom.nextDouble() >= lossRate) {
                engine.handleDatagram(buf.array(), 0, buf.limit(), from, now());
                flush();
                if (Thread.currentThread() != ioThread) {
                    // A reader handled it: a timer it set (a retransmission, an ACK) may be due
                    // before the I/O thread's long sleep ends.
                    wakeIoIfEarlier();
                }
            }
            return true;
        } finally {
            engineLock.unlock();
        }
    }

    /** Test seam: datagrams read by application threads in {@code receive} rather than the I/O thread. */
    long datagramsReadByReceivers() {
        engineLock.lock();
        try {
            return datagramsReadByReceivers;
        } finally {
            engineLock.unlock();
        }
    }

    /** Test seam: the application thread reading the sockets now, or null. */
    Thread readerThread() {
        return readers.reader();
    }

    /** A message or a close reached an inbox: a thread reading the sockets while it waits looks at its inbox. */
    void wakePoller() {
        Thread r = readers.reader();
        if (r != null && r != Thread.currentThread()) {
            transport.wakeupReader();
        }
    }

    /**
     * Takes the engine lock for a caller, waiting in slices so that a close is noticed: a call never
     * waits without bound (a slow trust policy can hold the lock on the I/O thread).
     *
     * @throws ChannelClosedException when the channel closed while waiting, or the wait was interrupted
     */
    private void lockEngine(String what) throws ChannelClosedException {
        try {
            while (!engineLock.tryLock(LOCK_WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    throw new ChannelClosedException("the channel is closed");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelClosedException("interrupted while waiting to " + what);
        }
    }

    /**
     * After a caller's engine call, under the lock: sends what it produced, hands out its events, and
     * wakes the I/O thread only if the engine now needs it earlier than it planned to wake.
     */
    private void afterCallerWork() {
        flush();
        wakeIoIfEarlier();
    }

    /**
     * Under the engine lock, on a thread other than the I/O thread, after engine work: wakes the I/O
     * thread only if the engine now needs it before the deadline it sleeps towards.
     */
    private void wakeIoIfEarlier() {
        long deadline = engine.nextDeadline();
        long planned = plannedWake;
        // plannedWake is the deadline the I/O thread aims at (not its rounded-up sleep), so a send
        // that leaves the deadlines as they were does not wake it.
        if (planned != AWAKE && deadline != Constants.NO_DEADLINE && deadline - planned < 0) {
            plannedWake = AWAKE;
            transport.wakeup();
        }
    }

    /**
     * Runs {@code call} with the engine on the calling thread, under the engine lock, then sends what
     * it produced. Allowed while a close lingers for stream data (the engine is still alive then).
     *
     * @throws ChannelClosedException when the engine is gone (the channel closed)
     */
    <T> T withEngine(String what, Supplier<T> call) throws IOException {
        requireNotIoThread(what);
        lockEngine(what);
        try {
            if (!engineLive) {
                throw new ChannelClosedException("the channel is closed");
            }
            try {
                return call.get();
            } catch (RuntimeException e) {
                throw new Mp2pException("could not " + what + ": " + e, e);
            } finally {
                afterCallerWork();
            }
        } finally {
            engineLock.unlock();
        }
    }

    Mp2pStream openStream(PeerSession session, int port) throws IOException {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        if (!session.isOpen()) {
            throw new ChannelClosedException("the session with " + session.peer().toHex() + " is closed");
        }
        return streams.open(session.peer(), port);
    }

    /** Test seam: the stream layer's counters with {@code peer} (loss, retransmissions, RTTs), or null. */
    io.mp2p.stream.StreamStats streamStats(PeerKey peer) throws IOException {
        return withEngine("read stream counters", () -> engine.streamStats(peer));
    }

    /** The engine's clock, for calls made on the I/O thread. */
    long engineNow() {
        return now();
    }

    /** Runs {@code action} on the I/O thread without waiting (dropped if the channel has closed). */
    void postToIo(Runnable action) {
        submit(new IoCommands.Command() {
            @Override
            protected void run() {
                action.run();
            }

            @Override
            protected void abort(ChannelClosedException why) {
                // The channel closed: its streams ended with it.
            }
        });
    }

    void closeSession(PeerSession session) {
        submit(new IoCommands.Command() {
            @Override
            protected void run() {
                if (sessions.get(session.peer()) == session) {
                    sessions.remove(session.peer()).current = false;
                    engine.close(session.peer(), now());
                }
            }

            @Override
            protected void abort(ChannelClosedException why) {
                // The channel closed every session already.
            }
        });
    }

    /** Blocking on the I/O thread would wait for itself: refuse at once, saying where the call came from. */
    void requireNotIoThread(String call) {
        if (Thread.currentThread() == ioThread || engineLock.isHeldByCurrentThread()) {
            throw new IllegalStateException(call + " was called on the channel's I/O thread (from a trust policy?),"
                    + " where it would wait for itself; call it from another thread");
        }
    }

    // ------------------------------------------------------------------ the I/O thread

    private boolean submit(IoCommands.Command command) {
        boolean taken = commands.submit(command);
        transport.wakeup();
        return taken;
    }

    private long now() {
        return System.nanoTime() - epoch;
    }

    private static long unixNanos() {
        Instant i = Instant.now();
        return i.getEpochSecond() * TimeUnit.SECONDS.toNanos(1) + i.getNano();
    }

    /** The application's policy, guarded: what it throws refuses the peer instead of failing the packet. */
    private boolean isTrustedOnIoThread(PeerKey peer) {
        try {
            return options.trustPolicy().isTrusted(peer);
        } catch (RuntimeException e) {
            LOG.error("the trust policy threw for {}; refusing that peer", peer.toHex(), e);
            return false;
        }
    }

    private void run() {
        int failedTurns = 0;
        try {
            while (!closed) {
                try {
                    turn();
                    failedTurns = 0;
                } catch (IOException e) {
                    if (closed) {
                        break;
                    }
                    // The selector or a socket failed: nothing can be read any more; stop cleanly.
                    LOG.error("the channel's sockets failed; closing the channel: {}", e.toString());
                    closed = true;
                } catch (RuntimeException e) {
                    // A bug: log it and carry on, so one bad turn does not end every session; a bug
                    // that fails every turn would only spin, so then the channel closes.
                    if (++failedTurns >= MAX_FAILED_TURNS) {
                        LOG.error("internal error in the channel's I/O thread, {} turns in a row; closing the channel",
                                failedTurns, e);
                        closed = true;
                    } else {
                        LOG.error("internal error in the channel's I/O thread; carrying on", e);
                    }
                }
            }
        } finally {
            linger();
            shutdown();
        }
    }

    /** Keeps the engine running, bounded, while stream data waits for the peers' acknowledgement. */
    private void linger() {
        long deadline = now() + STREAM_LINGER_NANOS;
        try {
            while (now() - deadline < 0 && lingerMore()) {
                turn(LINGER_POLL_MILLIS);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("stopped waiting for stream data to be acknowledged: {}", e.toString());
        }
    }

    /** One wake-up: commands, timers, sends, then wait, then read a bounded batch. */
    private void turn() throws IOException {
        turn(Long.MAX_VALUE);
    }

    private boolean lingerMore() {
        engineLock.lock();
        try {
            return engine.hasUnacknowledgedStreamData() || !commands.isEmpty();
        } finally {
            engineLock.unlock();
        }
    }

    /**
     * As {@link #turn()}, waiting at most {@code maxWaitMillis}. The engine lock is taken
     * for each step and released while waiting, so callers' sends go on meanwhile.
     */
    private void turn(long maxWaitMillis) throws IOException {
        if (now() - nextRefresh >= 0) {
            // Socket and interface work, no engine: outside the lock (it may take milliseconds).
            rotateGroups();
            transport.refreshMembership();
            nextRefresh = now() + options.membershipRefresh().toNanos();
        }
        long sleepNanos;
        engineLock.lock();
        try {
            runCommands();
            long now = now();
            engine.tick(now);
            expireConnects(now);
            flush();
            long wait = Math.min(sleepNanos(now), maxWaitMillis >= Long.MAX_VALUE / NANOS_PER_MILLI ? Long.MAX_VALUE
                    : maxWaitMillis * NANOS_PER_MILLI);
            long grace = readers.ioGraceMillis();
            boolean readerReads = grace >= 0;
            if (readerReads) {
                wait = wait < 0 ? wait : Math.min(wait, grace * NANOS_PER_MILLI);
            }
            transport.readInterest(!readerReads);
            // Exactly when we mean to look at the timers: a caller whose engine call needs them
            // earlier than this wakes us (afterCallerWork).
            plannedWake = wait < 0 ? AWAKE : now + wait;
            sleepNanos = wait;
        } finally {
            engineLock.unlock();
        }
        if (sleepNanos >= NANOS_PER_MILLI || sleepNanos < 0) {
            // Round up: waking a little late is harmless, waking early spins.
            transport.await(sleepNanos < 0 ? -1 : (sleepNanos + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI);
        } else if (!transport.awaitNow()) {
            // A deadline under a millisecond away (a stream's pacing): the selector counts whole
            // milliseconds, so look at the sockets once and sleep the rest precisely; a datagram
            // arriving meanwhile waits at most this long.
            LockSupport.parkNanos(sleepNanos);
        }
        plannedWake = AWAKE;
        engineLock.lock();
        try {
            if (transport.hasPendingSends()) {
                countSendFailures(transport.flushPendingSends(), null);
            }
        } finally {
            engineLock.unlock();
        }
        if (readers.reader() != null) {
            // An application thread reads the sockets now; next turn looks again.
            return;
        }
        // One datagram per hold of the lock, its output sent and its message delivered at once: a
        // waiting receive gets it without waiting for the rest of the batch, and sends go on between.
        for (int batch = 0; batch < MAX_RECEIVE_BATCH && readOneDatagram(); batch++) {
            // handled
        }
    }

    /**
     * Moves to the groups of the group clock's day once it changed: joins the new next day's, leaves
     * the one that fell out of the window. Runs with the membership refresh, so within one refresh
     * interval of midnight; the window's spare day on either side makes that delay harmless.
     */
    private void rotateGroups() {
        List<InetAddress> want = listenGroups(identity.publicKey(), options);
        if (want.equals(transport.groups())) {
            return;
        }
        try {
            transport.listenOn(want);
            LOG.debug("listening on {} for epoch {}", want, GroupEpoch.of(options.groupClock().instant()));
        } catch (IOException e) {
            // The groups that could be joined are listened on; the next refresh tries the rest again.
            LOG.warn("could not move to the groups of the new day: {}", e.getMessage());
        }
    }

    private void runCommands() {
        for (IoCommands.Command c; (c = commands.poll()) != null; ) {
            c.runOnce();
        }
    }

    /** Nanoseconds (-1: none) until the earliest of the engine's deadline, a connect timeout and the membership refresh. */
    private long sleepNanos(long now) {
        long deadline = engine.nextDeadline();
        deadline = earlier(deadline, nextRefresh);
        for (List<ConnectRequest> list : connecting.values()) {
            for (ConnectRequest r : list) {
                deadline = earlier(deadline, r.deadline);
            }
        }
        if (!commands.isEmpty()) {
            return -1;
        }
        long wait = deadline - now;
        return wait <= 0 ? -1 : wait;
    }

    private static long earlier(long a, long b) {
        if (a == Constants.NO_DEADLINE) {
            return b;
        }
        return a - b <= 0 ? a : b;
    }

    private void flush() {
        // Through reused buffers: the engine copies each datagram into transmitBuffer (the send queue
        // copies one only if the socket defers it) and each message into messageBuffer, so the only
        // allocation per message is the array the application receives.
        for (InetSocketAddress to; (to = engine.pollTransmit(transmitBuffer.clear())) != null; ) {
            try {
                if (transport.send(transmitBuffer.flip(), to) == io.mp2p.transport.SendQueue.Result.DROPPED) {
                    countSendFailures(1, "the send queue is full (the link is slower than the sender)");
                }
            } catch (IOException e) {
                // One unreachable destination must not stop the channel; the handshake retries.
                countSendFailures(1, "could not send to " + SocketAddresses.format(to) + ": " + e.getMessage());
            }
        }
        while (true) {
            PeerKey from = engine.pollMessage(messageBuffer.clear());
            if (from != null) {
                PeerSession s = sessions.get(from);
                if (s != null) {
                    messageBuffer.flip();
                    byte[] message = new byte[messageBuffer.remaining()];
                    messageBuffer.get(message);
                    s.deliver(message);
                }
                continue;
            }
            EngineEvent e = engine.pollEvent();
            if (e == null) {
                break;
            }
            dispatch(e);
        }
    }

    /** Send failures are counted by the transport; the log says so at most every few seconds. */
    private void countSendFailures(int n, String what) {
        if (n == 0) {
            return;
        }
        long now = now();
        if (now - lastSendFailureLog >= SEND_FAILURE_LOG_NANOS) {
            lastSendFailureLog = now;
            TransportMetrics m = transport.metrics();
            LOG.warn("{} (send errors so far {}, datagrams dropped {})",
                    what != null ? what : n + " queued datagram(s) refused", m.sendErrors(), m.datagramsDropped());
        }
    }

    private void dispatch(EngineEvent event) {
        PeerKey peer = event.peer();
        if (event instanceof EngineEvent.SessionEstablished) {
            onEstablished(peer);
        } else if (event instanceof EngineEvent.MessageReceived e) {
            PeerSession s = sessions.get(peer);
            if (s != null) {
                s.deliver(e.message());
            }
        } else if (event instanceof EngineEvent.HandshakeRetrying e) {
            List<ConnectRequest> waiting = connecting.get(peer);
            if (waiting != null) {
                for (ConnectRequest r : waiting) {
                    r.attempts = e.attempt();
                }
                HandshakeListener l = options.handshakeListener();
                if (l != null) {
                    Duration elapsed = Duration.ofNanos(e.elapsedNanos());
                    callbacks.run("handshake listener", () -> l.onRetry(peer, e.attempt(), elapsed));
                }
            }
        } else if (event instanceof EngineEvent.HandshakeFailed e) {
            List<ConnectRequest> waiting = connecting.remove(peer);
            if (waiting != null) {
                for (ConnectRequest r : waiting) {
                    r.future.completeExceptionally(new HandshakeTimeoutException(peer, e.attempts(),
                            Duration.ofNanos(e.elapsedNanos())));
                }
            }
            if (e.droppedMessages() > 0) {
                LOG.warn("{} message(s) to {} dropped: no answer to {} handshake attempts", e.droppedMessages(),
                        peer.toHex(), e.attempts());
            }
        } else if (event instanceof EngineEvent.Stream e) {
            streams.onEvent(peer, e.event());
        } else if (event instanceof EngineEvent.PathChanged e) {
            paths.put(peer, e.path());
        } else if (event instanceof EngineEvent.PeerRefused) {
            refusals.refused(peer, now());
        } else if (event instanceof EngineEvent.SessionClosed e) {
            if (e.reason() != CloseReason.EXPIRED) {
                PeerSession s = sessions.remove(peer);
                if (s != null) {
                    s.current = false;
                    s.markClosed(closedBecause(e.reason()));
                }
            }
        }
    }

    private static String closedBecause(CloseReason reason) {
        return switch (reason) {
            case PEER_CLOSED -> "closed by the peer";
            case EVICTED -> "evicted: the peer table was full and this session was the least recently active";
            default -> "closed by this side";
        };
    }

    private void onEstablished(PeerKey peer) {
        PeerSession s = sessions.get(peer);
        if (s != null && s.closeRequested()) {
            // A rekey finished while our close() waits in the queue: the close will end it; no new session.
            return;
        }
        boolean fresh = s == null || !s.isOpen();
        if (fresh) {
            s = new PeerSession(this, peer, options.receiveQueueCapacity());
            PeerSession replaced = sessions.put(peer, s);
            if (replaced != null) {
                replaced.current = false;
            }
            s.current = true;
        }
        List<ConnectRequest> waiting = connecting.remove(peer);
        if (waiting != null) {
            for (ConnectRequest r : waiting) {
                r.future.complete(s);
            }
        } else if (fresh) {
            offerIncoming(s);
        }
    }

    private void offerIncoming(PeerSession s) {
        SessionListener l = options.sessionListener();
        if (l != null) {
            callbacks.run("session listener", () -> l.onSession(s));
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
                if (now - r.deadline >= 0) {
                    r.future.completeExceptionally(new HandshakeTimeoutException(peer, r.attempts,
                            Duration.ofNanos(now - r.started)));
                    return true;
                }
                return r.future.isDone();
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
        closed = true;
        engineLock.lock();
        try {
            // Carry out what callers asked for before close(): a message sent just before closing still goes.
            runCommands();
            for (PeerSession s : new ArrayList<>(sessions.values())) {
                guarded("closing a session", () -> engine.close(s.peer(), now()));
                s.markClosed("the channel closed");
            }
            sessions.values().forEach(s -> s.current = false);
            sessions.clear();
            guarded("sending the last packets", this::flush);
            if (transport.hasPendingSends()) {
                transport.flushPendingSends();
            }
            for (List<ConnectRequest> list : connecting.values()) {
                for (ConnectRequest r : list) {
                    r.future.completeExceptionally(new ChannelClosedException("the channel closed"));
                }
            }
            connecting.clear();
            streams.shutdown();
            // From here on nothing queued runs: later commands are aborted by whoever submits them.
            commands.terminate();
            incoming.offer(Boolean.FALSE);
            metrics = engine.metrics();
            transportMetrics = transport.metrics();
            // Callers that take the lock after this see the engine gone and throw ChannelClosedException.
            engineLive = false;
            engine.destroy();
            transport.close();
        } finally {
            engineLock.unlock();
        }
        callbacks.shutdown();
        LOG.debug("channel {} closed", identity.publicKey());
    }

    private static void guarded(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed while closing: {}", what, e.toString());
        }
    }
}
