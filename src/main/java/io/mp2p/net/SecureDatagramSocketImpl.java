package io.mp2p.net;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocketImpl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mp2p.ChannelClosedException;
import io.mp2p.ChannelOptions;
import io.mp2p.HandshakeTimeoutException;
import io.mp2p.MessageTooLargeException;
import io.mp2p.Mp2pException;
import io.mp2p.PeerRefusedException;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.address.GroupSchedule;
import io.mp2p.engine.Constants;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/**
 * The {@link DatagramSocketImpl} under {@link SecureDatagramSocket}: every datagram is a message of a
 * {@link PeerSession} on a {@link SecureMulticastChannel} that the socket opens when it binds. {@code java.net}'s
 * own socket class calls it for every operation (JDK 17 to 25 route {@code DatagramSocket(DatagramSocketImpl)}
 * through an internal {@code NetMulticastSocket}), so this class only has to keep the impl contract.
 *
 * <p>Threads: each session has one pump thread moving its messages into the socket's receive queue (the channel
 * API has no receive-from-any-session call); handshakes started by {@code send} complete on the channel's callback
 * executor.
 */
final class SecureDatagramSocketImpl extends DatagramSocketImpl {
    private static final Logger LOG = LoggerFactory.getLogger(SecureDatagramSocketImpl.class);
    /** Bytes of messages the receive queue holds by default (SO_RCVBUF), as the channel's own socket asks. */
    static final int DEFAULT_RECEIVE_BUFFER = 4 << 20;
    /** Reported as SO_SNDBUF: sends go straight to the channel, which bounds them itself. */
    static final int DEFAULT_SEND_BUFFER = 1 << 20;
    /** Datagrams held for one peer while its handshake runs; past this, send fails as a full socket buffer does. */
    static final int MAX_AWAITING_HANDSHAKE = 256;
    /** What one queued datagram costs beyond its bytes, so that floods of empty datagrams are bounded too. */
    private static final int QUEUE_ENTRY_OVERHEAD = 64;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final int HEX_PREFIX = 8;
    private static final int MAX_TTL = 255;

    /** A received message, or the marker that wakes blocked receivers. */
    private record Inbound(PeerKey peer, byte[] data) {
    }

    private static final Inbound WAKE = new Inbound(null, new byte[0]);

    private final Mp2pIdentity identity;
    private final ChannelOptions options;
    private final LinkedBlockingDeque<Inbound> incoming = new LinkedBlockingDeque<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Map<PeerKey, PeerSession> sessions = new ConcurrentHashMap<>();
    private final Set<PeerSession> pumped = ConcurrentHashMap.newKeySet();
    /** Where each peer is reached (its group and port), as last named by send or connect. */
    private final Map<PeerKey, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    /** Guarded by itself: datagrams waiting for each peer's handshake. */
    private final Map<PeerKey, List<byte[]>> awaiting = new HashMap<>();
    private final PacketCapacities capacities = new PacketCapacities();
    private volatile SecureMulticastChannel channel;
    private volatile boolean closed;
    private volatile int soTimeout;
    private volatile int receiveBuffer = DEFAULT_RECEIVE_BUFFER;
    private volatile int sendBuffer = DEFAULT_SEND_BUFFER;
    private volatile int trafficClass;
    private volatile boolean reuseAddress;
    private volatile int ttl;
    private volatile PeerKey connectedPeer;
    private volatile PortUnreachableException pendingError;

    SecureDatagramSocketImpl(Mp2pIdentity identity, ChannelOptions options) {
        this.identity = identity;
        this.options = options;
        this.ttl = options.ttl();
    }

    PeerKey localKey() {
        return identity.publicKey();
    }

    long droppedDatagrams() {
        return dropped.get();
    }

    @Override
    protected void create() {
        // Nothing to allocate until bind: the channel is the socket.
    }

    @Override
    protected synchronized void bind(int lport, InetAddress laddr) throws SocketException {
        checkOpen();
        if (channel != null) {
            throw new SocketException("already bound");
        }
        if (laddr != null && !laddr.isAnyLocalAddress() && !isOwnAddress(laddr)) {
            throw new SocketException("cannot bind to " + laddr + ": an mp2p socket listens on its own group; bind"
                    + " to the wildcard address, or to its own address (getLocalAddress after binding)");
        }
        int port = lport == 0 ? options.port() : lport;
        try {
            channel = SecureMulticastChannel.open(identity, options.toBuilder().port(port).ttl(ttl)
                    .sessionListener(this::onIncomingSession).build());
        } catch (IOException e) {
            SocketException se = new SocketException("cannot open the mp2p channel on port " + port + ": "
                    + e.getMessage());
            se.initCause(e);
            throw se;
        }
        localPort = port;
    }

    private boolean isOwnAddress(InetAddress address) {
        return PeerAddresses.peerKey(address).map(identity.publicKey()::equals).orElse(false);
    }

    // ------------------------------------------------------------------ sending

    @Override
    protected void send(DatagramPacket p) throws IOException {
        checkOpen();
        int length = p.getLength();
        if (length > Constants.MAX_MESSAGE_LENGTH) {
            throw new MessageTooLargeException(length, Constants.MAX_MESSAGE_LENGTH);
        }
        PeerKey peer = peerOf(p.getAddress());
        throwPendingError();
        if (!options.trustPolicy().isTrusted(peer)) {
            throw new PeerRefusedException(peer);
        }
        byte[] data = Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + length);
        addresses.put(peer, new InetSocketAddress(p.getAddress(), p.getPort()));
        PeerSession s = sessions.get(peer);
        if (s != null && trySend(s, data)) {
            return;
        }
        synchronized (awaiting) {
            // A handshake may have completed meanwhile: its session is registered under this lock.
            s = sessions.get(peer);
            if (s != null && trySend(s, data)) {
                return;
            }
            List<byte[]> queue = awaiting.get(peer);
            if (queue == null) {
                queue = new ArrayList<>();
                awaiting.put(peer, queue);
                startHandshake(peer);
            }
            if (queue.size() >= MAX_AWAITING_HANDSHAKE) {
                throw new SocketException("No buffer space available: " + queue.size() + " datagrams to "
                        + peer.toHex() + " already wait for its handshake");
            }
            queue.add(data);
        }
    }

    /** Sends on {@code s}; false (and the session forgotten) when it has closed, so a new handshake starts. */
    private boolean trySend(PeerSession s, byte[] data) throws IOException {
        if (!s.isOpen()) {
            sessions.remove(s.peer(), s);
            return false;
        }
        try {
            s.send(data);
            return true;
        } catch (ChannelClosedException e) {
            checkOpen();
            sessions.remove(s.peer(), s);
            return false;
        }
    }

    private PeerKey peerOf(InetAddress address) throws NoRouteToHostException {
        return PeerAddresses.peerKey(address).orElseThrow(() -> new NoRouteToHostException(address
                + " is not an mp2p peer address: name the peer as <base32>.mp2p with its group,"
                + " e.g. PeerAddresses.socketAddress(key, family, port)"));
    }

    private void startHandshake(PeerKey peer) {
        InetSocketAddress where = addresses.get(peer);
        InetSocketAddress group = where == null ? null : plain(where);
        SecureMulticastChannel ch = channel;
        PeerAddresses.connect(ch, options, peer, group).whenComplete((s, e) -> {
            if (e == null) {
                onConnected(peer, s);
            } else {
                onConnectFailed(peer, e instanceof Mp2pException m ? m
                        : new Mp2pException("connect to " + peer.toHex() + " failed: " + e, e));
            }
        });
    }

    /** The group and port without the peer's host name: what the channel sends to. */
    private static InetSocketAddress plain(InetSocketAddress a) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(a.getAddress().getAddress()), a.getPort());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("the JDK refused its own address bytes", e);
        }
    }

    private void onConnected(PeerKey peer, PeerSession s) {
        List<byte[]> queue;
        synchronized (awaiting) {
            queue = awaiting.remove(peer);
            if (queue != null) {
                for (byte[] m : queue) {
                    try {
                        s.send(m);
                    } catch (Mp2pException e) {
                        dropped.addAndGet(queue.size());
                        LOG.debug("datagrams to {} dropped: {}", peer, e.getMessage());
                        break;
                    }
                }
            }
            sessions.put(peer, s);
        }
        startPump(s);
    }

    private void onConnectFailed(PeerKey peer, Mp2pException e) {
        List<byte[]> queue;
        synchronized (awaiting) {
            queue = awaiting.remove(peer);
        }
        int lost = queue == null ? 0 : queue.size();
        dropped.addAndGet(lost);
        if (closed) {
            return;
        }
        LOG.warn("{} datagram(s) to {} dropped: {}", lost, peer, e.getMessage());
        if (peer.equals(connectedPeer)) {
            String why = e instanceof HandshakeTimeoutException
                    ? "it is not listening there, or it does not allow our key" : e.getMessage();
            fail(peer, "no answer from the connected peer " + peer.toHex() + ": " + why);
        }
    }

    /** Reports an error on the connected peer at the next call, as ICMP "port unreachable" is on a UDP socket. */
    private void fail(PeerKey peer, String message) {
        if (peer.equals(connectedPeer)) {
            pendingError = new PortUnreachableException(message);
            incoming.offerLast(WAKE);
        }
    }

    private void throwPendingError() throws PortUnreachableException {
        PortUnreachableException e = pendingError;
        if (e != null && connectedPeer != null) {
            pendingError = null;
            throw e;
        }
    }

    // ------------------------------------------------------------------ receiving

    private void onIncomingSession(PeerSession s) {
        sessions.put(s.peer(), s);
        startPump(s);
    }

    private void startPump(PeerSession s) {
        if (!pumped.add(s)) {
            return;
        }
        Thread t = new Thread(() -> pump(s), "mp2p-dgram-" + s.peer().toHex().substring(0, HEX_PREFIX));
        t.setDaemon(true);
        t.start();
    }

    /** Moves one session's messages into the socket's queue until the session ends. */
    private void pump(PeerSession s) {
        try {
            while (true) {
                enqueue(s.peer(), s.receive());
            }
        } catch (ChannelClosedException e) {
            sessions.remove(s.peer(), s);
            if (!closed) {
                fail(s.peer(), "the connected peer " + s.peer().toHex() + " closed its session");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pumped.remove(s);
        }
    }

    private void enqueue(PeerKey peer, byte[] data) {
        long cost = data.length + QUEUE_ENTRY_OVERHEAD;
        if (queuedBytes.addAndGet(cost) > receiveBuffer) {
            // A full socket buffer drops new datagrams, as the kernel's does.
            queuedBytes.addAndGet(-cost);
            dropped.incrementAndGet();
            return;
        }
        incoming.offerLast(new Inbound(peer, data));
    }

    @Override
    protected void receive(DatagramPacket p) throws IOException {
        Inbound m = next(true);
        fill(p, m);
    }

    @Override
    protected int peekData(DatagramPacket p) throws IOException {
        Inbound m = next(false);
        fill(p, m);
        return p.getPort();
    }

    @Override
    protected int peek(InetAddress i) throws IOException {
        throw new SocketException("peek(InetAddress) cannot report an address; DatagramSocket uses peekData");
    }

    /**
     * The next message for this socket (from the connected peer only, when connected), waiting up to SO_TIMEOUT.
     * An error on the connected peer is reported when no message is ready, as a UDP socket reports it.
     */
    private Inbound next(boolean remove) throws IOException {
        int timeout = soTimeout;
        long deadline = System.nanoTime() + timeout * NANOS_PER_MILLI;
        try {
            while (true) {
                checkOpen();
                Inbound m = incoming.pollFirst();
                if (m == null) {
                    throwPendingError();
                    if (timeout == 0) {
                        m = incoming.takeFirst();
                    } else {
                        long left = deadline - System.nanoTime();
                        m = left > 0 ? incoming.pollFirst(left, TimeUnit.NANOSECONDS) : null;
                        if (m == null) {
                            throw new SocketTimeoutException("Receive timed out");
                        }
                    }
                }
                if (m == WAKE) {
                    if (closed) {
                        // Every blocked receiver must wake to see the socket closed.
                        incoming.offerFirst(WAKE);
                    }
                    continue;
                }
                PeerKey only = connectedPeer;
                if (only != null && !only.equals(m.peer())) {
                    release(m);
                    continue;
                }
                if (remove) {
                    release(m);
                } else {
                    incoming.offerFirst(m);
                }
                return m;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while receiving");
        }
    }

    private void release(Inbound m) {
        queuedBytes.addAndGet(-(m.data().length + QUEUE_ENTRY_OVERHEAD));
    }

    private void fill(DatagramPacket p, Inbound m) {
        int capacity = capacities.capacity(p);
        int n = Math.min(capacity, m.data().length);
        System.arraycopy(m.data(), 0, p.getData(), p.getOffset(), n);
        InetSocketAddress from = addressOf(m.peer());
        p.setAddress(from.getAddress());
        p.setPort(from.getPort());
        p.setLength(n);
        capacities.received(p, capacity);
    }

    /** The peer's name and where it is reached: as last used, else its derived group and the peers' port. */
    private InetSocketAddress addressOf(PeerKey peer) {
        return addresses.computeIfAbsent(peer,
                k -> PeerAddresses.socketAddress(k, options.ipVersion(), options.peerPort()));
    }

    // ------------------------------------------------------------------ connect, options, close

    @Override
    protected void connect(InetAddress address, int port) throws SocketException {
        checkOpen();
        PeerKey peer = peerOf(address);
        addresses.put(peer, new InetSocketAddress(address, port));
        connectedPeer = peer;
        pendingError = null;
        synchronized (awaiting) {
            // Start the handshake now, so that the first send does not wait for it.
            if (channel != null && !sessions.containsKey(peer) && !awaiting.containsKey(peer)) {
                awaiting.put(peer, new ArrayList<>());
                startHandshake(peer);
            }
        }
    }

    @Override
    protected void disconnect() {
        connectedPeer = null;
        pendingError = null;
    }

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        checkOpen();
        switch (optID) {
            case SocketOptions.SO_TIMEOUT -> soTimeout = nonNegative(value, "SO_TIMEOUT");
            case SocketOptions.SO_RCVBUF -> receiveBuffer = positive(value, "SO_RCVBUF");
            case SocketOptions.SO_SNDBUF -> sendBuffer = positive(value, "SO_SNDBUF");
            case SocketOptions.IP_TOS -> trafficClass = nonNegative(value, "IP_TOS");
            case SocketOptions.SO_REUSEADDR -> reuseAddress = (Boolean) value;
            default -> throw unsupported(optID);
        }
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        return switch (optID) {
            case SocketOptions.SO_TIMEOUT -> soTimeout;
            case SocketOptions.SO_RCVBUF -> receiveBuffer;
            case SocketOptions.SO_SNDBUF -> sendBuffer;
            case SocketOptions.IP_TOS -> trafficClass;
            case SocketOptions.SO_REUSEADDR -> reuseAddress;
            case SocketOptions.SO_BROADCAST -> Boolean.FALSE;
            case SocketOptions.SO_BINDADDR -> localAddress();
            default -> throw unsupported(optID);
        };
    }

    /** Our own peer address (name and group) once bound; the wildcard address before. */
    private InetAddress localAddress() throws SocketException {
        SecureMulticastChannel ch = channel;
        if (ch == null) {
            return new InetSocketAddress(0).getAddress();
        }
        return PeerAddresses.address(identity.publicKey(), ch.localGroup().getAddress());
    }

    private static SocketException unsupported(int optID) {
        return new SocketException("socket option " + optID + " is not supported by mp2p sockets");
    }

    private static int nonNegative(Object value, String name) {
        int v = (Integer) value;
        if (v < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + v);
        }
        return v;
    }

    private static int positive(Object value, String name) {
        int v = (Integer) value;
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
        return v;
    }

    @Override
    protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
        if (name == StandardSocketOptions.IP_MULTICAST_TTL) {
            setTimeToLive((Integer) value);
            return;
        }
        setOption(standardId(name), value);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> T getOption(SocketOption<T> name) throws IOException {
        if (name == StandardSocketOptions.IP_MULTICAST_TTL) {
            return (T) Integer.valueOf(ttl);
        }
        return (T) getOption(standardId(name));
    }

    @Override
    protected Set<SocketOption<?>> supportedOptions() {
        return Set.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF,
                StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.IP_TOS,
                StandardSocketOptions.IP_MULTICAST_TTL);
    }

    private static int standardId(SocketOption<?> name) {
        if (name == StandardSocketOptions.SO_RCVBUF) {
            return SocketOptions.SO_RCVBUF;
        }
        if (name == StandardSocketOptions.SO_SNDBUF) {
            return SocketOptions.SO_SNDBUF;
        }
        if (name == StandardSocketOptions.SO_REUSEADDR) {
            return SocketOptions.SO_REUSEADDR;
        }
        if (name == StandardSocketOptions.IP_TOS) {
            return SocketOptions.IP_TOS;
        }
        throw new UnsupportedOperationException("'" + name + "' is not supported by mp2p sockets");
    }

    @Override
    protected void setTimeToLive(int newTtl) throws IOException {
        checkOpen();
        if (newTtl < 0 || newTtl > MAX_TTL) {
            throw new IllegalArgumentException("ttl must be 0.." + MAX_TTL + ", got " + newTtl);
        }
        if (channel != null && newTtl != ttl) {
            throw new SocketException("the TTL is fixed once the socket is bound (it is " + ttl + ")");
        }
        ttl = newTtl;
    }

    @Override
    protected int getTimeToLive() {
        return ttl;
    }

    @Override
    @Deprecated
    protected void setTTL(byte newTtl) throws IOException {
        setTimeToLive(Byte.toUnsignedInt(newTtl));
    }

    @Override
    @Deprecated
    protected byte getTTL() {
        return (byte) ttl;
    }

    @Override
    protected void join(InetAddress group) throws SocketException {
        throw noGroups();
    }

    @Override
    protected void leave(InetAddress group) throws SocketException {
        throw noGroups();
    }

    @Override
    protected void joinGroup(SocketAddress group, NetworkInterface netIf) throws SocketException {
        throw noGroups();
    }

    @Override
    protected void leaveGroup(SocketAddress group, NetworkInterface netIf) throws SocketException {
        throw noGroups();
    }

    private static SocketException noGroups() {
        return new SocketException("an mp2p socket stays in its own group; it cannot join or leave others");
    }

    private void checkOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }

    @Override
    protected void close() {
        if (closed) {
            return;
        }
        closed = true;
        SecureMulticastChannel ch = channel;
        if (ch != null) {
            ch.close();
        }
        incoming.offerFirst(WAKE);
    }
}
