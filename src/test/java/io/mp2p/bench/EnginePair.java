package io.mp2p.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;

import io.mp2p.CipherSuite;
import io.mp2p.engine.EngineConfig;
import io.mp2p.engine.EngineEvent;
import io.mp2p.engine.Endpoint;
import io.mp2p.engine.Transmit;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/**
 * Two engines, {@code a} (initiator) and {@code b} (responder), driven directly on one thread with
 * no sockets, as EngineScenarioTest does. The monotonic {@code now} stays fixed at {@link #NOW} (so
 * no timer fires and no session ages); the wall clock advances 1 ms per read so that every
 * initiation carries a fresh timestamp.
 */
final class EnginePair {
    static final long NOW = 1_000_000_000L;
    private static final long WALL_EPOCH_NANOS = 1_767_225_600L * 1_000_000_000L;

    final Endpoint a;
    final Endpoint b;
    final PeerKey aKey;
    final PeerKey bKey;
    final InetSocketAddress aAddress;
    final InetSocketAddress bAddress;

    EnginePair(CipherSuite suite, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        aAddress = address(10, 0, 0, 1);
        bAddress = address(10, 0, 0, 2);
        Mp2pIdentity ia = identity(random);
        Mp2pIdentity ib = identity(random);
        a = new Endpoint(config(ia, suite, random.split(), bAddress));
        b = new Endpoint(config(ib, suite, random.split(), aAddress));
        aKey = ia.publicKey();
        bKey = ib.publicKey();
    }

    private static EngineConfig config(Mp2pIdentity id, CipherSuite suite, SplittableRandom r,
                                       InetSocketAddress peer) {
        long[] wall = {WALL_EPOCH_NANOS};
        return EngineConfig.builder(id)
                .replyAddress(address(239, 192, 230, 1))
                .peerLocator(k -> peer)
                .suite(suite)
                .random(r::nextBytes)
                .wallClock(() -> wall[0] += 1_000_000L)
                // Every handshake here happens at the same 'now': keep the cookie mechanism out of the figures.
                .handshakeLoadThreshold(Integer.MAX_VALUE)
                .build();
    }

    /** Runs a handshake from a to b and the confirmation back, then drains every event. */
    EnginePair establish() {
        a.connect(bKey, NOW);
        exchange();
        if (!a.isEstablished(bKey, NOW) || !b.isEstablished(aKey, NOW)) {
            throw new IllegalStateException("no session: a " + a.metrics() + " b " + b.metrics());
        }
        drainEvents();
        return this;
    }

    /** Passes packets between a and b until neither has more to send. */
    void exchange() {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Transmit t; (t = a.pollTransmit()) != null; moved = true) {
                b.handleDatagram(t.data(), 0, t.length(), aAddress, NOW);
            }
            for (Transmit t; (t = b.pollTransmit()) != null; moved = true) {
                a.handleDatagram(t.data(), 0, t.length(), bAddress, NOW);
            }
        }
    }

    void drainEvents() {
        for (EngineEvent e; (e = a.pollEvent()) != null; ) {
            // discarded
        }
        for (EngineEvent e; (e = b.pollEvent()) != null; ) {
            // discarded
        }
    }

    /** Fails loudly if either engine dropped anything: a benchmark that measures drops measures nothing. */
    void checkNoDrops() {
        if (a.metrics().totalDrops() != 0 || b.metrics().totalDrops() != 0) {
            throw new IllegalStateException("drops: a " + a.metrics().dropsByReason() + " b "
                    + b.metrics().dropsByReason());
        }
    }

    void destroy() {
        a.destroy();
        b.destroy();
    }

    static Mp2pIdentity identity(SplittableRandom random) {
        return io.mp2p.TestIdentities.seeded(random);
    }

    static InetSocketAddress address(int a, int b, int c, int d) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}),
                    a >= 224 ? 41414 : 50000);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
