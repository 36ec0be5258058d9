package io.mp2p.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import io.mp2p.DropReason;
import io.mp2p.SessionPath;
import io.mp2p.identity.Mp2pIdentity;

/**
 * Happy Eyeballs over the group and unicast endpoints (spec/PROTOCOL.md §6.10), sans-IO: two engines,
 * a wire whose paths can be cut or slowed per destination, and time in milliseconds passed in.
 */
class PathRaceTest {
    private static final int INITIATION_TYPE = io.mp2p.wire.PacketType.HANDSHAKE_INITIATION.code();
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long WALL = TimeUnit.SECONDS.toNanos(1_767_225_600L);
    private static final InetSocketAddress GROUP_A = addrPort("239.192.0.1", 41414);
    private static final InetSocketAddress GROUP_B = addrPort("239.192.0.2", 41414);
    private static final InetSocketAddress UNICAST_A = addrPort("198.51.100.1", 41415);
    private static final InetSocketAddress UNICAST_B = addrPort("2001:db8::2", 41415);

    private static InetSocketAddress addrPort(String host, int port) {
        try {
            return new InetSocketAddress(java.net.InetAddress.getByName(host), port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** One node: its engine, where it listens, and what it reported. */
    private static final class Node {
        final Endpoint engine;
        final InetSocketAddress group;
        final InetSocketAddress unicast;
        /** The source address others see this node's packets come from (a NAT may change it). */
        InetSocketAddress seenAs;
        final List<EngineEvent> events = new ArrayList<>();

        Node(Endpoint engine, InetSocketAddress group, InetSocketAddress unicast) {
            this.engine = engine;
            this.group = group;
            this.unicast = unicast;
            this.seenAs = unicast;
        }

        <T extends EngineEvent> List<T> eventsOf(Class<T> type) {
            List<T> out = new ArrayList<>();
            for (EngineEvent e : events) {
                if (type.isInstance(e)) {
                    out.add(type.cast(e));
                }
            }
            return out;
        }
    }

    private record Packet(long at, long seq, InetSocketAddress from, InetSocketAddress to, byte[] data) {
    }

    /** A wire between two nodes: each destination is delivered after {@link #delayOf} unless {@link #cut}. */
    private static final class Wire {
        final Node a;
        final Node b;
        long now;
        long seq;
        Predicate<InetSocketAddress> cut = to -> false;
        java.util.function.ToLongFunction<InetSocketAddress> delayOf = to -> MS;
        /** Every datagram put on the wire: its send time and first byte (the packet type). */
        final List<long[]> sendTimes = new ArrayList<>();
        final List<InetSocketAddress> destinations = new ArrayList<>();
        final PriorityQueue<Packet> inFlight = new PriorityQueue<>((x, y) -> x.at != y.at
                ? Long.compare(x.at, y.at) : Long.compare(x.seq, y.seq));

        Wire(Node a, Node b) {
            this.a = a;
            this.b = b;
        }

        Node owner(InetSocketAddress to) {
            if (to.equals(a.group) || to.equals(a.unicast) || to.equals(a.seenAs)) {
                return a;
            }
            if (to.equals(b.group) || to.equals(b.unicast) || to.equals(b.seenAs)) {
                return b;
            }
            return null;
        }

        void collect() {
            for (Node n : List.of(a, b)) {
                for (Transmit t; (t = n.engine.pollTransmit()) != null; ) {
                    destinations.add(t.destination());
                    sendTimes.add(new long[] {now, t.data()[0]});
                    if (!cut.test(t.destination())) {
                        inFlight.add(new Packet(now + delayOf.applyAsLong(t.destination()), seq++, n.seenAs,
                                t.destination(), java.util.Arrays.copyOf(t.data(), t.length())));
                    }
                }
                for (EngineEvent e; (e = n.engine.pollEvent()) != null; ) {
                    n.events.add(e);
                }
            }
        }

        void runUntil(long until) {
            while (true) {
                collect();
                long next = until;
                for (Node n : List.of(a, b)) {
                    long d = n.engine.nextDeadline();
                    if (d != Constants.NO_DEADLINE && d < next) {
                        next = d;
                    }
                }
                Packet p = inFlight.peek();
                if (p != null && p.at <= next) {
                    inFlight.poll();
                    now = Math.max(now, p.at);
                    Node dst = owner(p.to);
                    if (dst != null) {
                        dst.engine.handleDatagram(p.data, 0, p.data.length, p.from, now);
                    }
                    continue;
                }
                now = Math.max(now, next);
                for (Node n : List.of(a, b)) {
                    long d = n.engine.nextDeadline();
                    if (d != Constants.NO_DEADLINE && d <= now) {
                        n.engine.tick(now);
                    }
                }
                if (next >= until) {
                    collect();
                    return;
                }
            }
        }

        /** How many handshake initiations went to {@code to}. */
        long countTo(InetSocketAddress to) {
            long n = 0;
            for (int i = 0; i < destinations.size(); i++) {
                if (destinations.get(i).equals(to) && sendTimes.get(i)[1] == INITIATION_TYPE) {
                    n++;
                }
            }
            return n;
        }
    }

    private Wire wire(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Wire[] w = new Wire[1];
        Node a = node(r, GROUP_A, UNICAST_A, w);
        Node b = node(r, GROUP_B, UNICAST_B, w);
        w[0] = new Wire(a, b);
        return w[0];
    }

    private static Node node(SplittableRandom r, InetSocketAddress group, InetSocketAddress unicast, Wire[] w) {
        Mp2pIdentity id = io.mp2p.TestIdentities.seeded(r);
        SplittableRandom mine = r.split();
        EngineConfig c = EngineConfig.builder(id)
                .replyAddress(group)
                .peerLocator((k, attempt) -> {
                    throw new AssertionError("the race was given the group; the locator is not asked");
                })
                .random(mine::nextBytes)
                .wallClock(() -> WALL + (w[0] == null ? 0 : w[0].now))
                .build();
        return new Node(new Endpoint(c), group, unicast);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void whenTheGroupCarriesNothingTheUnicastCopyGoesOneAttemptDelayLaterAndWins() {
        Wire w = wire(1);
        w.cut = to -> to.getAddress().isMulticastAddress();
        w.a.engine.connect(w.b.engine.localKey(), GROUP_B, List.of(UNICAST_B), 0);
        w.runUntil(PathRace.CONNECTION_ATTEMPT_DELAY - MS);
        assertEquals(List.of(GROUP_B), w.destinations, "only the group copy before the attempt delay");
        w.runUntil(PathRace.CONNECTION_ATTEMPT_DELAY);
        assertEquals(List.of(GROUP_B, UNICAST_B), w.destinations);
        assertEquals(PathRace.CONNECTION_ATTEMPT_DELAY, w.sendTimes.get(1)[0]);
        w.runUntil(PathRace.CONNECTION_ATTEMPT_DELAY + 10 * MS);
        assertTrue(w.a.engine.isEstablished(w.b.engine.localKey(), w.now));
        SessionPath expected = new SessionPath(SessionPath.Kind.UNICAST, UNICAST_B);
        assertEquals(expected, w.a.engine.path(w.b.engine.localKey()));
        assertEquals(List.of(new EngineEvent.PathChanged(w.b.engine.localKey(), expected)),
                w.a.eventsOf(EngineEvent.PathChanged.class));
        // The responder answered the source of the copy it got, not our group (reply family 0).
        assertEquals(new SessionPath(SessionPath.Kind.UNICAST, UNICAST_A), w.b.engine.path(w.a.engine.localKey()));
        assertEquals("unicast [2001:db8::2]:41415", expected.toString());
        w.a.engine.send(w.b.engine.localKey(), utf8("over unicast"), w.now);
        w.runUntil(w.now + 10 * MS);
        List<EngineEvent.MessageReceived> got = w.b.eventsOf(EngineEvent.MessageReceived.class);
        assertEquals(1, got.size());
        assertArrayEquals(utf8("over unicast"), got.get(0).message());
    }

    @Test
    void aGroupAnsweringWithinTheAttemptDelayWinsAndNoUnicastCopyIsSent() {
        Wire w = wire(2);
        w.a.engine.connect(w.b.engine.localKey(), GROUP_B, List.of(UNICAST_B), 0);
        w.runUntil(2 * PathRace.CONNECTION_ATTEMPT_DELAY);
        assertTrue(w.a.engine.isEstablished(w.b.engine.localKey(), w.now));
        assertEquals(0, w.countTo(UNICAST_B), "the unicast copy was cancelled by the completed handshake");
        assertEquals(new SessionPath(SessionPath.Kind.GROUP, GROUP_B), w.a.engine.path(w.b.engine.localKey()));
    }

    @Test
    void copiesArrivingOverBothPathsMakeOneSessionAndTheLateCopyIsAReplay() {
        Wire w = wire(3);
        // The group is slow (300 ms), so the unicast copy (sent at 250 ms) arrives first.
        w.delayOf = to -> to.getAddress().isMulticastAddress() ? 300 * MS : MS;
        w.a.engine.connect(w.b.engine.localKey(), GROUP_B, List.of(UNICAST_B), 0);
        w.runUntil(1_000 * MS);
        assertEquals(1, w.countTo(GROUP_B));
        assertEquals(1, w.countTo(UNICAST_B));
        assertEquals(1, w.b.engine.metrics().handshakesCompleted(), "one session on the responder");
        assertEquals(1, w.b.engine.metrics().drops(DropReason.STALE_TIMESTAMP), "the group copy came second");
        assertEquals(1, w.a.eventsOf(EngineEvent.SessionEstablished.class).size());
        assertEquals(SessionPath.Kind.UNICAST, w.a.engine.path(w.b.engine.localKey()).kind());
        w.a.engine.send(w.b.engine.localKey(), utf8("once"), w.now);
        w.runUntil(w.now + 400 * MS);
        assertEquals(1, w.b.eventsOf(EngineEvent.MessageReceived.class).size());
        assertEquals(1, w.b.eventsOf(EngineEvent.SessionEstablished.class).size());
    }

    @Test
    void aUnicastSessionFollowsAnAuthenticatedPacketFromANewSourceAndIgnoresForgedOnes() {
        Wire w = wire(4);
        w.cut = to -> to.getAddress().isMulticastAddress();
        w.a.engine.connect(w.b.engine.localKey(), GROUP_B, List.of(UNICAST_B), 0);
        w.runUntil(PathRace.CONNECTION_ATTEMPT_DELAY + 10 * MS);
        long handshakes = w.a.engine.metrics().handshakesInitiated();
        // Garbage from elsewhere does not move the session.
        InetSocketAddress elsewhere = addrPort("203.0.113.66", 9);
        byte[] forged = new byte[64];
        forged[0] = 4;
        w.a.engine.handleDatagram(forged, 0, forged.length, elsewhere, w.now);
        assertEquals(UNICAST_B, w.a.engine.path(w.b.engine.localKey()).address());
        // B's NAT rebinds: its packets now come from a new address and port.
        InetSocketAddress rebound = addrPort("2001:db8::99", 60000);
        w.b.seenAs = rebound;
        w.b.engine.send(w.a.engine.localKey(), utf8("from my new address"), w.now);
        w.runUntil(w.now + 10 * MS);
        assertEquals(new SessionPath(SessionPath.Kind.UNICAST, rebound), w.a.engine.path(w.b.engine.localKey()));
        w.a.engine.send(w.b.engine.localKey(), utf8("to your new address"), w.now);
        w.runUntil(w.now + 10 * MS);
        assertEquals(rebound, w.destinations.get(w.destinations.size() - 1));
        assertEquals(1, w.b.eventsOf(EngineEvent.MessageReceived.class).size());
        assertEquals(handshakes, w.a.engine.metrics().handshakesInitiated(), "the session was kept, no new handshake");
        assertEquals(1, w.a.eventsOf(EngineEvent.SessionEstablished.class).size());
    }

    @Test
    void aGroupSessionStaysOnTheGroupWhateverSourceItsPeerSendsFrom() {
        Wire w = wire(5);
        w.a.engine.connect(w.b.engine.localKey(), GROUP_B, List.of(UNICAST_B), 0);
        w.runUntil(100 * MS);
        w.b.seenAs = addrPort("2001:db8::98", 60001);
        w.b.engine.send(w.a.engine.localKey(), utf8("hi"), w.now);
        w.runUntil(w.now + 10 * MS);
        assertEquals(1, w.a.eventsOf(EngineEvent.MessageReceived.class).size());
        assertEquals(new SessionPath(SessionPath.Kind.GROUP, GROUP_B), w.a.engine.path(w.b.engine.localKey()));
    }

    @Test
    void withNoPathAnsweringTheRaceRepeatsOnEveryRetryAndGivesUp() {
        Wire w = wire(6);
        w.cut = to -> true;
        w.a.engine.connect(w.b.engine.localKey(), GROUP_B, List.of(UNICAST_B), 0);
        w.runUntil(TimeUnit.SECONDS.toNanos(100));
        assertEquals(1, w.a.eventsOf(EngineEvent.HandshakeFailed.class).size());
        long attempts = w.a.eventsOf(EngineEvent.HandshakeFailed.class).get(0).attempts();
        assertEquals(attempts, w.countTo(GROUP_B));
        assertEquals(attempts, w.countTo(UNICAST_B));
        assertNull(w.a.engine.path(w.b.engine.localKey()));
    }
}
