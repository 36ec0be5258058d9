package io.mp2p.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.mp2p.CipherSuite;
import io.mp2p.engine.Transmit;

/**
 * The Noise IK handshake between two engines on one thread, no sockets.
 * <ul>
 * <li>{@code fullHandshake}: a closes its session with b, then initiation → response →
 *     confirmation (a's keepalive, which b needs to promote the session); both sides' CPU, in
 *     handshakes/s;</li>
 * <li>{@code responder}: b alone reading an initiation and writing its response; the initiation
 *     is made by a in an untimed {@code Level.Invocation} setup (each initiation is accepted once:
 *     its timestamp must exceed the last one b accepted from a).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class HandshakeBenchmark {

    @State(Scope.Thread)
    public static class Pair {
        @Param({"AESGCM_SHA256", "CHACHAPOLY_BLAKE2S"})
        public CipherSuite suite;

        EnginePair pair;
        long completedBefore;

        @Setup(Level.Trial)
        public void setUp() {
            pair = new EnginePair(suite, 43).establish();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pair.checkNoDrops();
            pair.destroy();
        }
    }

    /** One fresh initiation from a, not yet given to b. */
    @State(Scope.Thread)
    public static class Initiation {
        Transmit packet;

        @Setup(Level.Invocation)
        public void make(Pair p) {
            EnginePair e = p.pair;
            e.a.close(e.bKey, EnginePair.NOW);
            while (e.a.pollTransmit() != null) {
                // the CLOSE packet is not delivered
            }
            e.a.connect(e.bKey, EnginePair.NOW);
            packet = e.a.pollTransmit();
            e.drainEvents();
        }
    }

    @Benchmark
    public Transmit fullHandshake(Pair p) {
        EnginePair e = p.pair;
        e.a.close(e.bKey, EnginePair.NOW);
        while (e.a.pollTransmit() != null) {
            // the CLOSE packet is not delivered: b's old session is replaced by the new one
        }
        e.a.connect(e.bKey, EnginePair.NOW);
        Transmit init = e.a.pollTransmit();
        e.b.handleDatagram(init.data(), 0, init.length(), e.aAddress, EnginePair.NOW);
        Transmit response = e.b.pollTransmit();
        e.a.handleDatagram(response.data(), 0, response.length(), e.bAddress, EnginePair.NOW);
        Transmit confirmation = e.a.pollTransmit();
        e.b.handleDatagram(confirmation.data(), 0, confirmation.length(), e.aAddress, EnginePair.NOW);
        e.drainEvents();
        return confirmation;
    }

    @Benchmark
    public Transmit responder(Pair p, Initiation i) {
        EnginePair e = p.pair;
        e.b.handleDatagram(i.packet.data(), 0, i.packet.length(), e.aAddress, EnginePair.NOW);
        Transmit response = e.b.pollTransmit();
        while (e.b.pollEvent() != null) {
            // none expected before confirmation
        }
        return response;
    }
}
