package io.mp2p.cli.bench;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;

/**
 * Where every contender's packets go: the loopback interface only. Multicast is joined on {@code lo}
 * and sent with TTL 0, unicast goes to 127.0.0.1, so no packet of the benchmark leaves the host.
 */
final class Loopback {
    static final String INTERFACE = "lo";
    /** Multicast TTL 0: the datagram may not leave this host. */
    static final int TTL = 0;
    /** The receive buffer every contender's receiving socket asks for (mp2p's transport asks the same). */
    static final int RECEIVE_BUFFER = 4 << 20;
    /** Organisation-local scope (RFC 2365), outside mp2p's own group range; the last byte varies. */
    private static final byte[] PLAIN_GROUP_PREFIX = {(byte) 239, (byte) 255, 77};

    private Loopback() {
    }

    /** The loopback interface, if it is up; else a message saying why not. */
    static NetworkInterface multicastInterface() throws BenchException {
        try {
            NetworkInterface lo = NetworkInterface.getByName(INTERFACE);
            // Linux loops multicast back on lo whether or not it carries the MULTICAST flag: only ask that it is up.
            if (lo == null || !lo.isUp()) {
                throw new BenchException("the benchmark runs on the loopback interface '" + INTERFACE + "', which "
                        + (lo == null ? "does not exist here" : "is down"));
            }
            return lo;
        } catch (SocketException e) {
            throw new BenchException("cannot read the loopback interface: " + e.getMessage());
        }
    }

    /** A UDP port nobody uses on this host now. */
    static int freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    /** A plain (non-mp2p) IPv4 multicast group: 239.255.77.{@code last}. */
    static InetAddress plainGroup(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {PLAIN_GROUP_PREFIX[0], PLAIN_GROUP_PREFIX[1],
                    PLAIN_GROUP_PREFIX[2], (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an IPv4 address", e);
        }
    }

    /**
     * A channel that receives {@code group} on {@code lo} and sends multicast there with TTL 0. It is
     * bound to the group address so that, on Linux, other groups on the same port stay out.
     */
    static DatagramChannel multicastChannel(NetworkInterface lo, InetAddress group, int port) throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, TTL);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            try {
                ch.bind(new InetSocketAddress(group, port));
            } catch (IOException e) {
                // Not every OS binds a socket to a multicast address; there, other groups may come in too.
                ch.bind(new InetSocketAddress(port));
            }
            ch.join(group, lo);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** A channel that only sends multicast on {@code lo}, TTL 0. */
    static DatagramChannel multicastSender(NetworkInterface lo) throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, TTL);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
