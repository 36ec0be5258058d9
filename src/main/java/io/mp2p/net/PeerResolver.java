package io.mp2p.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import io.mp2p.ChannelOptions;
import io.mp2p.address.GroupSchedule;
import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.PeerKey;

/**
 * Host names to peer addresses, without DNS: {@code <base32>.mp2p} becomes the peer's {@link InetAddress}, as
 * {@link PeerAddresses} makes it (the name, at the group the peer listens on today). Use it where a library asks
 * for a name lookup, e.g. as OkHttp's {@code Dns}, so that URLs like {@code http://<base32>.mp2p:8080/} reach the
 * peer over mp2p sockets:
 *
 * <pre>{@code
 * PeerResolver peers = PeerResolver.of(options);          // the same options as the socket factory's
 * OkHttpClient client = new OkHttpClient.Builder()
 *         .socketFactory(ctx.getSocketFactory(options))
 *         .dns(peers::lookup)                             // or: host -> List.of(peers.address(host))
 *         .build();
 * InetAddress bob = peers.address("hnvcpppow2sc2yvdvdicu3yno5steflxdxrehjr2ybekdc2z3iuq.mp2p");
 * }</pre>
 *
 * Names that are not {@code <base32>.mp2p} are not looked up anywhere: they throw {@link UnknownHostException},
 * so that no request meant for a peer ever leaves through DNS. Thread-safe and immutable.
 */
public final class PeerResolver {
    private static final String TRAILING_DOT = ".";

    private final GroupSchedule schedule;
    private final Clock clock;

    private PeerResolver(GroupSchedule schedule, Clock clock) {
        this.schedule = schedule;
        this.clock = clock;
    }

    /**
     * Peers' groups as a channel with {@code options} derives them: its IP version, IPv6 scope, daily or static
     * groups and group clock.
     */
    public static PeerResolver of(ChannelOptions options) {
        Objects.requireNonNull(options, "options");
        return new PeerResolver(GroupSchedule.of(options.ipVersion().protocolFamily(), options.ipv6Scope(),
                !options.staticGroup()), options.groupClock());
    }

    /** As {@link #of(ChannelOptions)} with {@link ChannelOptions#defaults()}: IPv4, daily groups. */
    public static PeerResolver standard() {
        return of(ChannelOptions.defaults());
    }

    /** Whether {@code host} names a peer ({@code <base32>.mp2p}, any case, with or without a final dot). */
    public static boolean isPeerName(String host) {
        return host != null && parse(host) != null;
    }

    /** The peer {@code host} names, at its group now. */
    public InetAddress address(String host) throws UnknownHostException {
        PeerKey peer = host == null ? null : parse(host);
        if (peer == null) {
            throw new UnknownHostException(host + ": not an mp2p peer name; a peer is named <52 base32 characters>"
                    + PeerKey.HOST_SUFFIX + " (as 'mp2p id' prints it)");
        }
        return address(peer);
    }

    /** {@code peer} at its group now. */
    public InetAddress address(PeerKey peer) {
        return PeerAddresses.address(peer, schedule, clock.instant());
    }

    /** {@code List.of(address(host))}: the shape of OkHttp's {@code Dns.lookup}, for a method reference. */
    public List<InetAddress> lookup(String host) throws UnknownHostException {
        return List.of(address(host));
    }

    private static PeerKey parse(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(PeerKey.HOST_SUFFIX + TRAILING_DOT)) {
            h = h.substring(0, h.length() - TRAILING_DOT.length());
        }
        if (!h.endsWith(PeerKey.HOST_SUFFIX)) {
            return null;
        }
        try {
            return PeerKey.parse(h);
        } catch (KeyFormatException e) {
            return null;
        }
    }
}
