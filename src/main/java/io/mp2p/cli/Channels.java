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

    static PeerSession connect(SecureMulticastChannel channel, PeerKey peer, InetSocketAddress group)
            throws CliException, InterruptedException {
        try {
            return group == null ? channel.connect(peer) : channel.connect(peer, group);
        } catch (HandshakeTimeoutException e) {
            throw new CliException(e.getMessage(), ExitCodes.FAILURE);
        } catch (Mp2pException e) {
            throw new CliException(e.getMessage());
        }
    }

    static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1e3);
    }
}
