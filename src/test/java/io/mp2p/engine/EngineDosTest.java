package io.mp2p.engine;

import io.mp2p.EngineMetrics;

import io.mp2p.DropReason;

import static io.mp2p.engine.SimNetwork.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mp2p.cookie.Mac1;
import io.mp2p.engine.SimNetwork.Node;
import io.mp2p.wire.HandshakeInitiation;

/** mac1 filtering, cookies under load and per-source rate limiting (spec §4.4, §7). */
class EngineDosTest {

    @Test
    void aNodeSharingTheGroupDropsHandshakesForOthersWithoutAnyDiffieHellman() {
        SimNetwork net = new SimNetwork(80);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        // c listens on b's group, as a colliding IPv4 group or an eavesdropper would.
        Node c = net.addNode("c", net.newIdentity(), b.group, x -> { });
        a.engine.send(b.key(), "for b only".getBytes(), net.now);
        net.run(seconds(1));
        assertEquals(1, b.messagesFrom(a).size());
        EngineMetrics mc = c.engine.metrics();
        assertTrue(mc.drops(DropReason.BAD_MAC1) >= 1, mc.toString());
        assertEquals(0, mc.noiseMessagesProcessed(), "c spent a Diffie-Hellman operation on a packet for b");
        assertTrue(c.events.isEmpty());
    }

    @Test
    void garbageHandshakesCostNoDiffieHellman() {
        SimNetwork net = new SimNetwork(81);
        Node b = net.addNode("b");
        SplittableRandom r = new SplittableRandom(82);
        InetSocketAddress from = new InetSocketAddress(SimNetwork.addr(new byte[] {10, 1, 2, 3}), 1234);
        for (int i = 0; i < 10_000; i++) {
            byte[] d = new byte[HandshakeInitiation.LENGTH];
            r.nextBytes(d);
            HandshakeInitiation.writeHeader(d, 0, 1, r.nextInt());
            b.engine.handleDatagram(d, 0, d.length, from, net.now);
        }
        EngineMetrics m = b.engine.metrics();
        assertEquals(10_000, m.drops(DropReason.BAD_MAC1));
        assertEquals(0, m.noiseMessagesProcessed());
    }

    @Test
    void aFloodWithValidMac1IsAnsweredWithCookiesAndAGenuinePeerStillConnects() {
        SimNetwork net = new SimNetwork(83);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        SplittableRandom r = new SplittableRandom(84);
        byte[] mac1Key = Mac1.key(b.key());
        InetSocketAddress attacker = new InetSocketAddress(SimNetwork.addr(new byte[] {10, 6, 6, 6}), 666);
        int floodPerSecond = 5_000;
        boolean started = false;
        for (int second = 0; second < 10; second++) {
            for (int i = 0; i < floodPerSecond; i++) {
                byte[] d = DosPackets.forgedInitiation(r, mac1Key);
                b.engine.handleDatagram(d, 0, d.length, attacker, net.now);
                if (i % 100 == 0) {
                    net.run(seconds(1.0 / (floodPerSecond / 100.0)));
                }
            }
            if (second == 2 && !started) {
                a.engine.send(b.key(), "through the flood".getBytes(), net.now);
                started = true;
            }
        }
        net.run(seconds(30));
        EngineMetrics m = b.engine.metrics();
        AttackReport report = new AttackReport("initiation flood with valid mac1, " + floodPerSecond + "/s");
        report.attackerPackets = floodPerSecond * 10L;
        report.attackerLinkBytes = report.attackerPackets * (HandshakeInitiation.LENGTH + AttackReport.IPV4_UDP_HEADERS);
        report.print(10, m.dhOperations(), String.format(java.util.Locale.ROOT,
                "%,d cookie replies (budget %,d/s), %d Noise messages, drops %s", m.cookieRepliesSent(),
                Constants.COOKIE_REPLY_RATE, m.noiseMessagesProcessed(), m.dropsByReason()),
                b.messagesFrom(a).size() + " message from the genuine peer, after "
                        + a.engine.metrics().handshakesInitiated() + " attempts (the second with its cookie)");
        assertTrue(m.cookieRepliesSent() <= 10L * Constants.COOKIE_REPLY_RATE + Constants.COOKIE_REPLY_BURST + 100,
                "cookie replies, one DH each, stay within their budget");
        assertTrue(m.drops(DropReason.COOKIE_REQUIRED) > floodPerSecond * 9, m.toString());
        // Only what arrives before load is detected each second reaches Noise: about the threshold, not the flood.
        assertTrue(m.noiseMessagesProcessed() < 3L * Constants.HANDSHAKE_LOAD_THRESHOLD + 10, m.toString());
        assertEquals(1, b.messagesFrom(a).size(), "the genuine peer connected under load, with a cookie");
        assertTrue(a.engine.metrics().handshakesInitiated() >= 2, "it needed the cookie and a retry");
    }

    @Test
    void anInitiationWithAValidCookieIsStillRateLimitedPerSource() {
        SimNetwork net = new SimNetwork(85);
        Node b = net.addNode("b", net.newIdentity(), c -> c.handshakeLoadThreshold(1));
        Node a = net.addNode("a");
        java.util.List<byte[]> initiations = new java.util.ArrayList<>();
        net.tap = d -> {
            if (d.length == HandshakeInitiation.LENGTH) {
                initiations.add(d);
            }
        };
        // b is under load from the start (threshold 1): a's first initiation gets a cookie, its retry passes.
        byte[] key = Mac1.key(b.key());
        SplittableRandom r = new SplittableRandom(86);
        InetSocketAddress other = new InetSocketAddress(SimNetwork.addr(new byte[] {10, 7, 7, 7}), 7);
        for (int i = 0; i < 10; i++) {
            byte[] d = DosPackets.forgedInitiation(r, key);
            b.engine.handleDatagram(d, 0, d.length, other, net.now);
        }
        a.engine.send(b.key(), "hi".getBytes(), net.now);
        net.run(seconds(0.5));
        // Threshold 1, counting what reaches DH: the flood's first two packets went to Noise (the second
        // took the count over 1), the other 8 and a's first initiation got cookies.
        assertEquals(9, b.engine.metrics().cookieRepliesSent());
        net.run(seconds(6));
        assertEquals(1, b.messagesFrom(a).size(), "a connected with its cookie");
        byte[] withCookie = initiations.get(initiations.size() - 1);
        // The same cookie-bearing initiation, 20 times at once from a's source: the burst passes (and is then
        // refused as stale), the rest is rate limited before any Diffie-Hellman.
        for (int i = 0; i < 10; i++) {
            byte[] d = DosPackets.forgedInitiation(r, key);
            b.engine.handleDatagram(d, 0, d.length, other, net.now);
        }
        long noiseBefore = b.engine.metrics().noiseMessagesProcessed();
        for (int i = 0; i < 20; i++) {
            b.engine.handleDatagram(withCookie, 0, withCookie.length, a.unicast, net.now);
        }
        EngineMetrics m = b.engine.metrics();
        assertEquals(20 - Constants.RATE_LIMIT_BURST, m.drops(DropReason.RATE_LIMITED), m.toString());
        assertEquals(Constants.RATE_LIMIT_BURST, m.noiseMessagesProcessed() - noiseBefore);
    }

    @Test
    void aFullPeerTableGivesTheLeastRecentlyActiveEstablishedPeersPlaceToANewcomer() {
        SimNetwork net = new SimNetwork(87);
        Node server = net.addNode("server", net.newIdentity(), c -> c.maxPeers(3));
        List<Node> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(net.addNode("c" + i));
        }
        for (int i = 0; i < 3; i++) {
            clients.get(i).engine.send(server.key(), new byte[] {(byte) i}, net.now);
            net.run(seconds(1));
        }
        // c1 and c2 speak again: c0 is the least recently active.
        clients.get(2).engine.send(server.key(), new byte[] {9}, net.now);
        clients.get(1).engine.send(server.key(), new byte[] {9}, net.now);
        net.run(seconds(1));
        Node late = clients.get(3);
        late.engine.send(server.key(), new byte[] {3}, net.now);
        net.run(seconds(1));
        EngineMetrics m = server.engine.metrics();
        assertEquals(3, m.peers());
        assertEquals(0, m.drops(DropReason.TOO_MANY_PEERS));
        assertEquals(1, server.messagesFrom(late).size());
        assertEquals(List.of(new EngineEvent.SessionClosed(clients.get(0).key(), CloseReason.EVICTED)),
                server.eventsOf(EngineEvent.SessionClosed.class));
        assertEquals(null, server.engine.peerState(clients.get(0).key()));
    }

    @Test
    void knownPeersAreNeverEvictedAndAreForgottenOnlyWhenTheyHoldNothing() {
        SimNetwork net = new SimNetwork(88);
        List<Node> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(net.addNode("c" + i));
        }
        java.util.Set<io.mp2p.identity.PeerKey> listed = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            listed.add(clients.get(i).key());
        }
        Node server = net.addNode("server", net.newIdentity(), c -> c.maxPeers(3).knownPeers(listed::contains));
        for (int i = 0; i < 3; i++) {
            clients.get(i).engine.send(server.key(), new byte[] {(byte) i}, net.now);
        }
        net.run(seconds(1));
        Node late = clients.get(3);
        late.engine.send(server.key(), new byte[] {3}, net.now);
        net.run(seconds(1));
        assertEquals(1, server.engine.metrics().drops(DropReason.TOO_MANY_PEERS));
        assertTrue(server.messagesFrom(late).isEmpty());
        // The three sessions expire with no traffic; the known peers then hold nothing and make room.
        net.run(seconds(200));
        late.engine.send(server.key(), new byte[] {4}, net.now);
        net.run(seconds(1));
        assertEquals(1, server.messagesFrom(late).size(), server.engine.metrics().toString());
        assertEquals(1, server.engine.metrics().peers(), "the three idle known peers were forgotten");
    }

    @Test
    void aStrangerHasTheGraceTimeToConfirmBeforeANewcomerTakesItsPlace() {
        SimNetwork net = new SimNetwork(89);
        Node server = net.addNode("server", net.newIdentity(), c -> c.maxPeers(2));
        HalfOpenMemoryProbe.fill(net, server, 2, net.now);
        assertEquals(2, server.engine.metrics().peers());
        net.run(Constants.STRANGER_GRACE / 2);
        HalfOpenMemoryProbe.fill(net, server, 1, net.now);
        assertEquals(1, server.engine.metrics().drops(DropReason.TOO_MANY_PEERS), "both strangers are in their grace");
        net.run(Constants.STRANGER_GRACE);
        HalfOpenMemoryProbe.fill(net, server, 1, net.now);
        assertEquals(1, server.engine.metrics().drops(DropReason.TOO_MANY_PEERS));
        assertEquals(2, server.engine.metrics().peers());
        assertEquals(2, server.engine.metrics().sessionsLive(), "the oldest stranger's session was wiped");
    }
}
