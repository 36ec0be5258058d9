package io.mp2p.engine;

import io.mp2p.EngineMetrics;

import io.mp2p.CipherSuite;

import io.mp2p.DropReason;

import static io.mp2p.engine.SimNetwork.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.mp2p.cookie.CookieGenerator;
import io.mp2p.cookie.Mac1;
import io.mp2p.crypto.DhKeyPair;
import io.mp2p.engine.SimNetwork.Node;
import io.mp2p.noise.NoiseException;
import io.mp2p.wire.HandshakeInitiation;

/**
 * Issue 11 item 5: initiation timestamps from the future (spec §6.3) and a monotonic clock that
 * jumps backwards (§6.7).
 */
class EngineClockTest {
    private static final long YEAR = TimeUnit.DAYS.toNanos(365);

    @Test
    void aTimestampFarAheadIsRefusedSoThePeerIsNotLockedOutOnceItsClockIsRight() {
        SimNetwork net = new SimNetwork(500);
        Node b = net.addNode("b");
        Node ahead = net.addNode("ahead");
        ahead.wallOffsetNanos = 10 * YEAR;
        ahead.engine.send(b.key(), "from the future".getBytes(), net.now);
        net.run(seconds(1));
        assertTrue(b.messagesFrom(ahead).isEmpty());
        assertTrue(b.engine.metrics().drops(DropReason.FUTURE_TIMESTAMP) >= 1, b.engine.metrics().toString());
        // The same identity restarted with its clock put right: before the bound, b had accepted the
        // future timestamp and refused every later one as stale until it restarted itself.
        Node fixed = net.addNode("fixed", ahead.identity, c -> { });
        fixed.engine.send(b.key(), "clock fixed".getBytes(), net.now);
        net.run(seconds(1));
        assertEquals(1, b.messagesFrom(fixed).size());
        assertEquals(0, b.engine.metrics().drops(DropReason.STALE_TIMESTAMP));
    }

    /**
     * An attacker recorded the initiations of a peer whose clock ran ten years ahead and replays them
     * later, after the peer put its clock right. Before the bound, b accepted one, and the peer's
     * honest initiations were stale until b restarted.
     */
    @Test
    void recordedFutureInitiationsReplayedLockNobodyOut() {
        SimNetwork net = new SimNetwork(507);
        Node b = net.addNode("b");
        Node ahead = net.addNode("ahead");
        java.util.List<byte[]> recorded = new java.util.ArrayList<>();
        net.tap = d -> {
            if (d.length == HandshakeInitiation.LENGTH) {
                recorded.add(d);
            }
        };
        net.setLink(ahead, b, new SimNetwork.LinkProfile(1.0, 0, 0, 1, 0, 0));
        ahead.wallOffsetNanos = 10 * YEAR;
        ahead.engine.connect(b.key(), net.now);
        net.run(seconds(30));
        net.tap = d -> { };
        AttackReport report = new AttackReport("replayed far-future initiations");
        long dhBefore = b.engine.metrics().dhOperations();
        InetSocketAddress attacker = new InetSocketAddress(SimNetwork.addr(new byte[] {10, 6, 6, 8}), 668);
        for (byte[] d : recorded) {
            net.inject(attacker, b.group, d);
            report.attackerSent(d.length);
        }
        Node fixed = net.addNode("fixed", ahead.identity, c -> { });
        fixed.engine.send(b.key(), "clock fixed".getBytes(), net.now);
        net.run(seconds(1));
        EngineMetrics m = b.engine.metrics();
        report.print(1, m.dhOperations() - dhBefore, m.drops(DropReason.FUTURE_TIMESTAMP)
                + " refused as FUTURE_TIMESTAMP, no state kept", b.messagesFrom(fixed).size()
                + " message from the peer with its clock put right, at its first attempt");
        assertEquals(recorded.size(), m.drops(DropReason.FUTURE_TIMESTAMP));
        assertEquals(1, b.messagesFrom(fixed).size());
        assertEquals(1, fixed.engine.metrics().handshakesInitiated());
    }

    @Test
    void anInitiatorWhoseClockWasCorrectedWhileRunningStopsSendingItsFutureTimestamps() {
        SimNetwork net = new SimNetwork(501);
        Node b = net.addNode("b");
        Node a = net.addNode("a");
        a.wallOffsetNanos = 10 * YEAR;
        a.engine.send(b.key(), "hello".getBytes(), net.now);
        net.run(seconds(1));
        assertTrue(b.messagesFrom(a).isEmpty());
        a.wallOffsetNanos = 0;
        // The next retry uses the corrected clock instead of "last timestamp + 1 ns".
        net.run(seconds(6));
        assertEquals(1, b.messagesFrom(a).size());
    }

    @Test
    void theBoundIsMaxTimestampAheadOfTheRespondersWallClock() {
        SimNetwork net = new SimNetwork(502);
        Node b = net.addNode("b");
        Node within = net.addNode("within");
        Node beyond = net.addNode("beyond");
        within.wallOffsetNanos = Constants.MAX_TIMESTAMP_AHEAD - seconds(1);
        beyond.wallOffsetNanos = Constants.MAX_TIMESTAMP_AHEAD + seconds(1);
        within.engine.send(b.key(), "w".getBytes(), net.now);
        beyond.engine.send(b.key(), "b".getBytes(), net.now);
        net.run(seconds(1));
        assertEquals(1, b.messagesFrom(within).size());
        assertTrue(b.messagesFrom(beyond).isEmpty());
        assertEquals(1, b.engine.metrics().drops(DropReason.FUTURE_TIMESTAMP));
    }

    @Test
    void theLargestTai64nTimestampIsRefused() throws NoiseException {
        SimNetwork net = new SimNetwork(503);
        Node b = net.addNode("b");
        Node a = net.addNode("a");
        byte[] maxTimestamp = new byte[io.mp2p.wire.Tai64n.LENGTH];
        java.util.Arrays.fill(maxTimestamp, 0, Long.BYTES, (byte) 0xff);
        byte[] packet = new byte[HandshakeInitiation.LENGTH];
        DhKeyPair aStatic = new DhKeyPair(a.identity.x25519PrivateKey(), a.identity.x25519PublicKey());
        Handshakes h = new Handshakes(aStatic, a.key(), net.randomSource(), new Counters());
        h.writeInitiation(packet, CipherSuite.AESGCM_SHA256, 7, b.key().x25519PublicKey(), maxTimestamp, a.group);
        new CookieGenerator(b.key()).addMacs(packet, 0, packet.length, net.now);
        net.inject(a.unicast, b.group, packet);
        EngineMetrics m = b.engine.metrics();
        assertEquals(1, m.drops(DropReason.FUTURE_TIMESTAMP), m.toString());
        assertEquals(0, m.sessionsLive());
        // a's own initiations are then answered as usual.
        a.engine.send(b.key(), "x".getBytes(), net.now);
        net.run(seconds(1));
        assertEquals(1, b.messagesFrom(a).size());
    }

    @Test
    void aMonotonicClockJumpingBackwardsMakesNoSessionYounger() {
        SimNetwork net = new SimNetwork(504);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        a.engine.send(b.key(), "before".getBytes(), net.now);
        net.run(seconds(1));
        assertTrue(b.engine.isEstablished(a.key(), net.now));
        // The monotonic clock goes back a day; the wall clock does not.
        long back = TimeUnit.DAYS.toNanos(1);
        net.now -= back;
        a.wallOffsetNanos += back;
        b.wallOffsetNanos += back;
        // A caller's next wake-up tells the engine the new reading (deadlines come back in its base).
        a.engine.tick(net.now);
        b.engine.tick(net.now);
        net.run(Constants.REJECT_AFTER_TIME);
        // Before: the sessions' age was negative and they would have lived a day and 180 s more.
        assertFalse(a.engine.isEstablished(b.key(), net.now));
        assertFalse(b.engine.isEstablished(a.key(), net.now));
        assertEquals(1, a.eventsOf(EngineEvent.SessionClosed.class).size());
        assertEquals(1, b.eventsOf(EngineEvent.SessionClosed.class).size());
        assertEquals(0, b.engine.metrics().sessionsLive());
        a.engine.send(b.key(), "after".getBytes(), net.now);
        net.run(seconds(1));
        assertEquals(2, b.messagesFrom(a).size());
    }

    @Test
    void loadStateDoesNotStickWhenTheClockGoesBack() {
        SimNetwork net = new SimNetwork(505);
        Node b = net.addNode("b", net.newIdentity(), c -> c.handshakeLoadThreshold(2));
        Node a = net.addNode("a");
        SplittableRandom r = new SplittableRandom(506);
        InetSocketAddress attacker = new InetSocketAddress(SimNetwork.addr(new byte[] {10, 6, 6, 6}), 666);
        for (int i = 0; i < 10; i++) {
            byte[] d = DosPackets.forgedInitiation(r, Mac1.key(b.key()));
            b.engine.handleDatagram(d, 0, d.length, attacker, net.now);
        }
        assertTrue(b.engine.metrics().drops(DropReason.COOKIE_REQUIRED) > 0, "b is under load");
        long cookies = b.engine.metrics().cookieRepliesSent();
        long back = TimeUnit.HOURS.toNanos(1);
        net.now -= back;
        a.wallOffsetNanos += back;
        b.wallOffsetNanos += back;
        b.engine.tick(net.now);
        net.run(seconds(3));
        // Three seconds later b is no longer under load: a's first initiation is answered without a cookie.
        a.engine.send(b.key(), "x".getBytes(), net.now);
        net.run(seconds(1));
        assertEquals(1, b.messagesFrom(a).size());
        assertEquals(cookies, b.engine.metrics().cookieRepliesSent(), "a needed no cookie");
        assertEquals(1, a.engine.metrics().handshakesInitiated());
    }
}
