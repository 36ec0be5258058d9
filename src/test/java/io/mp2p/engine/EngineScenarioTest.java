package io.mp2p.engine;

import io.mp2p.EngineMetrics;

import io.mp2p.DropReason;

import static io.mp2p.engine.SimNetwork.seconds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.mp2p.engine.SimNetwork.Node;

/**
 * The scenarios of issue 3, item 7, on the simulated network. Each prints its figures.
 */
class EngineScenarioTest {

    /** A message that says who sent it, its sequence number and a checksum of its filler. */
    private static byte[] numbered(int seq, int size, java.util.SplittableRandom r) {
        byte[] m = new byte[Math.max(size, 8)];
        r.nextBytes(m);
        ByteBuffer.wrap(m).putInt(0, seq).putInt(4, java.util.Arrays.hashCode(java.util.Arrays.copyOfRange(m, 8, m.length)));
        return m;
    }

    private static int checkIntact(byte[] m) {
        ByteBuffer b = ByteBuffer.wrap(m);
        assertEquals(b.getInt(4), java.util.Arrays.hashCode(java.util.Arrays.copyOfRange(m, 8, m.length)),
                "message corrupted");
        return b.getInt(0);
    }

    @Test
    void thirtyPercentLossWithReorderAndDuplicationDeliversEachMessageAtMostOnceIntact() {
        SimNetwork net = new SimNetwork(30);
        net.setDefaultLink(SimNetwork.LinkProfile.lossy(0.30, 0.10, 0.30));
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        java.util.SplittableRandom sizes = new java.util.SplittableRandom(31);
        int total = 10_000;
        for (int i = 0; i < total; i++) {
            int size = sizes.nextInt(10) == 0 ? 1200 + sizes.nextInt(3000) : 8 + sizes.nextInt(500);
            a.engine.send(b.key(), numbered(i, size, sizes), net.now);
            b.engine.send(a.key(), numbered(i, 8 + sizes.nextInt(100), sizes), net.now);
            net.run(seconds(0.01));
        }
        net.run(seconds(30));
        for (Node[] pair : new Node[][] {{a, b}, {b, a}}) {
            Set<Integer> seen = new HashSet<>();
            for (byte[] m : pair[1].messagesFrom(pair[0])) {
                assertTrue(seen.add(checkIntact(m)), "delivered twice");
            }
            EngineMetrics m = pair[1].engine.metrics();
            System.out.printf("30%% loss %s->%s: %d of %d messages delivered (%.1f%%), duplicates 0; receiver drops %s; "
                            + "handshakes %d initiated by sender%n", pair[0], pair[1], seen.size(), total,
                    100.0 * seen.size() / total, m.dropsByReason(), pair[0].engine.metrics().handshakesInitiated());
            assertTrue(seen.size() > total / 3, "too few delivered: " + seen.size());
            assertEquals(0, m.drops(DropReason.INTERNAL_ERROR));
            assertEquals(0, m.drops(DropReason.DECRYPT_FAILED));
        }
        assertTrue(a.eventsOf(EngineEvent.HandshakeFailed.class).isEmpty());
        assertTrue(b.eventsOf(EngineEvent.HandshakeFailed.class).isEmpty());
        assertFalse(a.eventsOf(EngineEvent.SessionEstablished.class).isEmpty());
    }

    @Test
    void aRecordedConversationReplayedLaterDeliversNothingTwice() {
        SimNetwork net = new SimNetwork(40);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        List<byte[]> recording = new ArrayList<>();
        net.tap = recording::add;
        for (int i = 0; i < 200; i++) {
            a.engine.send(b.key(), ("m" + i).getBytes(), net.now);
            if (i % 10 == 0) {
                b.engine.send(a.key(), ("r" + i).getBytes(), net.now);
            }
            net.run(seconds(1));
        }
        net.tap = d -> { };
        int deliveredToB = b.messagesFrom(a).size();
        int deliveredToA = a.messagesFrom(b).size();
        assertEquals(200, deliveredToB);
        long dropsB = b.engine.metrics().totalDrops();
        long dropsA = a.engine.metrics().totalDrops();
        // Replay everything to both nodes, twice: at once and 30 s later (4 copies of each packet).
        for (long later : new long[] {0, seconds(30)}) {
            net.run(later);
            for (byte[] d : recording) {
                net.inject(new InetSocketAddress(SimNetwork.addr(new byte[] {10, 66, 66, 66}), 4444), b.group, d);
                net.inject(new InetSocketAddress(SimNetwork.addr(new byte[] {10, 66, 66, 66}), 4444), a.group, d);
            }
            net.run(seconds(1));
        }
        assertEquals(deliveredToB, b.messagesFrom(a).size(), "b got a replayed message");
        assertEquals(deliveredToA, a.messagesFrom(b).size(), "a got a replayed message");
        EngineMetrics mb = b.engine.metrics();
        EngineMetrics ma = a.engine.metrics();
        assertEquals(4L * recording.size(), mb.totalDrops() - dropsB + ma.totalDrops() - dropsA,
                "every replayed packet is dropped and counted: a " + ma.dropsByReason() + " b " + mb.dropsByReason());
        assertTrue(mb.drops(DropReason.STALE_TIMESTAMP) >= 2, "the initiation replay is refused by its timestamp");
        System.out.printf("replay: %d recorded packets replayed twice to each node, 0 delivered; drops a %s, b %s%n",
                recording.size(), ma.dropsByReason(), mb.dropsByReason());
    }

    @Test
    void randomAndBitFlippedDatagramsAreAllDroppedAndCounted() {
        SimNetwork net = new SimNetwork(50);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        List<byte[]> valid = new ArrayList<>();
        net.tap = valid::add;
        for (int i = 0; i < 20; i++) {
            a.engine.send(b.key(), new byte[i * 200], net.now);
            b.engine.send(a.key(), new byte[i], net.now);
            net.run(seconds(0.5));
        }
        net.tap = d -> { };
        java.util.SplittableRandom r = new java.util.SplittableRandom(51);
        EngineMetrics before = b.engine.metrics();
        int delivered = b.events.size();
        int count = 100_000;
        InetSocketAddress from = new InetSocketAddress(SimNetwork.addr(new byte[] {10, 9, 9, 9}), 999);
        for (int i = 0; i < count; i++) {
            byte[] d;
            if (r.nextBoolean()) {
                d = new byte[r.nextInt(1400)];
                r.nextBytes(d);
                if (d.length >= 4 && r.nextBoolean()) {
                    // A plausible header makes the parsers go deeper.
                    d[0] = (byte) (1 + r.nextInt(4));
                    d[1] = 1;
                    d[2] = 0;
                    d[3] = 0;
                }
            } else {
                d = valid.get(r.nextInt(valid.size())).clone();
                int flips = 1 + r.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    int bit = r.nextInt(d.length * 8);
                    d[bit / 8] ^= (byte) (1 << (bit % 8));
                }
            }
            b.engine.handleDatagram(d, 0, d.length, from, net.now);
        }
        EngineMetrics after = b.engine.metrics();
        assertEquals(count, after.packetsIn() - before.packetsIn());
        assertEquals(count, after.totalDrops() - before.totalDrops(), "every datagram is accounted for as a drop: "
                + after.dropsByReason());
        assertEquals(0, after.drops(DropReason.INTERNAL_ERROR));
        for (int i = delivered; i < b.events.size(); i++) {
            assertFalse(b.events.get(i) instanceof EngineEvent.MessageReceived, "garbage was delivered");
        }
        net.run(seconds(0.1));
        for (EngineEvent e : b.events.subList(delivered, b.events.size())) {
            assertFalse(e instanceof EngineEvent.MessageReceived, "garbage was delivered: " + e);
        }
        System.out.printf("garbage: %d random and bit-flipped datagrams, all dropped: %s; Noise messages processed %d%n",
                count, after.dropsByReason(), after.noiseMessagesProcessed() - before.noiseMessagesProcessed());
        // The session still works.
        a.engine.send(b.key(), "still here".getBytes(), net.now);
        net.run(seconds(1));
        assertArrayEquals("still here".getBytes(), b.messagesFrom(a).get(b.messagesFrom(a).size() - 1));
    }

    /**
     * 10,000 clients each complete a handshake with one server and send it a message. Driven packet by
     * packet (not through {@link SimNetwork}, whose per-event scan of all nodes is quadratic), one
     * client at a time, so that the heap growth measured is the server's alone. The server's load
     * threshold is raised: this measures sessions, not the flood defence ({@link EngineDosTest}).
     */
    @Test
    void tenThousandConcurrentSessionsOnOneEngine() {
        int n = Integer.getInteger("mp2p.test.sessions", 10_000);
        SimNetwork net = new SimNetwork(60);
        Node server = net.addNode("server", net.newIdentity(), c -> c.handshakeLoadThreshold(Integer.MAX_VALUE));
        Runtime rt = Runtime.getRuntime();
        long heapBefore = usedHeap(rt);
        long t0 = System.nanoTime();
        InetSocketAddress serverGroup = server.group;
        for (int i = 0; i < n; i++) {
            EngineConfig.Builder b = EngineConfig.builder(net.newIdentity())
                    .replyAddress(new InetSocketAddress(SimNetwork.addr(new byte[] {(byte) 239, (byte) 192, (byte) 230, 1}), 41414))
                    .peerLocator(k -> serverGroup).random(net.randomSource())
                    .wallClock(() -> SimNetwork.WALL_EPOCH_NANOS);
            Endpoint client = new Endpoint(b.build());
            InetSocketAddress from = new InetSocketAddress(SimNetwork.addr(new byte[] {10, (byte) (i >> 16),
                    (byte) (i >> 8), (byte) i}), 50000);
            client.send(server.key(), new byte[] {(byte) i}, net.now);
            exchange(client, server.engine, from, net.now);
            client.destroy();
        }
        long cpu = System.nanoTime() - t0;
        EngineMetrics m = server.engine.metrics();
        assertEquals(n, m.sessionsLive());
        assertEquals(n, m.messagesDelivered());
        assertEquals(n, m.handshakesCompleted());
        assertEquals(0, m.totalDrops());
        long heapAfter = usedHeap(rt);
        long perSession = (heapAfter - heapBefore) / n;
        System.out.printf("sessions: %d live on one engine; %d handshakes in %.1f s (both sides on one thread, %.0f /s);"
                        + " server heap %.1f MiB, about %d bytes per established session%n", m.sessionsLive(), n,
                cpu / 1e9, n / (cpu / 1e9), (heapAfter - heapBefore) / 1048576.0, perSession);
        assertTrue(perSession > 0 && perSession < 64 * 1024, "per-session memory " + perSession);
        server.engine.destroy();
    }

    /** Passes packets between a client and the server until neither has more to send. */
    private static void exchange(Endpoint client, Endpoint server, InetSocketAddress clientAddress, long now) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Transmit t; (t = client.pollTransmit()) != null; moved = true) {
                server.handleDatagram(t.data(), 0, t.length(), clientAddress, now);
            }
            for (Transmit t; (t = server.pollTransmit()) != null; moved = true) {
                client.handleDatagram(t.data(), 0, t.length(), new InetSocketAddress(SimNetwork.addr(
                        new byte[] {10, 0, 0, 1}), 50000), now);
            }
        }
        while (server.pollEvent() != null) {
            // Events are counted in the metrics.
        }
    }

    private static long usedHeap(Runtime rt) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void aClockJumpOfADayExpiresSessionsWhichThenReestablish() {
        SimNetwork net = new SimNetwork(70);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        a.engine.send(b.key(), "before".getBytes(), net.now);
        net.run(seconds(1));
        assertEquals(1, b.messagesFrom(a).size());
        net.now += TimeUnit.DAYS.toNanos(1);
        a.wallOffsetNanos = 0;
        net.run(seconds(0.001));
        assertEquals(List.of(new EngineEvent.SessionClosed(b.key(), CloseReason.EXPIRED)),
                a.eventsOf(EngineEvent.SessionClosed.class));
        assertEquals(List.of(new EngineEvent.SessionClosed(a.key(), CloseReason.EXPIRED)),
                b.eventsOf(EngineEvent.SessionClosed.class));
        assertFalse(a.engine.isEstablished(b.key(), net.now));
        a.engine.send(b.key(), "after".getBytes(), net.now);
        net.run(seconds(1));
        assertEquals(2, b.messagesFrom(a).size());
        assertEquals(2, a.eventsOf(EngineEvent.SessionEstablished.class).size());
        assertFalse(a.eventsOf(EngineEvent.SessionEstablished.class).get(1).renewal(),
                "after a close, a new session is not a renewal");
        System.out.println("clock jump: +1 day expired both sides' sessions; the next message re-established one");
    }

    @Test
    void aStalledClockKeepsSessionsWorkingAndTimersWaitForIt() {
        SimNetwork net = new SimNetwork(71);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        a.engine.send(b.key(), "x".getBytes(), net.now);
        net.run(seconds(1));
        long stalled = net.now;
        // The clock does not move: feed packets by hand at the same instant.
        for (int i = 0; i < 1000; i++) {
            a.engine.send(b.key(), ("s" + i).getBytes(), stalled);
            for (Transmit t; (t = a.engine.pollTransmit()) != null; ) {
                b.engine.handleDatagram(t.data(), 0, t.length(), a.unicast, stalled);
            }
            b.engine.tick(stalled);
            a.engine.tick(stalled);
        }
        for (EngineEvent e; (e = b.engine.pollEvent()) != null; ) {
            b.events.add(e);
        }
        assertEquals(1001, b.messagesFrom(a).size());
        assertEquals(1, a.engine.metrics().handshakesInitiated());
        // When the clock resumes, timers that came due fire: b owes a keepalive, sessions expire at 180 s.
        net.run(seconds(200));
        assertEquals(1, b.engine.metrics().keepalivesSent(), "one keepalive: b received and had sent nothing back");
        assertEquals(1, a.eventsOf(EngineEvent.SessionClosed.class).size());
        System.out.println("stalled clock: 1000 messages at one instant delivered; no timer fired until time moved");
    }

    @Test
    void clockGoingBackwardsStillSendsIncreasingTimestamps() {
        SimNetwork net = new SimNetwork(72);
        Node a = net.addNode("a");
        Node b = net.addNode("b");
        a.engine.send(b.key(), "1".getBytes(), net.now);
        net.run(seconds(1));
        a.engine.close(b.key(), net.now);
        net.run(seconds(1));
        a.wallOffsetNanos = -TimeUnit.HOURS.toNanos(5);
        a.engine.send(b.key(), "2".getBytes(), net.now);
        net.run(seconds(1));
        assertEquals(2, b.messagesFrom(a).size());
        assertEquals(0, b.engine.metrics().drops(DropReason.STALE_TIMESTAMP));
    }
}
