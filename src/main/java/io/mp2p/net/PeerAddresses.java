package io.mp2p.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import io.mp2p.ChannelOptions;
import io.mp2p.address.GroupAddresses;
import io.mp2p.address.GroupSchedule;
import io.mp2p.address.Ipv6Scope;
import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.PeerKey;
import io.mp2p.IpFamily;

/**
 * A peer as a {@code java.net} address, and back. {@code DatagramPacket} takes only resolved addresses, so a peer
 * is an {@link InetAddress} that carries both the peer's name, {@code <base32>.mp2p}, and a real address, the group
 * it listens on: {@code InetAddress.getByAddress("<base32>.mp2p", group)}. No DNS is involved either way. The port
 * is the peer's UDP port.
 *
 * <pre>{@code
 * InetSocketAddress bob = PeerAddresses.socketAddress(bobKey, IpFamily.IPV4, 41414);
 * // bob.getHostString() is "hnvcpppow2sc2yvdvdicu3yno5steflxdxrehjr2ybekdc2z3iuq.mp2p", bob.getAddress() 239.19x.yyy.zzz
 * socket.send(new DatagramPacket(data, data.length, bob));
 * socket.receive(packet);
 * PeerKey from = PeerAddresses.peerKey(packet.getAddress()).orElseThrow();
 * }</pre>
 */
public final class PeerAddresses {
    private PeerAddresses() {
    }

    /**
     * {@code peer} named by its host name, at the group its node listens on today (UTC) in {@code family},
     * as a channel with default options derives it (daily groups, global IPv6 scope).
     */
    public static InetAddress address(PeerKey peer, IpFamily family) {
        return address(peer, GroupSchedule.rotating(family.protocolFamily(), Ipv6Scope.GLOBAL)
                .currentGroup(peer, Instant.now()));
    }

    /** {@code peer} named by its host name, at its group under {@code schedule} at {@code now}. */
    public static InetAddress address(PeerKey peer, GroupSchedule schedule, Instant now) {
        return address(peer, schedule.currentGroup(peer, now));
    }

    /** {@code peer} named by its host name, at {@code group} (for a peer listening on a group of its choosing). */
    public static InetAddress address(PeerKey peer, InetAddress group) {
        try {
            return InetAddress.getByAddress(peer.hostName(), group.getAddress());
        } catch (UnknownHostException e) {
            // Only an address of the wrong length is refused, and an InetAddress's own bytes never are.
            throw new IllegalStateException("the JDK refused a 4- or 16-byte address", e);
        }
    }

    /** {@code peer} at its derived group in {@code family}, and {@code port}. */
    public static InetSocketAddress socketAddress(PeerKey peer, IpFamily family, int port) {
        return new InetSocketAddress(address(peer, family), port);
    }

    /**
     * Whether {@code group} is one of the groups {@code peer}'s node listens on at {@code now} under
     * {@code schedule} (today's, yesterday's or tomorrow's when groups rotate): then the peer is found by its
     * key alone, and a handshake may try the other days' groups too.
     */
    public static boolean isDerivedGroup(PeerKey peer, InetAddress group, GroupSchedule schedule, Instant now) {
        for (InetAddress g : schedule.listenGroups(peer, now)) {
            if (java.util.Arrays.equals(g.getAddress(), group.getAddress())) {
                return true;
            }
        }
        return false;
    }

    /**
     * How a channel with {@code options} reaches {@code peer} at {@code group}: a future session from
     * {@code connectAsync(peer)} when {@code group} is one of the peer's own derived groups at the peer port
     * (the channel then locates it, and its retries try the adjacent days' groups), else from
     * {@code connectAsync(peer, group)} (a group of the peer's choosing, used exactly).
     */
    public static java.util.concurrent.CompletableFuture<io.mp2p.PeerSession> connect(
            io.mp2p.SecureMulticastChannel channel, ChannelOptions options, PeerKey peer, InetSocketAddress group) {
        boolean byKey = group == null || (group.getPort() == options.peerPort() && isDerivedGroup(peer,
                group.getAddress(), GroupSchedule.of(options.ipVersion().protocolFamily(), options.ipv6Scope(),
                        !options.staticGroup()), options.groupClock().instant()));
        if (byKey) {
            return channel.connectAsync(peer);
        }
        try {
            // Without the peer's host name: the channel sends to the bare group address.
            return channel.connectAsync(peer, new InetSocketAddress(InetAddress.getByAddress(
                    group.getAddress().getAddress()), group.getPort()));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("the JDK refused its own address bytes", e);
        }
    }

    /** {@code peer} at its derived IPv4 group and the default port 41414. */
    public static InetSocketAddress socketAddress(PeerKey peer) {
        return socketAddress(peer, IpFamily.IPV4, GroupAddresses.DEFAULT_PORT);
    }

    /**
     * The peer an address names, or empty when its host name is not {@code <base32>.mp2p} (a plain IP address, or
     * another host). The host name is read as given, never looked up.
     */
    public static Optional<PeerKey> peerKey(InetAddress address) {
        if (address == null) {
            return Optional.empty();
        }
        // getHostString gives the name the address was made with, or its literal: no reverse lookup.
        return parse(new InetSocketAddress(address, 0).getHostString());
    }

    /** As {@link #peerKey(InetAddress)} for a socket address (resolved or not). */
    public static Optional<PeerKey> peerKey(SocketAddress address) {
        if (!(address instanceof InetSocketAddress isa)) {
            return Optional.empty();
        }
        return parse(isa.getHostString());
    }

    private static Optional<PeerKey> parse(String host) {
        if (host == null || !host.toLowerCase(Locale.ROOT).endsWith(PeerKey.HOST_SUFFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(PeerKey.parse(host));
        } catch (KeyFormatException e) {
            return Optional.empty();
        }
    }
}
