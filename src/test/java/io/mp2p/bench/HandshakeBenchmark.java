package io.mp2p.bench;

import java.security.InvalidKeyException;
import java.util.SplittableRandom;
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
import io.mp2p.crypto.X25519Function;
import io.mp2p.engine.Transmit;

/**
 * The Noise IK handshake between two engines on one thread, no sockets.
 * <ul>
 * <li>{@code fullHandshake}: a closes its session with b, then initiation → response →
 *     confirmation (a's keepalive, which b needs to promote the session); both sides' CPU, in
 *     handshakes/s;</li>
 * <li>{@code initiation}: a alone writing an initiation (fresh ephemeral, es, s, ss, timestamp,
 *     mac1); the previous session is closed in an untimed {@code Level.Invocation} setup;</li>
 * <li>{@code responder}: b alone reading an initiation and writing its response; the initiation
 *     is made by a in an untimed {@code Level.Invocation} setup (each initiation is accepted once:
 *     its timestamp must exceed the last one b accepted from a);</li>
 * <li>{@code initiatorResponse}: a alone reading b's response (ee, se, the session's keys) and
 *     writing the confirmation; initiation and response are made in the untimed setup.</li>
 * </ul>
 * A benchmark method takes only the state whose per-invocation setup prepared its input, and uses
 * that state's engines: JMH 1.37 gives a {@code Pair} parameter of the method and the one injected
 * into another state's setup two different instances (see the generated {@code *_jmhTest}).
 * Together, {@code initiation} + {@code responder} + {@code initiatorResponse} are the handshake
 * message processing of {@code fullHandshake} without b's reading of the confirmation.
 *
 * <p>{@code x25519Floor} is the floor of {@code mp2p bench} in the same run: the ten X25519
 * operations of an IK handshake (2 fixed-base, 8 variable-base), nothing else. The engine now does
 * eight of them for a peer it has met before (ss is kept per peer), so {@code fullHandshake} may
 * exceed the floor; its ratio to the floor is still reported against all ten.
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
        EnginePair pair;
        Transmit packet;

        @Setup(Level.Trial)
        public void setUp(Pair p) {
            pair = p.pair;
        }

        @Setup(Level.Invocation)
        public void make() {
            EnginePair e = pair;
            e.a.close(e.bKey, EnginePair.NOW);
            while (e.a.pollTransmit() != null) {
                // the CLOSE packet is not delivered
            }
            e.a.connect(e.bKey, EnginePair.NOW);
            packet = e.a.pollTransmit();
            e.drainEvents();
        }
    }

    /** a with no session and no handshake under way. */
    @State(Scope.Thread)
    public static class Closed {
        EnginePair pair;

        @Setup(Level.Trial)
        public void setUp(Pair p) {
            pair = p.pair;
        }

        @Setup(Level.Invocation)
        public void close() {
            pair.a.close(pair.bKey, EnginePair.NOW);
            while (pair.a.pollTransmit() != null) {
                // the CLOSE packet is not delivered
            }
            pair.drainEvents();
        }
    }

    /** A response from b to a fresh initiation of a, not yet given to a (one setup makes both). */
    @State(Scope.Thread)
    public static class Response {
        EnginePair pair;
        Transmit packet;

        @Setup(Level.Trial)
        public void setUp(Pair p) {
            pair = p.pair;
        }

        @Setup(Level.Invocation)
        public void make() {
            EnginePair e = pair;
            e.a.close(e.bKey, EnginePair.NOW);
            while (e.a.pollTransmit() != null) {
                // the CLOSE packet is not delivered
            }
            e.a.connect(e.bKey, EnginePair.NOW);
            Transmit init = e.a.pollTransmit();
            e.b.handleDatagram(init.data(), 0, init.length(), e.aAddress, EnginePair.NOW);
            packet = e.b.pollTransmit();
            e.drainEvents();
        }
    }

    @Benchmark
    public Transmit initiation(Closed c) {
        EnginePair e = c.pair;
        e.a.connect(e.bKey, EnginePair.NOW);
        Transmit t = e.a.pollTransmit();
        if (t == null) {
            throw new IllegalStateException("no initiation: " + e.a.metrics());
        }
        return t;
    }

    @Benchmark
    public Transmit initiatorResponse(Response r) {
        EnginePair e = r.pair;
        e.a.handleDatagram(r.packet.data(), 0, r.packet.length(), e.bAddress, EnginePair.NOW);
        Transmit confirmation = e.a.pollTransmit();
        while (e.a.pollEvent() != null) {
            // SessionEstablished
        }
        if (confirmation == null) {
            throw new IllegalStateException("no confirmation: " + e.a.metrics());
        }
        return confirmation;
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

    /** The fixed inputs of the floor: two static key pairs; the ephemerals' scalars change each time. */
    @State(Scope.Thread)
    public static class Floor {
        final X25519Function x = X25519Function.INSTANCE;
        final SplittableRandom random = new SplittableRandom(44);
        final byte[] sa = new byte[32];
        final byte[] sb = new byte[32];
        final byte[] ea = new byte[32];
        final byte[] eb = new byte[32];
        final byte[] out = new byte[32];
        byte[] saPublic;
        byte[] sbPublic;

        @Setup(Level.Trial)
        public void setUp() {
            random.nextBytes(sa);
            random.nextBytes(sb);
            saPublic = x.publicKey(sa);
            sbPublic = x.publicKey(sb);
        }
    }

    @Benchmark
    public byte[] x25519Floor(Floor f) throws InvalidKeyException {
        X25519Function x = f.x;
        f.random.nextBytes(f.ea);
        f.random.nextBytes(f.eb);
        byte[] eaPublic = x.publicKey(f.ea);
        x.dh(f.ea, f.sbPublic, f.out, 0);
        x.dh(f.sa, f.sbPublic, f.out, 0);
        x.dh(f.sb, eaPublic, f.out, 0);
        x.dh(f.sb, f.saPublic, f.out, 0);
        byte[] ebPublic = x.publicKey(f.eb);
        x.dh(f.eb, eaPublic, f.out, 0);
        x.dh(f.eb, f.saPublic, f.out, 0);
        x.dh(f.ea, ebPublic, f.out, 0);
        x.dh(f.sa, ebPublic, f.out, 0);
        return f.out;
    }

    @Benchmark
    public Transmit responder(Initiation i) {
        EnginePair e = i.pair;
        e.b.handleDatagram(i.packet.data(), 0, i.packet.length(), e.aAddress, EnginePair.NOW);
        Transmit response = e.b.pollTransmit();
        while (e.b.pollEvent() != null) {
            // none expected before confirmation
        }
        return response;
    }
}
