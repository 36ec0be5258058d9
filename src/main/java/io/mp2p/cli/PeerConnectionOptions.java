package io.mp2p.cli;

import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.identity.Mp2pIdentity;
import picocli.CommandLine.Mixin;

/**
 * What {@code send}, {@code chat} and {@code ping} share: our key, the network, the peer, and
 * opening a session to that peer with handshake progress on stderr.
 */
final class PeerConnectionOptions {
    @Mixin
    KeyOption key;

    @Mixin
    NetworkOptions network;

    @Mixin
    PeerOptions peer;

    /** An open session and everything it holds; closing it closes the session and channel and wipes the key. */
    record Connection(Mp2pIdentity identity, SecureMulticastChannel channel, PeerSession session)
            implements AutoCloseable {
        @Override
        public void close() {
            session.close();
            channel.close();
            identity.destroy();
        }
    }

    /** Checks the network options and --timeout: call first, so a typo is reported before anything slow. */
    void check() throws CliException {
        network.check();
        peer.timeout();
    }

    /** Loads the key, opens a channel and connects to the peer within --timeout. */
    Connection connect() throws CliException, InterruptedException {
        check();
        Mp2pIdentity id = key.load();
        SecureMulticastChannel channel = null;
        try {
            channel = Channels.open(id, Channels.withProgress(network.builder(), System.err)
                    .connectTimeout(peer.timeout()).build());
            PeerSession session = Channels.connect(channel, peer.key(), peer.group(network.port), peer.endpoints(),
                    network.ttl);
            System.err.println("mp2p: connected via " + session.path());
            return new Connection(id, channel, session);
        } catch (CliException | InterruptedException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            id.destroy();
            throw e;
        }
    }
}
