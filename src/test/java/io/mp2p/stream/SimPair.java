package io.mp2p.stream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Two {@link StreamConnection}s joined by two {@link SimLink}s and driven by a virtual clock: the
 * loop moves packets, fires timers and lets the test's applications act, jumping from one event to
 * the next. No thread, no sleep: a simulated minute costs only the packets in it.
 */
final class SimPair {
    /** A side's application: called after every step, reads events and acts on its connection. */
    interface App {
        /** {@code events}: what the side's connection reported since the last step. */
        void step(SimPair sim, Side side, List<StreamEvent> events);
    }

    /** One end: its connection and its outgoing link. */
    final class Side {
        final String name;
        StreamConnection conn;
        SimLink out;
        App app = (s, me, ev) -> { };
        /** Every event the side's connection reported, in order. */
        final List<StreamEvent> log = new ArrayList<>();
        /** When each event was reported (parallel to {@link #log}). */
        final List<Long> logTimes = new ArrayList<>();
        /** Whether to keep {@link #log} (a long bulk transfer does not need its readable events). */
        boolean keepLog = true;
        private final List<StreamEvent> fresh = new ArrayList<>();
        /** Whether the side is driven at all (a vanished peer is not). */
        boolean alive = true;
        /** When a packet last reached this side. */
        long lastArrival = -1;
        /** Outcomes of every packet handed to this side. */
        final java.util.EnumMap<ReceiveOutcome, Long> outcomes = new java.util.EnumMap<>(ReceiveOutcome.class);
        /** Connections replaced after {@link ReceiveOutcome#PEER_RESTARTED}, as an engine would. */
        int restarts;
        StreamConfig config;
        boolean evenIds;
        int nextEpoch;

        Side(String name) {
            this.name = name;
        }

        Side peer() {
            return this == a ? b : a;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private record Arrival(long at, long seq, Side to, byte[] packet) {
    }

    /** Simulated clock origin: arbitrary and large, so that nothing depends on time starting at 0. */
    static final long T0 = TimeUnit.DAYS.toNanos(3);

    final Side a = new Side("A");
    final Side b = new Side("B");
    final int maxPacket;
    long now = T0;
    long steps;
    private long seq;
    private final byte[] buf;
    private final PriorityQueue<Arrival> queue = new PriorityQueue<>((x, y) ->
            x.at != y.at ? Long.compare(x.at, y.at) : Long.compare(x.seq, y.seq));

    SimPair(StreamConfig configA, StreamConfig configB, SimLink.Profile aToB, SimLink.Profile bToA, long seed) {
        this.maxPacket = Math.max(configA.maxPacketSize(), configB.maxPacketSize());
        this.buf = new byte[maxPacket];
        a.config = configA;
        a.evenIds = true;
        a.nextEpoch = 0x0a0a0a0a;
        b.config = configB;
        b.nextEpoch = 0x0b0b0b0b;
        restart(a);
        restart(b);
        a.out = new SimLink(aToB, seed, (at, p) -> queue.add(new Arrival(at, seq++, b, p)));
        b.out = new SimLink(bToA, seed ^ 0x5DEECE66DL, (at, p) -> queue.add(new Arrival(at, seq++, a, p)));
    }

    SimPair(StreamConfig config, SimLink.Profile link, long seed) {
        this(config, config, link, link, seed);
    }

    /** Runs until {@code done} holds or the simulated deadline passes; returns whether {@code done} held. */
    boolean runUntil(BooleanSupplier done, long simulatedNanos) {
        long limit = now + simulatedNanos;
        while (true) {
            act(a);
            act(b);
            if (done.getAsBoolean()) {
                return true;
            }
            long next = Math.min(queue.isEmpty() ? StreamConstants.NO_TIMEOUT : queue.peek().at,
                    Math.min(timeout(a), timeout(b)));
            if (next == StreamConstants.NO_TIMEOUT || next > limit) {
                now = Math.max(now, Math.min(limit, next));
                return done.getAsBoolean();
            }
            now = Math.max(now, next);
            steps++;
            while (!queue.isEmpty() && queue.peek().at <= now) {
                Arrival x = queue.poll();
                if (x.to.alive) {
                    x.to.lastArrival = now;
                    deliver(x.to, x.packet);
                }
            }
            for (Side s : new Side[] {a, b}) {
                if (s.alive && s.conn.pollTimeout() <= now) {
                    s.conn.handleTimeout(now);
                }
            }
        }
    }

    /** Gives a side a new connection with a new epoch, as after a restart of its stream layer. */
    void restart(Side s) {
        s.conn = new StreamConnection(s.config, s.evenIds, s.nextEpoch++, now);
    }

    /**
     * Hands a packet to a side. On {@link ReceiveOutcome#PEER_RESTARTED} it does what the engine
     * must: a new connection for that peer, given the same packet.
     */
    ReceiveOutcome deliver(Side to, byte[] packet) {
        ReceiveOutcome o = to.conn.handlePacket(packet, 0, packet.length, now);
        if (o == ReceiveOutcome.PEER_RESTARTED) {
            to.restarts++;
            restart(to);
            o = to.conn.handlePacket(packet, 0, packet.length, now);
        }
        to.outcomes.merge(o, 1L, Long::sum);
        return o;
    }

    /** Runs a side's application, then sends everything it may send now. */
    void act(Side s) {
        if (!s.alive) {
            return;
        }
        fresh(s);
        s.app.step(this, s, s.fresh);
        flush(s);
    }

    private void fresh(Side s) {
        s.fresh.clear();
        for (StreamEvent e; (e = s.conn.pollEvent()) != null; ) {
            s.fresh.add(e);
            if (s.keepLog || !(e instanceof StreamEvent.Readable || e instanceof StreamEvent.Writable)) {
                s.log.add(e);
                s.logTimes.add(now);
            }
        }
    }

    /** Events of one type the side reported. */
    <T extends StreamEvent> List<T> events(Side s, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (StreamEvent e : s.log) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** When the side first reported an event of {@code type}, or −1. */
    long timeOf(Side s, Class<? extends StreamEvent> type) {
        for (int i = 0; i < s.log.size(); i++) {
            if (type.isInstance(s.log.get(i))) {
                return s.logTimes.get(i);
            }
        }
        return -1;
    }

    void flush(Side s) {
        for (int n; (n = s.conn.pollTransmit(now, buf, 0, buf.length)) > 0; ) {
            s.out.send(Arrays.copyOf(buf, n), now);
        }
    }

    private long timeout(Side s) {
        return s.alive ? s.conn.pollTimeout() : StreamConstants.NO_TIMEOUT;
    }

    static long seconds(double s) {
        return (long) (s * TimeUnit.SECONDS.toNanos(1));
    }

    static double toSeconds(long nanos) {
        return nanos / 1e9;
    }

    static double millis(long nanos) {
        return nanos / 1e6;
    }
}
