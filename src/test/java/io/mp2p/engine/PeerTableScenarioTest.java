package io.mp2p.engine;

import io.mp2p.EngineMetrics;

import io.mp2p.DropReason;

import static io.mp2p.engine.SimNetwork.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.mp2p.engine.SimNetwork.Node;

/** Issue 11 item 4 (spec/THREATS.md "Peer table exhaustion"). */
class PeerTableScenarioTest {

    /**
     * Strangers (new identities, as free as an accept-any node makes them) initiate at 1 Mbit/s and
     * never confirm, keeping a 768-peer table full; a legitimate peer connects meanwhile. Cookies
     * are off (load threshold unbounded): the attacker is granted real source addresses, so this
     * measures the table alone.
     */
    @Test
    void aLegitimatePeerConnectsWhileStrangersFillTheTable() {
        int maxPeers = 768;
        SimNetwork net = new SimNetwork(401);
        Node server = net.addNode("server", net.newIdentity(),
                c -> c.maxPeers(maxPeers).handshakeLoadThreshold(Integer.MAX_VALUE));
        Node legit = net.addNode("legit");
        AttackReport report = new AttackReport("peer table, strangers re-initiating at 1 Mbit/s, table of " + maxPeers);
        int rate = AttackReport.packetsPerSecond(io.mp2p.wire.HandshakeInitiation.LENGTH);
        int steps = 100;
        double attackSeconds = 5;
        int sent = 0;
        long dhBefore = server.engine.metrics().dhOperations();
        int fullAt = -1;
        for (int step = 0; step < attackSeconds * steps; step++) {
            int due = (int) ((long) rate * (step + 1) / steps) - (int) ((long) rate * step / steps);
            HalfOpenMemoryProbe.fill(net, server, due, net.now, report);
            if (fullAt < 0 && server.engine.metrics().peers() >= maxPeers) {
                fullAt = step;
            }
            if (step >= 2 * steps && step % (steps / 2) == 0) {
                legit.engine.send(server.key(), ("m" + sent++).getBytes(), net.now);
            }
            net.run(seconds(1.0 / steps));
        }
        net.run(seconds(1));
        EngineMetrics m = server.engine.metrics();
        report.print(attackSeconds, m.dhOperations() - dhBefore, String.format(java.util.Locale.ROOT,
                "memory: peer table %d of %d (full after %.2f s), %d live sessions (a half-open peer's heap: see aHalfOpenPeerCostsAtMostOneKibibyte)", m.peers(), maxPeers, fullAt / (double) steps,
                m.sessionsLive()), server.messagesFrom(legit).size() + " of " + sent
                + " messages from the legitimate peer delivered, " + m.drops(DropReason.TOO_MANY_PEERS)
                + " initiations refused as TOO_MANY_PEERS");
        assertTrue(fullAt >= 0 && fullAt < 2 * steps, "the strangers filled the table before the peer came");
        assertEquals(sent, server.messagesFrom(legit).size());
        assertEquals(0, m.drops(DropReason.TOO_MANY_PEERS));
        assertEquals(1, legit.eventsOf(EngineEvent.SessionEstablished.class).size(), "one handshake, at the first attempt");
        assertTrue(server.eventsOf(EngineEvent.SessionClosed.class).isEmpty(), "the legitimate peer kept its place");
        assertEquals(maxPeers, m.peers());
    }

    @Test
    void aHalfOpenPeerCostsAtMostOneKibibyte() {
        int n = 5_000;
        SimNetwork net = new SimNetwork(400);
        Node server = net.addNode("server", net.newIdentity(), c -> c.handshakeLoadThreshold(Integer.MAX_VALUE));
        HalfOpenMemoryProbe.fill(net, server, 100, net.now);
        long before = HalfOpenMemoryProbe.usedHeap();
        HalfOpenMemoryProbe.fill(net, server, n, net.now);
        long after = HalfOpenMemoryProbe.usedHeap();
        EngineMetrics m = server.engine.metrics();
        assertEquals(n + 100, m.peers());
        assertEquals(n + 100, m.sessionsLive(), "each peer holds an answered, unconfirmed session");
        long perPeer = (after - before) / n;
        System.out.printf("half-open peers: %,d on one engine, heap %+.1f MiB, %d bytes per half-open peer%n", n,
                (after - before) / 1048576.0, perPeer);
        assertTrue(perPeer <= 1024, "a half-open peer costs " + perPeer + " bytes");
        server.engine.destroy();
    }
}
