package io.mp2p.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.net.ssl.SSLException;

/**
 * {@code mp2p bench}: plain UDP, mp2p and JSSE DTLS 1.2 on loopback in one process and one run.
 * The contenders take turns in short slices (UDP, mp2p, DTLS, UDP, mp2p, ...; the order reversed
 * every other round), so that whatever else the machine does hits them alike. The phases are:
 * a warm-up whose figures are discarded, datagram throughput, handshake CPU (mp2p's engines beside
 * the X25519 floor and DTLS in memory), handshake latency over loopback, ping-pong round trips, and
 * streams (bulk goodput and 64-byte request and reply over one mp2p stream vs a plain TCP socket on
 * 127.0.0.1).
 * Every phase gets a share of the time left when it starts, so the whole run, setup included,
 * stays within the duration asked for.
 *
 * <pre>{@code
 * BenchResults r = new Bench(new BenchSettings(Duration.ofSeconds(30), CipherSuite.AESGCM_SHA256)).run(System.err);
 * System.out.println(BenchReport.json(r));
 * }</pre>
 */
public final class Bench {
    /** Kept back at the end for closing the contenders and a drain that runs late. */
    private static final double RESERVE = 0.05;
    private static final double WARMUP_SHARE = 0.10;
    private static final double THROUGHPUT_SHARE = 0.32;
    private static final double HANDSHAKE_SHARE = 0.18;
    private static final double CONNECT_SHARE = 0.08;
    private static final double PING_SHARE = 0.17;
    private static final double STREAM_SHARE = 0.15;
    /** Of the stream phase, the part for bulk transfer; the rest is for request and reply. */
    private static final double STREAM_BULK_FRACTION = 0.6;
    /** Of a bulk slice, the part spent writing; the rest is for the last bytes to arrive. */
    private static final double STREAM_WRITE_FRACTION = 0.8;
    /** Slices shorter than this measure the scheduler more than the contender; fewer rounds instead. */
    private static final long TARGET_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final int MIN_ROUNDS = 2;
    /** How often the handshake-latency phase, which has no rounds of its own, says how far it got. */
    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Every cell runs at least this long, even past the deadline: a run on a machine too slow for
     * its duration still reports every figure (and says how long it took).
     */
    private static final long MIN_CELL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int MAX_ROUNDS = 12;
    /** Of a throughput slice, the part spent sending; the rest is for the last messages to arrive. */
    private static final double SEND_FRACTION = 0.6;
    /** After the throughput rounds, a message that has not arrived once nothing moved for this long is lost. */
    private static final long SETTLE_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final long SETTLE_MAX_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long SETTLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** However short the slice, a drain may take this long (mp2p's 4,096 queued sends of 16 KiB). */
    private static final long MIN_DRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final BenchSettings settings;
    private PrintStream progress;
    private Budget budget;
    private long reserveNanos;

    public Bench(BenchSettings settings) {
        this.settings = settings;
    }

    /** Runs every phase, printing progress lines on {@code progressOut}; the figures at the end. */
    public BenchResults run(PrintStream progressOut) throws BenchException, InterruptedException {
        this.progress = progressOut;
        this.budget = new Budget(System.nanoTime(), settings.duration().toNanos());
        this.reserveNanos = (long) (settings.duration().toNanos() * RESERVE);
        BenchResults r = new BenchResults(settings);
        r.loadBefore = Machine.loadAverage();
        NetworkInterface lo = Loopback.multicastInterface();
        say("setting up: plain UDP, mp2p channels (%s), JSSE DTLS 1.2 and plain TCP on loopback", settings.suite());
        try (Contenders c = new Contenders(lo)) {
            r.dtlsCipherSuite = c.dtlsStream.cipherSuite();
            // Warm-up first (figures discarded: JIT compilation, first sessions), then the measured phases.
            List<Phase> phases = List.of(
                    new Phase(null, WARMUP_SHARE * 3 / 8, t -> throughput(c, null, t, 1, "warm-up, throughput")),
                    new Phase(null, WARMUP_SHARE / 4, t -> handshakes(c, null, t, 1, "warm-up, handshake CPU")),
                    new Phase(null, WARMUP_SHARE / 8, t -> connects(c, null, t, "warm-up, handshake latency")),
                    new Phase(null, WARMUP_SHARE / 8, t -> pings(c, null, t, 1, "warm-up, ping-pong")),
                    new Phase(null, WARMUP_SHARE / 8, t -> streams(c, null, t, 1, "warm-up, streams")),
                    new Phase("throughput", THROUGHPUT_SHARE,
                            t -> throughput(c, r, t, rounds(t, throughputCells()), "throughput")),
                    new Phase("handshake_cpu", HANDSHAKE_SHARE,
                            t -> handshakes(c, r, t, rounds(t, HANDSHAKE_CELLS), "handshake CPU")),
                    new Phase("handshake_latency", CONNECT_SHARE, t -> connects(c, r, t, "handshake latency")),
                    new Phase("ping", PING_SHARE, t -> pings(c, r, t, rounds(t, PING_CELLS), "ping-pong")),
                    new Phase("streams", STREAM_SHARE, t -> streams(c, r, t, rounds(t, STREAM_CELLS), "streams")));
            double sharesLeft = phases.stream().mapToDouble(Phase::share).sum();
            for (Phase phase : phases) {
                int rounds = phase.body().run(phaseNanos(phase.share(), sharesLeft));
                sharesLeft -= phase.share();
                if (phase.name() != null) {
                    r.rounds.put(phase.name(), rounds);
                }
            }
        } catch (IOException e) {
            throw new BenchException("a contender failed: " + e.getMessage(), e);
        }
        r.loadAfter = Machine.loadAverage();
        r.elapsedSeconds = budget.elapsedSeconds();
        say("done");
        return r;
    }

    /** A phase's body: given its time, runs its rounds and says how many it completed. */
    @FunctionalInterface
    private interface PhaseBody {
        int run(long nanos) throws IOException, InterruptedException, BenchException;
    }

    /** A phase of the run; {@code name} null for the warm-up, whose figures are discarded. */
    private record Phase(String name, double share, PhaseBody body) {
    }

    /** Every contender, opened once for the whole run and closed at its end. */
    private final class Contenders implements AutoCloseable {
        private final List<AutoCloseable> opened = new ArrayList<>();
        final UdpDatagrams udpStream;
        final Mp2pDatagrams mp2pStream;
        final DtlsContext dtls;
        final DtlsDatagrams dtlsStream;
        final UdpPingPong udpPing;
        final Mp2pPingPong mp2pPing;
        final Mp2pConnectLatency mp2pConnect;
        final DtlsConnectLatency dtlsConnect;
        final EngineHandshakes engines;
        final TcpStreams tcpStreams;
        final Mp2pStreams mp2pStreams;
        final X25519Floor floor = new X25519Floor();
        final DtlsMemoryHandshake dtlsMemory = new DtlsMemoryHandshake();

        Contenders(NetworkInterface lo) throws IOException, BenchException, InterruptedException {
            try {
                udpStream = add(new UdpDatagrams(lo));
                mp2pStream = add(new Mp2pDatagrams(settings.suite()));
                dtls = DtlsContext.create();
                dtlsStream = add(new DtlsDatagrams(dtls));
                udpPing = add(new UdpPingPong(lo));
                mp2pPing = add(new Mp2pPingPong(settings.suite()));
                mp2pConnect = add(new Mp2pConnectLatency(settings.suite()));
                dtlsConnect = add(new DtlsConnectLatency(dtls));
                engines = add(new EngineHandshakes(settings.suite()));
                tcpStreams = add(new TcpStreams());
                mp2pStreams = add(new Mp2pStreams(settings.suite()));
            } catch (IOException | BenchException | InterruptedException | RuntimeException e) {
                close();
                throw e;
            }
        }

        private <T extends AutoCloseable> T add(T t) {
            opened.add(t);
            return t;
        }

        @Override
        public void close() {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception e) {
                    // Every contender's close() is quiet; this is AutoCloseable's signature only.
                    progress.println("mp2p bench: closing a contender failed: " + e);
                }
            }
        }
    }

    // ------------------------------------------------------------------ phases

    private static int throughputCells() {
        return 2 * BenchSettings.SIZES.size() + 1;
    }

    private static final int HANDSHAKE_CELLS = 3;
    private static final int PING_CELLS = 2;
    /** TCP and mp2p bulk, TCP and mp2p request and reply. */
    private static final int STREAM_CELLS = 4;

    /** UDP and mp2p at each size, DTLS beside them at its size; {@code r == null} discards the figures. */
    private int throughput(Contenders c, BenchResults r, long phaseNanos, int rounds, String phase)
            throws IOException, InterruptedException, BenchException {
        long cell = Math.max(MIN_CELL_NANOS, phaseNanos / ((long) rounds * throughputCells()));
        List<Map.Entry<Throughput, SliceCounter.Run>> runs = new ArrayList<>();
        int done = 0;
        for (int round = 0; round < rounds && (round == 0 || !budget.expired()); round++) {
            List<Integer> sizes = new ArrayList<>(BenchSettings.SIZES);
            if (round % 2 == 1) {
                Collections.reverse(sizes);
            }
            for (int size : sizes) {
                SliceCounter.Run udp = slice(c.udpStream, size, cell);
                SliceCounter.Run mp2p = slice(c.mp2pStream, size, cell);
                SliceCounter.Run dtls = size == BenchSettings.DTLS_SIZE ? slice(c.dtlsStream, size, cell) : null;
                if (r != null) {
                    runs.add(Map.entry(r.udp.get(size), udp));
                    runs.add(Map.entry(r.mp2p.get(size), mp2p));
                    if (dtls != null) {
                        runs.add(Map.entry(r.dtls, dtls));
                    }
                }
            }
            done++;
            roundDone(phase, round, rounds);
        }
        settle(c);
        for (Map.Entry<Throughput, SliceCounter.Run> e : runs) {
            e.getKey().add(e.getValue().slice());
        }
        return done;
    }

    private SliceCounter.Run slice(DatagramContender contender, int size, long cellNanos)
            throws IOException, InterruptedException, BenchException {
        long send = (long) (cellNanos * SEND_FRACTION);
        long start = System.nanoTime();
        long drainDeadline = Math.min(start + Math.max(cellNanos, send + MIN_DRAIN_NANOS),
                budget.deadline() - reserveNanos / 2);
        return contender.run(size, send, drainDeadline);
    }

    /**
     * Waits for messages still on their way to any contender (they count for their own slice) until
     * nothing has arrived for a while; what arrives later is lost.
     */
    private void settle(Contenders c) {
        long end = System.nanoTime() + SETTLE_MAX_NANOS;
        long last = -1;
        long stillSince = System.nanoTime();
        while (System.nanoTime() - end < 0) {
            long arrived = c.udpStream.arrived() + c.mp2pStream.arrived() + c.dtlsStream.arrived();
            long now = System.nanoTime();
            if (arrived != last) {
                last = arrived;
                stillSince = now;
            } else if (now - stillSince >= SETTLE_QUIET_NANOS) {
                return;
            }
            LockSupport.parkNanos(SETTLE_POLL_NANOS);
        }
    }

    /** X25519 floor, mp2p engines, DTLS engines in memory, a slice each per round. */
    private int handshakes(Contenders c, BenchResults r, long phaseNanos, int rounds, String phase)
            throws IOException {
        long cell = Math.max(MIN_CELL_NANOS, phaseNanos / ((long) rounds * HANDSHAKE_CELLS));
        int done = 0;
        for (int round = 0; round < rounds && (round == 0 || !budget.expired()); round++) {
            for (int k = 0; k < HANDSHAKE_CELLS; k++) {
                int which = round % 2 == 0 ? k : HANDSHAKE_CELLS - 1 - k;
                switch (which) {
                    case 0 -> floorSlice(c, r, cell);
                    case 1 -> engineSlice(c, r, cell);
                    default -> dtlsMemorySlice(c, r, cell);
                }
            }
            done++;
            roundDone(phase, round, rounds);
        }
        return done;
    }

    private static void floorSlice(Contenders c, BenchResults r, long cellNanos) {
        long end = System.nanoTime() + cellNanos;
        long ops = 0;
        long nanos = 0;
        long knownOps = 0;
        long knownNanos = 0;
        do {
            // The two floors alternate within the slice, so drift hits them alike.
            nanos += c.floor.handshake();
            ops++;
            knownNanos += c.floor.knownPeerHandshake();
            knownOps++;
        } while (System.nanoTime() - end < 0);
        if (r != null) {
            r.floor.add(ops, nanos);
            r.knownPeerFloor.add(knownOps, knownNanos);
        }
    }

    private static void engineSlice(Contenders c, BenchResults r, long cellNanos) {
        long initiatorBefore = c.engines.initiatorNanos();
        long responderBefore = c.engines.responderNanos();
        long failuresBefore = c.engines.failures();
        long dhBefore = c.engines.dhOperations();
        long end = System.nanoTime() + cellNanos;
        long ops = 0;
        do {
            if (c.engines.handshake()) {
                ops++;
            }
        } while (System.nanoTime() - end < 0);
        if (r != null) {
            long initiator = c.engines.initiatorNanos() - initiatorBefore;
            long responder = c.engines.responderNanos() - responderBefore;
            r.mp2pHandshakes.add(ops, initiator + responder);
            r.initiatorNanos += initiator;
            r.responderNanos += responder;
            r.mp2pHandshakeFailures += c.engines.failures() - failuresBefore;
            r.mp2pDhOperations += c.engines.dhOperations() - dhBefore;
        }
    }

    private static void dtlsMemorySlice(Contenders c, BenchResults r, long cellNanos) throws SSLException {
        long end = System.nanoTime() + cellNanos;
        long ops = 0;
        long nanos = 0;
        do {
            var client = c.dtls.engine(true);
            var server = c.dtls.engine(false);
            long start = System.nanoTime();
            c.dtlsMemory.run(client, server);
            nanos += System.nanoTime() - start;
            ops++;
        } while (System.nanoTime() - end < 0);
        if (r != null) {
            r.dtlsHandshakes.add(ops, nanos);
        }
    }

    /** One mp2p connect and one DTLS handshake over loopback per round, until the phase's time is up. */
    private int connects(Contenders c, BenchResults r, long phaseNanos, String phase)
            throws IOException, InterruptedException, BenchException {
        long end = System.nanoTime() + phaseNanos;
        int done = 0;
        long lastReport = System.nanoTime();
        do {
            boolean mp2pFirst = done % 2 == 0;
            for (int k = 0; k < 2; k++) {
                if (mp2pFirst == (k == 0)) {
                    record(r == null ? null : r.mp2pConnect, c.mp2pConnect.connect());
                } else {
                    record(r == null ? null : r.dtlsConnect, c.dtlsConnect.handshake());
                }
            }
            done++;
            if (System.nanoTime() - lastReport > PROGRESS_INTERVAL_NANOS) {
                lastReport = System.nanoTime();
                say("%s: %d handshakes each so far", phase, done);
            }
        } while (System.nanoTime() - end < 0 && !budget.expired());
        say("%s: %d handshakes each", phase, done);
        return done;
    }

    private static void record(Samples s, long nanos) {
        if (s == null) {
            return;
        }
        if (nanos < 0) {
            s.fail();
        } else {
            s.add(nanos);
        }
    }

    /** UDP and mp2p ping-pong, a slice each per round. */
    private int pings(Contenders c, BenchResults r, long phaseNanos, int rounds, String phase)
            throws IOException, InterruptedException, BenchException {
        long cell = Math.max(MIN_CELL_NANOS, phaseNanos / ((long) rounds * PING_CELLS));
        int done = 0;
        long seq = 0;
        for (int round = 0; round < rounds && (round == 0 || !budget.expired()); round++) {
            for (int k = 0; k < PING_CELLS; k++) {
                boolean udp = (round % 2 == 0) == (k == 0);
                RoundTripper rt = udp ? c.udpPing : c.mp2pPing;
                Samples into = r == null ? null : udp ? r.udpPing : r.mp2pPing;
                long end = System.nanoTime() + cell;
                do {
                    record(into, rt.roundTrip(++seq));
                } while (System.nanoTime() - end < 0);
            }
            done++;
            roundDone(phase, round, rounds);
        }
        return done;
    }

    /**
     * Bulk transfer, TCP and mp2p stream a slice each, then request and reply the same way, per round;
     * a bulk slice writes for most of its time and waits for its last bytes in the rest.
     */
    private int streams(Contenders c, BenchResults r, long phaseNanos, int rounds, String phase)
            throws IOException, InterruptedException, BenchException {
        long bulkCell = Math.max(MIN_CELL_NANOS, (long) (phaseNanos * STREAM_BULK_FRACTION) / (2L * rounds));
        long rttCell = Math.max(MIN_CELL_NANOS, (long) (phaseNanos * (1 - STREAM_BULK_FRACTION)) / (2L * rounds));
        long write = (long) (bulkCell * STREAM_WRITE_FRACTION);
        int done = 0;
        long seq = 0;
        for (int round = 0; round < rounds && (round == 0 || !budget.expired()); round++) {
            for (int k = 0; k < 2; k++) {
                boolean tcp = (round % 2 == 0) == (k == 0);
                StreamSlice s = (tcp ? c.tcpStreams : c.mp2pStreams).bulk().run(write);
                if (r != null) {
                    (tcp ? r.tcpBulk : r.mp2pStreamBulk).add(s.bytes(), s.nanos());
                }
            }
            for (int k = 0; k < 2; k++) {
                boolean tcp = (round % 2 == 0) == (k == 0);
                RoundTripper rt = (tcp ? c.tcpStreams : c.mp2pStreams).roundTrip();
                Samples into = r == null ? null : tcp ? r.tcpRoundTrip : r.mp2pStreamRoundTrip;
                long end = System.nanoTime() + rttCell;
                do {
                    record(into, rt.roundTrip(++seq));
                } while (System.nanoTime() - end < 0);
            }
            done++;
            roundDone(phase, round, rounds);
        }
        return done;
    }

    // ------------------------------------------------------------------ time and progress

    /** This phase's share of what is left (less the reserve), given the shares still to come. */
    private long phaseNanos(double share, double sharesLeft) {
        long usable = Math.max(0, budget.remaining() - reserveNanos);
        return (long) (usable * share / sharesLeft);
    }

    private static int rounds(long phaseNanos, int cells) {
        long r = phaseNanos / (cells * TARGET_SLICE_NANOS);
        return (int) Math.max(MIN_ROUNDS, Math.min(MAX_ROUNDS, r));
    }

    private void roundDone(String phase, int round, int rounds) {
        say("%s: round %d of %d done", phase, round + 1, rounds);
    }

    private void say(String format, Object... args) {
        progress.printf("mp2p bench [%5.1f/%.0f s] %s%n", budget.elapsedSeconds(), budget.totalSeconds(),
                String.format(format, args));
        progress.flush();
    }
}
