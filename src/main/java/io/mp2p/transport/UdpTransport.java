package io.mp2p.transport;

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
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mp2p.address.GroupAddresses;

/**
 * UDP I/O for one node: a socket bound to the node's multicast group and port (joined on one chosen
 * interface), and a unicast socket on that interface from which everything is sent and where
 * cookie replies arrive (spec §7, "Multicast adaptation"). Both are non-blocking and share one
 * {@link Selector}; one thread drives them.
 *
 * <p>Nothing is lost without a count: a datagram that finds the send buffer full waits in a bounded
 * {@link SendQueue} until the socket is writable, and one that finds that queue full too is dropped
 * and counted ({@link #metrics()}). The two sockets are
 * read in turn, so a flood on the group cannot starve the unicast socket (cookie replies arrive there).
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
    /**
     * What to open. {@code ttl} is the multicast TTL / hop limit (0 keeps packets on this host, 1 on
     * the link); {@code loopback} whether our own multicast is looped back to this host's sockets.
     */
    public record Settings(NetworkInterface networkInterface, IpFamily family, InetAddress group, int port, int ttl,
                           boolean loopback, Duration membershipRefresh) {
        /** Largest multicast TTL / hop limit. */
        public static final int MAX_TTL = 255;

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
        }
    }

    private final Settings settings;
    private final Selector selector;
    private final DatagramChannel groupChannel;
    private final DatagramChannel unicastChannel;
    private final SelectionKey unicastKey;
    private final SendQueue sendQueue;
    /** Which socket {@link #receive} reads first next time: they take turns. */
    private boolean unicastFirst;
    private long datagramsReceived;
    private MembershipKey membership;
    private boolean interfaceWasDown;
    private long rejoins;

    private UdpTransport(Settings settings, Selector selector, DatagramChannel groupChannel,
                         DatagramChannel unicastChannel, SelectionKey unicastKey) {
        this.settings = settings;
        this.selector = selector;
        this.groupChannel = groupChannel;
        this.unicastChannel = unicastChannel;
        this.unicastKey = unicastKey;
        this.sendQueue = new SendQueue(unicastChannel::send, SendQueue.DEFAULT_CAPACITY);
    }

    /**
     * Opens both sockets and joins the group.
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
        DatagramChannel group = null;
        DatagramChannel unicast = null;
        try {
            selector = Selector.open();
            group = DatagramChannel.open(s.family().protocolFamily());
            group.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            configureMulticast(group, s);
            bindGroup(group, s);
            unicast = DatagramChannel.open(s.family().protocolFamily());
            configureMulticast(unicast, s);
            unicast.bind(new InetSocketAddress(local, 0));
            group.configureBlocking(false);
            unicast.configureBlocking(false);
            group.register(selector, SelectionKey.OP_READ);
            SelectionKey unicastKey = unicast.register(selector, SelectionKey.OP_READ);
            UdpTransport t = new UdpTransport(s, selector, group, unicast, unicastKey);
            t.join();
            return t;
        } catch (IOException e) {
            closeQuietly(group);
            closeQuietly(unicast);
            closeQuietly(selector);
            if (e instanceof TransportException te) {
                throw te;
            }
            throw new TransportException("cannot open UDP port " + s.port() + " for group "
                    + GroupAddresses.toText(s.group()) + " on " + s.networkInterface().getName() + ": " + e.getMessage(), e);
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
    private static void bindGroup(DatagramChannel ch, Settings s) throws IOException {
        try {
            ch.bind(new InetSocketAddress(s.group(), s.port()));
        } catch (SocketException e) {
            LOG.debug("binding to {} failed ({}); binding to the wildcard address", GroupAddresses.toText(s.group()),
                    e.getMessage());
            ch.bind(new InetSocketAddress(s.port()));
        }
    }

    private void join() throws IOException {
        membership = groupChannel.join(settings.group(), settings.networkInterface());
    }

    /** Our group and port: where peers send to us. */
    public InetSocketAddress groupAddress() {
        return new InetSocketAddress(settings.group(), settings.port());
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

    /** Makes a thread blocked in {@link #await} return. */
    public void wakeup() {
        selector.wakeup();
    }

    /**
     * Reads one datagram from either socket into {@code buf}; returns its source, or null if none is
     * waiting on either. The sockets take turns at being read first.
     */
    public InetSocketAddress receive(ByteBuffer buf) throws IOException {
        DatagramChannel first = unicastFirst ? unicastChannel : groupChannel;
        DatagramChannel second = unicastFirst ? groupChannel : unicastChannel;
        unicastFirst = !unicastFirst;
        SocketAddress from = first.receive(buf);
        if (from == null) {
            from = second.receive(buf);
        }
        if (from != null) {
            datagramsReceived++;
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
            unicastKey.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
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
            unicastKey.interestOps(SelectionKey.OP_READ);
        }
        return refused;
    }

    /** The counters now. Call on the thread that drives this transport. */
    public TransportMetrics metrics() {
        return new TransportMetrics(sendQueue.sent(), sendQueue.bytesSent(), sendQueue.deferred(), sendQueue.dropped(),
                sendQueue.errors(), datagramsReceived, sendQueue.pendingCount());
    }

    /**
     * Re-joins the group (a fresh IGMP/MLD report), and re-joins after the interface went down and
     * came back. Call every {@link Settings#membershipRefresh()}.
     */
    public void refreshMembership() {
        try {
            NetworkInterface now = NetworkInterface.getByName(settings.networkInterface().getName());
            boolean up = now != null && now.isUp();
            if (!up) {
                if (!interfaceWasDown) {
                    LOG.warn("interface {} is down; will re-join {} when it comes back",
                            settings.networkInterface().getName(), GroupAddresses.toText(settings.group()));
                }
                interfaceWasDown = true;
                return;
            }
            if (membership != null && membership.isValid()) {
                membership.drop();
            }
            membership = groupChannel.join(settings.group(), now);
            if (interfaceWasDown) {
                rejoins++;
                LOG.info("interface {} is back; re-joined {}", now.getName(), GroupAddresses.toText(settings.group()));
            }
            interfaceWasDown = false;
        } catch (IOException e) {
            interfaceWasDown = true;
            LOG.warn("could not re-join {} on {}: {}", GroupAddresses.toText(settings.group()),
                    settings.networkInterface().getName(), e.getMessage());
        }
    }

    @Override
    public void close() {
        closeQuietly(groupChannel);
        closeQuietly(unicastChannel);
        closeQuietly(selector);
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
