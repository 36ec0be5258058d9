package io.mp2p.cli.bench;

import java.io.IOException;
import java.time.Duration;

import io.mp2p.ChannelOptions;
import io.mp2p.Mp2pException;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.SessionListener;
import io.mp2p.CipherSuite;
import io.mp2p.identity.Mp2pIdentity;

/**
 * Two {@link SecureMulticastChannel}s on {@code lo} (TTL 0, their own port), each with a fresh
 * identity, as two programs on one host would use them; everything else is the channel's default.
 */
final class Mp2pPair implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    final Mp2pIdentity aliceId = Mp2pIdentity.generate();
    final Mp2pIdentity bobId = Mp2pIdentity.generate();
    final SecureMulticastChannel alice;
    final SecureMulticastChannel bob;

    /** @param bobListener where bob's incoming sessions go, or null to take them with {@code accept} */
    Mp2pPair(CipherSuite suite, SessionListener bobListener) throws IOException {
        int port = Loopback.freePort();
        ChannelOptions.Builder options = ChannelOptions.builder().networkInterface(Loopback.INTERFACE)
                .ttl(Loopback.TTL).port(port).suite(suite).connectTimeout(CONNECT_TIMEOUT);
        SecureMulticastChannel a = SecureMulticastChannel.open(aliceId, options.build());
        try {
            this.bob = SecureMulticastChannel.open(bobId, options.sessionListener(bobListener).build());
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
        this.alice = a;
    }

    /** Alice's session with bob and bob's with alice. */
    PeerSession[] connect() throws BenchException, InterruptedException {
        try {
            PeerSession ab = alice.connect(bobId.publicKey());
            PeerSession ba = bob.accept(CONNECT_TIMEOUT);
            if (ba == null) {
                throw new BenchException("mp2p: bob saw no session from alice within " + CONNECT_TIMEOUT.toSeconds()
                        + " s");
            }
            return new PeerSession[] {ab, ba};
        } catch (Mp2pException e) {
            throw new BenchException("mp2p: no session between two channels on lo: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        alice.close();
        bob.close();
        aliceId.destroy();
        bobId.destroy();
    }
}
