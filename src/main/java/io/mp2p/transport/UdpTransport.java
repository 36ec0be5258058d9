package io.mp2p.transport;

import io.mp2p.TransportMetrics;

import io.mp2p.IpFamily;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mp2p.address.GroupAddresses;

/**
 * UDP I/O for one node: one socket per multicast group the node listens on, each bound to its group
 * and the port (joined on one chosen interface), and a unicast socket on that interface from which
 * everything is sent and where cookie replies arrive (spec §7, "Multicast adaptation"). All are
 * non-blocking and share one {@link Selector}; one thread drives them ({@link #await}, {@link #receive},
 * {@link #listenOn}). {@link #send}, {@link #hasPendingSends}, {@link #flushPendingSends} and
 * {@link #metrics} may be called from any thread, one at a time (the channel calls them under its
 * engine lock): a caller's thread sends on the socket itself.
 *
 * <p>Several groups: a node whose groups rotate daily listens on three at once
 * ({@link #listenOn(List)}, spec/ADDRESSING.md §4). Each has a socket of its own, bound to the group
 * address, rather than one socket bound to the wildcard address joined to all three: binding to the
 * group is what keeps other groups on the same port out on every system (Linux delivers every
 * joined group to a wildcard socket unless IP_MULTICAST_ALL is off), and it costs one descriptor per
 * group. {@link #receive} reads the sockets in turn.
 *
 * <p>Nothing is lost without a count: a datagram that finds the send buffer full waits in a bounded
 * {@link SendQueue} until the socket is writable, and one that finds that queue full too is dropped
 * and counted ({@link #metrics()}). The sockets are read in turn, so a flood on a group cannot starve
 * the unicast socket (cookie replies arrive there).
 *
 * <p>Membership is re-joined every {@link Settings#membershipRefresh()} — switches with IGMP/MLD
 * snooping and no querier forget silent members — and again when the interface comes back up.
 *
 * <pre>{@code
 * NetworkInterface lo = InterfaceSelector.select("lo", IpFamily.IPV4);
 * try (UdpTransport udp = UdpTransport.open(new UdpTransport.Settings(lo, IpFamily.IPV4, group, 41414, 0, true,
 *         Duration.ofSeconds(60)))) {
 *     udp.send(ByteBuffer.wrap(packet), peerGroup);
 * }
 * }</pre>
 */
public final class UdpTransport implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    /**
     * Socket receive buffer asked for: bursts of thousands of 1,232-byte datagrams must wait while the
     * I/O thread decrypts, and Linux's default (208 KiB) overflows first. The kernel caps the request
     * at net.core.rmem_max (4 MiB on the reference machine).
     */
    public static final int RECEIVE_BUFFER_BYTES = 4 << 20;
    /** Socket send buffer asked for. */
    public static final int SEND_BUFFER_BYTES = 1 << 20;
    /** Datagrams read in a row from one socket before the others are read first (fairness between them). */
    static final int STICKY_READS = 64;
    /**
     * What to open. {@code ttl} is the multicast TTL / hop limit (0 keeps packets on this host, 1 on
     * the link); {@code loopback} whether our own multicast is looped back to this host's sockets.
     */
    public record Settings(NetworkInterface networkInterface, IpFamily family, InetAddress group, int port, int ttl,
                           boolean loopback, Duration membershipRefresh, int unicastPort) {
        /** Largest multicast TTL / hop limit. */
        public static final int MAX_TTL = 255;

        /** Settings whose unicast socket takes any free port. */
        public Settings(NetworkInterface networkInterface, IpFamily family, InetAddress group, int port, int ttl,
                        boolean loopback, Duration membershipRefresh) {
            this(networkInterface, family, group, port, ttl, loopback, membershipRefresh, 0);
        }

        public Settings {
            Objects.requireNonNull(networkInterface, "networkInterface");
            Objects.requireNonNull(family, "family");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(membershipRefresh, "membershipRefresh");
            if (!group.isMulticastAddress() || !family.matches(group)) {
                throw new IllegalArgumentException(GroupAddresses.toText(group) + " is not an " + family + " multicast group");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port must be 1..65535, got " + port);
            }
            if (ttl < 0 || ttl > MAX_TTL) {
                throw new IllegalArgumentException("ttl must be 0.." + MAX_TTL + ", got " + ttl);
            }
            if (unicastPort < 0 || unicastPort > 65_535) {
                throw new IllegalArgumentException("unicastPort must be 0..65535 (0: any), got " + unicastPort);
            }
        }
    }

    private final Settings settings;
    private final Selector selector;
    /**
     * A second selector on the same sockets, for an application thread that waits for datagrams and
     * reads them itself ({@link #awaitReadable}); the driving thread then leaves reading to it
     * ({@link #readInterest(boolean)}), so one datagram wakes one thread, as with a plain socket.
     */
    private final Selector readerSelector;
    /** Whether the driving thread's selector watches the sockets for datagrams. */
    private boolean readInterest = true;
    /** The groups listened on, in {@link #listenOn} order: the first is where peers send to us. */
    private final Map<InetAddress, GroupSocket> groups = new LinkedHashMap<>();
    private final DatagramChannel unicastChannel;
    private final SelectionKey unicastKey;
    private final SendQueue sendQueue;
    /** The sockets {@link #receive} reads, the unicast one first; rebuilt when the groups change. */
    private volatile List<DatagramChannel> readOrder;
    /** Which socket {@link #receive} reads first next time: they take turns. */
    private int nextFirst;
    /** Datagrams read in a row from the socket read first. */
    private int stickyReads;
    /** Written by the driving thread only; read by {@link #metrics()} on others. */
    private volatile long datagramsReceived;
    private volatile InetAddress primaryGroup;
    private boolean interfaceWasDown;
    private long rejoins;

    /** One group's socket, bound to the group address and port, and its membership. */
    private static final class GroupSocket {
        final InetAddress group;
        final DatagramChannel channel;
        final SelectionKey key;
        MembershipKey membership;

        GroupSocket(InetAddress group, DatagramChannel channel, SelectionKey key) {
            this.group = group;
            this.channel = channel;
            this.key = key;
        }
    }

    private UdpTransport(Settings settings, Selector selector, Selector readerSelector, DatagramChannel unicastChannel,
                         SelectionKey unicastKey) {
        this.settings = settings;
        this.selector = selector;
        this.readerSelector = readerSelector;
        this.unicastChannel = unicastChannel;
        this.unicastKey = unicastKey;
        this.sendQueue = new SendQueue(unicastChannel::send, SendQueue.DEFAULT_CAPACITY);
        this.primaryGroup = settings.group();
        this.readOrder = List.of(unicastChannel);
    }

    /**
     * Opens the unicast socket and the socket of {@link Settings#group()}, and joins that group.
     *
     * @throws TransportException saying which step failed and why (port in use, no address, ...)
     */
    public static UdpTransport open(Settings s) throws TransportException {
        InetAddress local = InterfaceSelector.address(s.networkInterface(), s.family());
        if (local == null) {
            throw new TransportException("interface " + s.networkInterface().getName() + " has no " + s.family()
                    + " address");
        }
        Selector selector = null;
        Selector readerSelector = null;
        DatagramChannel unicast = null;
        UdpTransport t = null;
        try {
            selector = Selector.open();
            readerSelector = Selector.open();
            unicast = DatagramChannel.open(s.family().protocolFamily());
            configureMulticast(unicast, s);
            // A fixed port is what a node record's unicast endpoint and a port mapping name (spec §6.10).
            unicast.bind(new InetSocketAddress(local, s.unicastPort()));
            unicast.configureBlocking(false);
            SelectionKey unicastKey = unicast.register(selector, SelectionKey.OP_READ);
            unicast.register(readerSelector, SelectionKey.OP_READ);
            t = new UdpTransport(s, selector, readerSelector, unicast, unicastKey);
            t.listenOn(List.of(s.group()));
            return t;
        } catch (IOException e) {
            if (t != null) {
                t.close();
            } else {
                closeQuietly(unicast);
                closeQuietly(selector);
                closeQuietly(readerSelector);
            }
            if (e instanceof TransportException te) {
                throw te;
            }
            throw new TransportException("cannot open UDP port " + s.port() + " for group "
                    + GroupAddresses.toText(s.group()) + " on " + s.networkInterface().getName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Listens on exactly {@code groups} from now on: opens a socket for and joins each new one, leaves
     * and closes the ones no longer listed. The first group is where peers send to us
     * ({@link #groupAddress()}). Call on the thread that drives this transport.
     *
     * @param groups distinct multicast groups of this transport's family, at least one
     * @throws TransportException naming the groups that could not be joined; the others are listened on
     */
    public void listenOn(List<InetAddress> groups) throws TransportException {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("at least one group is needed");
        }
        for (InetAddress g : groups) {
            if (!g.isMulticastAddress() || !settings.family().matches(g)) {
                throw new IllegalArgumentException(GroupAddresses.toText(g) + " is not an " + settings.family()
                        + " multicast group");
            }
        }
        for (var it = this.groups.values().iterator(); it.hasNext(); ) {
            GroupSocket gs = it.next();
            if (!groups.contains(gs.group)) {
                closeQuietly(gs.channel);
                it.remove();
                LOG.debug("left {}", GroupAddresses.toText(gs.group));
            }
        }
        Map<InetAddress, GroupSocket> ordered = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        IOException firstFailure = null;
        for (InetAddress g : groups) {
            GroupSocket gs = this.groups.get(g);
            if (gs == null) {
                try {
                    gs = openGroupSocket(g);
                    LOG.debug("joined {}", GroupAddresses.toText(g));
                } catch (IOException e) {
                    failed.add(GroupAddresses.toText(g) + " (" + e.getMessage() + ")");
                    firstFailure = firstFailure == null ? e : firstFailure;
                    continue;
                }
            }
            ordered.put(g, gs);
        }
        this.groups.clear();
        this.groups.putAll(ordered);
        List<DatagramChannel> order = new ArrayList<>();
        order.add(unicastChannel);
        this.groups.values().forEach(gs -> order.add(gs.channel));
        readOrder = List.copyOf(order);
        if (this.groups.containsKey(groups.get(0))) {
            primaryGroup = groups.get(0);
        }
        if (!failed.isEmpty()) {
            throw new TransportException("cannot listen on UDP port " + settings.port() + " for group(s) "
                    + String.join(", ", failed) + " on " + settings.networkInterface().getName(), firstFailure);
        }
    }

    /** The groups listened on now, the one peers send to first. */
    public List<InetAddress> groups() {
        return List.copyOf(groups.keySet());
    }

    private GroupSocket openGroupSocket(InetAddress group) throws IOException {
        DatagramChannel ch = DatagramChannel.open(settings.family().protocolFamily());
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            configureMulticast(ch, settings);
            bindGroup(ch, group, settings.port());
            ch.configureBlocking(false);
            SelectionKey key = ch.register(selector, readInterest ? SelectionKey.OP_READ : 0);
            ch.register(readerSelector, SelectionKey.OP_READ);
            GroupSocket gs = new GroupSocket(group, ch, key);
            gs.membership = ch.join(group, settings.networkInterface());
            return gs;
        } catch (IOException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void configureMulticast(DatagramChannel ch, Settings s) throws IOException {
        ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
        ch.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER_BYTES);
        ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, s.networkInterface());
        ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, s.ttl());
        ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, s.loopback());
    }

    /** Binding to the group address keeps other groups on the same port out (Linux IP_MULTICAST_ALL). */
    private static void bindGroup(DatagramChannel ch, InetAddress group, int port) throws IOException {
        try {
            ch.bind(new InetSocketAddress(group, port));
        } catch (SocketException e) {
            LOG.debug("binding to {} failed ({}); binding to the wildcard address", GroupAddresses.toText(group),
                    e.getMessage());
            ch.bind(new InetSocketAddress(port));
        }
    }

    /** Our current group and port: where peers send to us (the first group of {@link #listenOn}). Any thread. */
    public InetSocketAddress groupAddress() {
        return new InetSocketAddress(primaryGroup, settings.port());
    }

    /** The unicast address our packets come from. */
    public InetSocketAddress unicastAddress() throws TransportException {
        try {
            return (InetSocketAddress) unicastChannel.getLocalAddress();
        } catch (IOException e) {
            throw new TransportException("cannot read the local address: " + e.getMessage(), e);
        }
    }

    public Settings settings() {
        return settings;
    }

    /** How often membership was re-joined after the interface came back. */
    public long rejoins() {
        return rejoins;
    }

    /**
     * Waits until a datagram is readable, the send buffer has room for a waiting datagram,
     * {@link #wakeup()} is called, or {@code timeoutMillis} pass (0: forever; negative: do not wait).
     */
    public void await(long timeoutMillis) throws IOException {
        selector.selectedKeys().clear();
        if (timeoutMillis < 0) {
            selector.selectNow();
        } else {
            selector.select(timeoutMillis);
        }
    }

    /** As {@link #await} without waiting: whether a socket is ready (or a wake-up is pending). */
    public boolean awaitNow() throws IOException {
        selector.selectedKeys().clear();
        return selector.selectNow() > 0;
    }

    /** Makes a thread blocked in {@link #await} return. */
    public void wakeup() {
        selector.wakeup();
    }

    /**
     * For a thread other than the driving one: waits until a datagram may be readable,
     * {@link #wakeupReader()} is called, the transport closes, or {@code timeoutMillis} (at least 1) pass.
     * One such thread at a time.
     *
     * @return false once the transport is closed
     */
    public boolean awaitReadable(long timeoutMillis) throws IOException {
        try {
            readerSelector.selectedKeys().clear();
            readerSelector.select(Math.max(1, timeoutMillis));
            return readerSelector.isOpen();
        } catch (java.nio.channels.ClosedSelectorException e) {
            return false;
        }
    }

    /** Makes a thread blocked in {@link #awaitReadable} return. */
    public void wakeupReader() {
        readerSelector.wakeup();
    }

    /**
     * Whether {@link #await} wakes for datagrams: off while another thread waits in
     * {@link #awaitReadable} and reads them. Serialised with the send methods.
     */
    public void readInterest(boolean on) {
        if (on == readInterest) {
            return;
        }
        readInterest = on;
        for (GroupSocket gs : groups.values()) {
            if (gs.key.isValid()) {
                gs.key.interestOps(on ? SelectionKey.OP_READ : 0);
            }
        }
        if (unicastKey.isValid()) {
            unicastKey.interestOps(readBits() | (sendQueue.hasPending() ? SelectionKey.OP_WRITE : 0));
        }
    }

    private int readBits() {
        return readInterest ? SelectionKey.OP_READ : 0;
    }

    /**
     * Reads one datagram from any socket into {@code buf}; returns its source, or null if none is
     * waiting on any. The sockets take turns at being read first. Serialised with the send methods
     * (the driving thread or a reader may call it).
     */
    public InetSocketAddress receive(ByteBuffer buf) throws IOException {
        List<DatagramChannel> order = readOrder;
        int n = order.size();
        int first = nextFirst % n;
        SocketAddress from = null;
        int i = 0;
        for (; i < n && from == null; i++) {
            from = order.get((first + i) % n).receive(buf);
        }
        if (from == null) {
            nextFirst = (first + 1) % n;
            return null;
        }
        // The socket that had one is read first again (a burst costs one system call per datagram,
        // not one per socket), but for at most STICKY_READS in a row: the others still get turns.
        int hit = (first + i - 1) % n;
        if (hit == first && ++stickyReads < STICKY_READS) {
            nextFirst = hit;
        } else {
            stickyReads = hit == first ? 0 : 1;
            nextFirst = hit == first ? (hit + 1) % n : hit;
        }
        datagramsReceived = datagramsReceived + 1;
        return (InetSocketAddress) from;
    }

    /**
     * As {@link #receive}, trying only the socket that would be read first (the one a burst came from
     * last): one system call where {@link #receive} may make one per socket. For a thread about to
     * wait anyway, which then waits on all sockets at once ({@link #awaitReadable}).
     */
    public InetSocketAddress receiveFromLast(ByteBuffer buf) throws IOException {
        List<DatagramChannel> order = readOrder;
        SocketAddress from = order.get(nextFirst % order.size()).receive(buf);
        if (from != null) {
            datagramsReceived = datagramsReceived + 1;
        }
        return (InetSocketAddress) from;
    }

    /**
     * Sends one datagram from the unicast socket (to a group or a unicast address). When the send
     * buffer is full, a copy waits (bounded, in order) until {@link #await} sees the socket writable
     * and {@link #flushPendingSends()} runs; past the bound it is dropped and counted.
     *
     * @throws IOException when the kernel refuses it (no route, unreachable; counted as a send error)
     */
    public SendQueue.Result send(ByteBuffer datagram, InetSocketAddress destination) throws IOException {
        SendQueue.Result r = sendQueue.send(datagram, destination);
        if (r == SendQueue.Result.DEFERRED) {
            int ops = readBits() | SelectionKey.OP_WRITE;
            if (unicastKey.interestOps() != ops) {
                unicastKey.interestOps(ops);
                // A select already in progress does not see the new interest: the driving thread
                // must look again (this send may come from another thread).
                selector.wakeup();
            }
        }
        return r;
    }

    /** Whether datagrams wait for room in the send buffer. */
    public boolean hasPendingSends() {
        return sendQueue.hasPending();
    }

    /**
     * Sends waiting datagrams while the send buffer takes them; one the kernel refuses is dropped and
     * counted as a send error.
     *
     * @return how many the kernel refused
     */
    public int flushPendingSends() {
        int refused = sendQueue.flush();
        if (!sendQueue.hasPending() && unicastKey.isValid()) {
            unicastKey.interestOps(readBits());
        }
        return refused;
    }

    /** The counters now. Callers of the send methods serialise this with them. */
    public TransportMetrics metrics() {
        return new TransportMetrics(sendQueue.sent(), sendQueue.bytesSent(), sendQueue.deferred(), sendQueue.dropped(),
                sendQueue.errors(), datagramsReceived, sendQueue.pendingCount());
    }

    /**
     * Re-joins every group (a fresh IGMP/MLD report), and re-joins after the interface went down and
     * came back. Call every {@link Settings#membershipRefresh()}.
     */
    public void refreshMembership() {
        String names = String.join(", ", groups.keySet().stream().map(GroupAddresses::toText).toList());
        try {
            NetworkInterface now = NetworkInterface.getByName(settings.networkInterface().getName());
            boolean up = now != null && now.isUp();
            if (!up) {
                if (!interfaceWasDown) {
                    LOG.warn("interface {} is down; will re-join {} when it comes back",
                            settings.networkInterface().getName(), names);
                }
                interfaceWasDown = true;
                return;
            }
            for (GroupSocket gs : groups.values()) {
                if (gs.membership != null && gs.membership.isValid()) {
                    gs.membership.drop();
                }
                gs.membership = gs.channel.join(gs.group, now);
            }
            if (interfaceWasDown) {
                rejoins++;
                LOG.info("interface {} is back; re-joined {}", now.getName(), names);
            }
            interfaceWasDown = false;
        } catch (IOException e) {
            interfaceWasDown = true;
            LOG.warn("could not re-join {} on {}: {}", names, settings.networkInterface().getName(), e.getMessage());
        }
    }

    @Override
    public void close() {
        groups.values().forEach(gs -> closeQuietly(gs.channel));
        groups.clear();
        closeQuietly(unicastChannel);
        closeQuietly(selector);
        closeQuietly(readerSelector);
    }

    private static void closeQuietly(Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", c, e.getMessage());
        }
    }
}
