package io.mp2p.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;

import io.mp2p.ChannelOptions;
import io.mp2p.HandshakeTimeoutException;
import io.mp2p.Mp2pException;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.transport.InterfaceReadiness;
import io.mp2p.transport.InterfaceSelector;
import io.mp2p.transport.TransportException;

/** Opening a channel and a session the way every command does, with progress on stderr. */
final class Channels {
    private Channels() {
    }

    /** Opens a channel once its interface is ready (saying once on stderr if it has to wait). */
    static SecureMulticastChannel open(Mp2pIdentity id, ChannelOptions options)
            throws CliException, InterruptedException {
        try {
            awaitInterface(options);
            return SecureMulticastChannel.open(id, options);
        } catch (IOException e) {
            throw new CliException(e.getMessage());
        }
    }

    /**
     * A service started at boot, or right after a link came up, would otherwise fail with "Cannot
     * assign requested address" while the interface's IPv6 address is still tentative.
     */
    private static void awaitInterface(ChannelOptions options) throws TransportException, InterruptedException {
        String name = options.networkInterface();
        if (name == null) {
            name = InterfaceSelector.select(null, options.ipVersion()).getName();
        }
        InterfaceReadiness.await(name, options.ipVersion(), InterfaceReadiness.DEFAULT_MAX_WAIT,
                line -> System.err.println("mp2p: " + line));
    }

    /** A builder that reports handshake retries on {@code err}, so the tool never sits silent. */
    static ChannelOptions.Builder withProgress(ChannelOptions.Builder b, PrintStream err) {
        return b.handshakeListener((peer, attempt, elapsed) -> err.printf("mp2p: no answer yet from %s…, "
                + "handshake attempt %d (%.1f s)%n", peer.toHex().substring(0, 16), attempt, elapsed.toMillis() / 1e3));
    }

    /** Connects on this host only (the demo: lo, TTL 0), where no router can be the cause of a timeout. */
    static PeerSession connect(SecureMulticastChannel channel, PeerKey peer, InetSocketAddress group)
            throws CliException, InterruptedException {
        return connect(channel, peer, group, -1);
    }

    /** Connects within the channel's timeout; a timeout's message adds {@link #routingHint} for {@code ttl} (if > 0). */
    static PeerSession connect(SecureMulticastChannel channel, PeerKey peer, InetSocketAddress group, int ttl)
            throws CliException, InterruptedException {
        return connect(channel, peer, group, java.util.List.of(), ttl);
    }

    /** As {@link #connect(SecureMulticastChannel, PeerKey, InetSocketAddress, int)}, racing unicast endpoints too. */
    static PeerSession connect(SecureMulticastChannel channel, PeerKey peer, InetSocketAddress group,
                               java.util.List<InetSocketAddress> endpoints, int ttl)
            throws CliException, InterruptedException {
        try {
            if (!endpoints.isEmpty()) {
                return channel.connect(peer, group, endpoints);
            }
            return group == null ? channel.connect(peer) : channel.connect(peer, group);
        } catch (HandshakeTimeoutException e) {
            throw new CliException(e.getMessage() + (ttl > 0 ? routingHint(ttl) : ""), ExitCodes.FAILURE);
        } catch (Mp2pException e) {
            throw new CliException(e.getMessage());
        }
    }

    /**
     * What an unanswered handshake also points to, beyond the library's own hint: multicast that no
     * router forwards between the two peers, or a TTL too low to cross them.
     */
    static String routingHint(int ttl) {
        return "; if it is beyond a router, check that multicast is routed between you" + (ttl <= 1
                ? " and raise --ttl on both sides (TTL " + ttl + " stops at the first router)"
                : " (TTL " + ttl + " crosses at most " + (ttl - 1) + " router" + (ttl == 2 ? "" : "s") + ")")
                + "; 'mp2p doctor --peer KEY' checks this host";
    }

    static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1e3);
    }
}
