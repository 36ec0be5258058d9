package io.mp2p.bench;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.mp2p.CipherSuite;
import io.mp2p.engine.EngineEvent;
import io.mp2p.engine.SendStatus;
import io.mp2p.engine.Transmit;
import io.mp2p.identity.PeerKey;

/**
 * The engine's data path on one established session, one thread, no sockets. Every score is in
 * application <b>messages</b> per second; MB/s of payload = score × {@code size} / 10^6.
 * <ul>
 * <li>{@code seal}: {@code a.send} + {@code a.pollTransmit(ByteBuffer)} into a reused buffer (framing,
 *     fragmenting, AEAD seal);</li>
 * <li>{@code open}: {@code b.handleDatagram} + {@code b.pollMessage(ByteBuffer)} into a reused buffer
 *     over packets sealed beforehand
 *     (AEAD open, replay window, frames, reassembly, delivery). A packet opens once only (a second
 *     time it is REPLAYED), so each invocation opens a fresh batch of {@value #BATCH} messages
 *     sealed in an untimed {@code Level.Invocation} setup;</li>
 * <li>{@code sealAndOpen}: both, packet by packet.</li>
 * <li>{@code sealLegacy}, {@code openLegacy}: the allocating forms, {@code pollTransmit()} and
 *     {@code pollEvent()}, which copy each datagram and message into a new array and object.</li>
 * </ul>
 * The batch of {@code open} is sealed into arrays made once per trial, so that {@code -prof gc}'s
 * bytes per operation count {@code open}'s own allocation (JMH counts the setup's too).
 * {@code size} 1197 = one DATAGRAM frame at the default 1280 path MTU (maxPlaintext 1200 − 3);
 * 1200 takes 2 fragments; 16384 takes 14.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class TransportBenchmark {
    /** Messages opened per invocation of {@link #open}. */
    static final int BATCH = 2048;

    @State(Scope.Thread)
    public static class Session {
        @Param({"AESGCM_SHA256", "CHACHAPOLY_BLAKE2S"})
        public CipherSuite suite;
        @Param({"1197", "1200", "16384"})
        public int size;

        EnginePair pair;
        byte[] message;
        /** Where a datagram or a message is copied out of the engine: made once. */
        final ByteBuffer buffer = ByteBuffer.allocate(65_535);

        @Setup(Level.Trial)
        public void setUp() {
            pair = new EnginePair(suite, 42).establish();
            message = new byte[size];
            new SplittableRandom(7).nextBytes(message);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pair.checkNoDrops();
            pair.destroy();
        }
    }

    /** A batch of packets sealed by a, never opened yet. */
    @State(Scope.Thread)
    public static class Sealed {
        final List<byte[]> packets = new ArrayList<>();
        int[] lengths = new int[BATCH];
        int count;
        Session session;
        private ByteBuffer out;
        private byte[] wrapped;

        /** One ByteBuffer per packet array, made when the array is first sealed into (untimed, once). */
        private final java.util.IdentityHashMap<byte[], ByteBuffer> views = new java.util.IdentityHashMap<>();

        private void wrap(byte[] a) {
            if (wrapped != a) {
                out = views.computeIfAbsent(a, ByteBuffer::wrap);
                wrapped = a;
            }
            out.clear();
        }

        @Setup(Level.Trial)
        public void setUp(Session s) {
            session = s;
        }

        @Setup(Level.Invocation)
        public void seal() {
            Session s = session;
            count = 0;
            for (int i = 0; i < BATCH; i++) {
                if (s.pair.a.send(s.pair.bKey, s.message, EnginePair.NOW) != SendStatus.SENT) {
                    throw new IllegalStateException("not sent");
                }
                for (int n; (n = s.pair.a.peekTransmitLength()) >= 0; count++) {
                    if (packets.size() == count) {
                        packets.add(new byte[s.pair.a.maxDatagramLength()]);
                    }
                    if (count == lengths.length) {
                        lengths = java.util.Arrays.copyOf(lengths, count * 2);
                    }
                    wrap(packets.get(count));
                    s.pair.a.pollTransmit(out);
                    lengths[count] = n;
                }
            }
        }
    }

    @Benchmark
    public void seal(Session s, Blackhole bh) {
        bh.consume(s.pair.a.send(s.pair.bKey, s.message, EnginePair.NOW));
        ByteBuffer buf = s.buffer;
        for (InetSocketAddress to; (to = s.pair.a.pollTransmit(buf.clear())) != null; ) {
            bh.consume(to);
            bh.consume(buf.position());
        }
    }

    @Benchmark
    public void sealLegacy(Session s, Blackhole bh) {
        bh.consume(s.pair.a.send(s.pair.bKey, s.message, EnginePair.NOW));
        for (Transmit t; (t = s.pair.a.pollTransmit()) != null; ) {
            bh.consume(t);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void open(Sealed batch, Blackhole bh) {
        // The Session of this method's parameters would be another instance than the one Sealed's
        // setup was given (JMH 1.37): open with the engines that sealed the batch.
        Session s = batch.session;
        var b = s.pair.b;
        var from = s.pair.aAddress;
        ByteBuffer buf = s.buffer;
        for (int i = 0, n = batch.count; i < n; i++) {
            b.handleDatagram(batch.packets.get(i), 0, batch.lengths[i], from, EnginePair.NOW);
            for (PeerKey sender; (sender = b.pollMessage(buf.clear())) != null; ) {
                bh.consume(sender);
                bh.consume(buf.position());
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void openLegacy(Sealed batch, Blackhole bh) {
        Session s = batch.session;
        var b = s.pair.b;
        var from = s.pair.aAddress;
        for (int i = 0, n = batch.count; i < n; i++) {
            b.handleDatagram(batch.packets.get(i), 0, batch.lengths[i], from, EnginePair.NOW);
            for (EngineEvent e; (e = b.pollEvent()) != null; ) {
                bh.consume(e);
            }
        }
    }

    @Benchmark
    public void sealAndOpen(Session s, Blackhole bh) {
        var a = s.pair.a;
        var b = s.pair.b;
        bh.consume(a.send(s.pair.bKey, s.message, EnginePair.NOW));
        ByteBuffer buf = s.buffer;
        while (a.pollTransmit(buf.clear()) != null) {
            b.handleDatagram(buf.array(), 0, buf.position(), s.pair.aAddress, EnginePair.NOW);
        }
        for (PeerKey sender; (sender = b.pollMessage(buf.clear())) != null; ) {
            bh.consume(sender);
        }
    }
}
