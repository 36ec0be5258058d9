package io.mp2p.engine;

import static io.mp2p.engine.SimNetwork.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mp2p.DropReason;
import io.mp2p.cookie.Mac1;
import io.mp2p.crypto.DhKeyPair;
import io.mp2p.engine.SimNetwork.Node;
import io.mp2p.noise.NoiseException;
import io.mp2p.wire.HandshakeInitiation;
import io.mp2p.wire.Tai64n;

/**
 * A known peer's handshake reuses ss and its validated identity (PeerSecrets); an initiation that
 * does not prove its static key adds nothing to that cache.
 */
class HandshakeCacheTest {
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

    private static void rehandshake(SimNetwork net, Node a, Node b) {
        a.engine.close(b.key(), net.now);
        net.run(seconds(1));
        a.engine.send(b.key(), HELLO, net.now);
        net.run(seconds(1));
    }

    @Test
    void aKnownPeersHandshakeSkipsSsOnBothSides() {
        SimNetwork net = new SimNetwork(11);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        a.engine.send(b.key(), HELLO, net.now);
        net.run(seconds(1));
        // First handshake: initiator e, es, ss, ee, se; responder es, ss, e, ee, se.
        assertEquals(5, a.engine.metrics().dhOperations());
        assertEquals(5, b.engine.metrics().dhOperations());
        assertEquals(1, a.engine.peerSecretsHeldForTest());
        assertEquals(1, b.engine.peerSecretsHeldForTest());

        rehandshake(net, a, b);
        assertEquals(2, a.engine.metrics().handshakesCompleted());
        assertEquals(9, a.engine.metrics().dhOperations(), "ss came from the cache");
        assertEquals(9, b.engine.metrics().dhOperations(), "ss came from the cache");
        assertEquals(2, b.messagesFrom(a).size(), "the cached ss gives the same session keys");
        assertEquals(0, a.engine.metrics().totalDrops() + b.engine.metrics().totalDrops());

        // The other direction: b now initiates to a, whose ss b already holds from a's initiations.
        b.engine.close(a.key(), net.now);
        net.run(seconds(1));
        b.engine.send(a.key(), HELLO, net.now);
        net.run(seconds(1));
        assertEquals(1, a.messagesFrom(b).size());
        assertEquals(13, b.engine.metrics().dhOperations());
        assertEquals(13, a.engine.metrics().dhOperations());
    }

    @Test
    void theChaChaPolySuiteSharesTheCachedSs() {
        SimNetwork net = new SimNetwork(12);
        Node a = net.addNode("a", net.newIdentity(), c -> c.suite(io.mp2p.CipherSuite.CHACHAPOLY_BLAKE2S));
        Node b = net.addNode("b");
        a.engine.send(b.key(), HELLO, net.now);
        net.run(seconds(1));
        rehandshake(net, a, b);
        assertEquals(2, b.messagesFrom(a).size());
        assertEquals(9, b.engine.metrics().dhOperations());
    }

    @Test
    void anInitiationThatDoesNotProveItsStaticKeyIsNotCached() throws NoiseException {
        SimNetwork net = new SimNetwork(13);
        Node b = net.addNode("b");
        Node c = net.addNode("c");
        // The attacker claims c's static key without its private key: ss is wrong, so the payload's tag fails.
        SplittableRandom r = new SplittableRandom(99);
        byte[] wrongPrivate = new byte[32];
        r.nextBytes(wrongPrivate);
        DhKeyPair claimed = new DhKeyPair(wrongPrivate, c.identity.x25519PublicKey());
        Handshakes forger = new Handshakes(claimed, c.key(), r::nextBytes, new Counters());
        byte[] packet = new byte[HandshakeInitiation.LENGTH];
        forger.writeInitiation(packet, io.mp2p.CipherSuite.AESGCM_SHA256, 7, b.identity.x25519PublicKey(),
                Tai64n.fromUnixNanos(System.currentTimeMillis() * 1_000_000L), null);
        Mac1.compute(Mac1.key(b.key()), packet, 0, HandshakeInitiation.MAC1_OFFSET, packet,
                HandshakeInitiation.MAC1_OFFSET);
        net.inject(c.unicast, b.group, packet);
        assertEquals(1, b.engine.metrics().drops(DropReason.HANDSHAKE_FAILED));
        assertEquals(0, b.engine.peerSecretsHeldForTest(), "nothing cached for a key not proven");

        // c itself then connects as usual, its ss computed afresh.
        c.engine.send(b.key(), HELLO, net.now);
        net.run(seconds(1));
        assertEquals(1, b.messagesFrom(c).size());
        assertEquals(1, b.engine.peerSecretsHeldForTest());
    }

    @Test
    void destroyingTheEngineWipesTheCache() {
        SimNetwork net = new SimNetwork(14);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        a.engine.send(b.key(), HELLO, net.now);
        net.run(seconds(1));
        assertTrue(a.engine.peerSecretsHeldForTest() > 0);
        a.engine.destroy();
        assertEquals(0, a.engine.peerSecretsHeldForTest());
    }

    @Test
    void theCacheHoldsNoMoreThanMaxPeers() {
        SimNetwork net = new SimNetwork(15);
        Node b = net.addNode("b", net.newIdentity(), c -> c.maxPeers(2));
        for (int i = 0; i < 4; i++) {
            Node x = net.addNode("x" + i);
            x.engine.send(b.key(), HELLO, net.now);
            net.run(seconds(2));
        }
        assertTrue(b.engine.peerSecretsHeldForTest() <= 2, "held " + b.engine.peerSecretsHeldForTest());
    }
}
