package io.mp2p.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.mp2p.CipherSuite;
import io.mp2p.DropReason;
import io.mp2p.EngineMetrics;
import io.mp2p.engine.Transmit;
import io.mp2p.wire.HandshakeInitiation;

/**
 * What a foreign (or forged) initiation costs the receiver: a 200-byte HandshakeInitiation whose
 * mac1 is wrong, dropped as BAD_MAC1 by {@code handleDatagram} (parse + one keyed hash), in ops/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@State(Scope.Thread)
public class Mac1Benchmark {
    EnginePair pair;
    byte[] packet;

    @Setup(Level.Trial)
    public void setUp() {
        pair = new EnginePair(CipherSuite.AESGCM_SHA256, 44);
        pair.a.connect(pair.bKey, EnginePair.NOW);
        Transmit t = pair.a.pollTransmit();
        if (t.length() != HandshakeInitiation.LENGTH) {
            throw new IllegalStateException("not an initiation: " + t.length());
        }
        packet = java.util.Arrays.copyOf(t.data(), t.length());
        packet[HandshakeInitiation.MAC1_OFFSET] ^= 1;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        EngineMetrics m = pair.b.metrics();
        if (m.drops(DropReason.BAD_MAC1) != m.packetsIn() || m.noiseMessagesProcessed() != 0) {
            throw new IllegalStateException("not all dropped as BAD_MAC1: " + m);
        }
        pair.destroy();
    }

    @Benchmark
    public void dropBadMac1() {
        pair.b.handleDatagram(packet, 0, packet.length, pair.aAddress, EnginePair.NOW);
    }
}
