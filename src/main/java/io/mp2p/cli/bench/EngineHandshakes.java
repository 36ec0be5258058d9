package io.mp2p.cli.bench;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.mp2p.address.GroupAddresses;
import io.mp2p.crypto.RandomSource;
import io.mp2p.CipherSuite;
import io.mp2p.engine.EngineConfig;
import io.mp2p.engine.Endpoint;
import io.mp2p.engine.Transmit;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/**
 * Full IK handshakes between two {@link Endpoint}s on the benchmark's thread, through the engine's
 * public API only, with no sockets: a closes its session with b, then initiation → response →
 * confirmation (a's keepalive, which b needs to promote the session). Every handshake draws fresh
 * ephemerals from the platform's SecureRandom, as a channel does. The time in a's calls and in b's
 * calls is kept apart, so the initiator's and the responder's share can be set beside the X25519
 * work each does.
 */
final class EngineHandshakes implements AutoCloseable {
    /** The addresses only label the two engines (their groups, as a channel's are): nothing here touches a socket. */
    private static final int PORT = GroupAddresses.DEFAULT_PORT;

    private final Mp2pIdentity ia = Mp2pIdentity.generate();
    private final Mp2pIdentity ib = Mp2pIdentity.generate();
    private final InetSocketAddress aAddress = new InetSocketAddress(GroupAddresses.ipv4(ia.publicKey()), PORT);
    private final InetSocketAddress bAddress = new InetSocketAddress(GroupAddresses.ipv4(ib.publicKey()), PORT);
    private final Endpoint a;
    private final Endpoint b;
    private final PeerKey bKey = ib.publicKey();
    private final PeerKey aKey = ia.publicKey();
    private long initiatorNanos;
    private long responderNanos;
    private long failures;

    EngineHandshakes(CipherSuite suite) {
        a = new Endpoint(config(ia, suite, bAddress, aAddress));
        b = new Endpoint(config(ib, suite, aAddress, bAddress));
    }

    private static EngineConfig config(Mp2pIdentity id, CipherSuite suite, InetSocketAddress peer,
                                       InetSocketAddress self) {
        return EngineConfig.builder(id)
                .replyAddress(self)
                .peerLocator(k -> peer)
                .suite(suite)
                .random(RandomSource.secure())
                .wallClock(EngineHandshakes::unixNanos)
                // Hundreds of handshakes a second from one peer is the point here: keep cookies out.
                .handshakeLoadThreshold(Integer.MAX_VALUE)
                .build();
    }

    /** Runs one full handshake; false (and counted) if it did not leave both sides established. */
    boolean handshake() {
        long now = System.nanoTime();
        a.close(bKey, now);
        while (a.pollTransmit() != null) {
            // b never sees this CLOSE: its old session is replaced by the new handshake
        }
        while (a.pollEvent() != null) {
            // the SessionClosed of the old session
        }
        long t0 = System.nanoTime();
        a.connect(bKey, now);
        Transmit init = a.pollTransmit();
        long t1 = System.nanoTime();
        if (init == null) {
            failures++;
            return false;
        }
        b.handleDatagram(init.data(), 0, init.length(), aAddress, now);
        Transmit response = b.pollTransmit();
        long t2 = System.nanoTime();
        if (response == null) {
            failures++;
            return false;
        }
        a.handleDatagram(response.data(), 0, response.length(), bAddress, now);
        Transmit confirmation = a.pollTransmit();
        while (a.pollEvent() != null) {
            // SessionEstablished
        }
        long t3 = System.nanoTime();
        if (confirmation == null) {
            failures++;
            return false;
        }
        b.handleDatagram(confirmation.data(), 0, confirmation.length(), aAddress, now);
        while (b.pollEvent() != null) {
            // SessionEstablished
        }
        long t4 = System.nanoTime();
        initiatorNanos += (t1 - t0) + (t3 - t2);
        responderNanos += (t2 - t1) + (t4 - t3);
        if (!a.isEstablished(bKey, now) || !b.isEstablished(aKey, now)) {
            failures++;
            return false;
        }
        return true;
    }

    long initiatorNanos() {
        return initiatorNanos;
    }

    long responderNanos() {
        return responderNanos;
    }

    long failures() {
        return failures;
    }

    /**
     * X25519 operations (key generations and DH) both engines did so far: divided by the handshakes,
     * how many of the floor's ten a handshake still does (ss is kept per peer, spec PROTOCOL.md is unchanged).
     */
    long dhOperations() {
        return a.metrics().dhOperations() + b.metrics().dhOperations();
    }

    /** The wall clock as the channel reads it (the engine keeps one peer's initiation timestamps increasing). */
    private static long unixNanos() {
        Instant i = Instant.now();
        return i.getEpochSecond() * TimeUnit.SECONDS.toNanos(1) + i.getNano();
    }

    @Override
    public void close() {
        a.destroy();
        b.destroy();
        ia.destroy();
        ib.destroy();
    }

}
