package io.mp2p.bench;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.infra.Blackhole;

import io.mp2p.CipherSuite;
import io.mp2p.engine.Transmit;
import io.mp2p.wire.CookieReply;
import io.mp2p.wire.FrameVisitor;
import io.mp2p.wire.Frames;
import io.mp2p.wire.HandshakeInitiation;
import io.mp2p.wire.HandshakeResponse;
import io.mp2p.wire.InitiationPayload;
import io.mp2p.wire.PacketType;
import io.mp2p.wire.Parsed;
import io.mp2p.wire.Tai64n;
import io.mp2p.wire.TransportData;

/**
 * The wire parsers (spec/PROTOCOL.md §3–§5) on real packets, one parse per operation, in ops/s: the
 * packet type, the three handshake packets, a TransportData header, the initiation's decrypted
 * payload, and the frames inside a transport packet's plaintext (validate, then visit). The packets
 * are made by two engines at setup; {@code @TearDown} fails the run if any parse failed.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@State(Scope.Thread)
public class ParserBenchmark {
    /** One full DATAGRAM frame at the default path MTU (maxPlaintext 1200). */
    private static final int DATAGRAM_SIZE = 1197;
    /** A fragment frame's share of a message larger than one packet. */
    private static final int FRAGMENT_SIZE = 1189;
    private static final int MESSAGE_LENGTH = 16_384;

    byte[] initiation;
    byte[] response;
    byte[] transport;
    byte[] cookieReply;
    byte[] payload;
    byte[] datagramFrames;
    byte[] fragmentFrames;
    long failures;
    final FrameVisitor visitor = new FrameVisitor() {
        int bytes;

        @Override
        public void onDatagram(byte[] buf, int off, int len) {
            bytes += len;
        }

        @Override
        public void onFragment(int messageId, int totalLength, int offset, byte[] buf, int off, int len) {
            bytes += len;
        }

        @Override
        public void onKeepalive() {
            bytes++;
        }

        @Override
        public void onClose(int reason) {
            bytes++;
        }
    };

    @Setup(Level.Trial)
    public void setUp() {
        EnginePair pair = new EnginePair(CipherSuite.AESGCM_SHA256, 45);
        pair.a.connect(pair.bKey, EnginePair.NOW);
        Transmit init = pair.a.pollTransmit();
        initiation = Arrays.copyOf(init.data(), init.length());
        pair.b.handleDatagram(init.data(), 0, init.length(), pair.aAddress, EnginePair.NOW);
        Transmit resp = pair.b.pollTransmit();
        response = Arrays.copyOf(resp.data(), resp.length());
        pair.a.handleDatagram(resp.data(), 0, resp.length(), pair.bAddress, EnginePair.NOW);
        pair.exchange();
        pair.a.send(pair.bKey, new byte[DATAGRAM_SIZE], EnginePair.NOW);
        Transmit data = pair.a.pollTransmit();
        transport = Arrays.copyOf(data.data(), data.length());
        pair.destroy();

        SplittableRandom random = new SplittableRandom(46);
        cookieReply = new byte[CookieReply.LENGTH];
        random.nextBytes(cookieReply);
        CookieReply.writeHeader(cookieReply, 0, 7);
        payload = InitiationPayload.encode(pair.aKey, Tai64n.fromUnixNanos(1_767_225_600L * 1_000_000_000L),
                new InetSocketAddress(EnginePair.address(239, 192, 230, 1).getAddress(), 41414), new byte[16]);

        byte[] message = new byte[MESSAGE_LENGTH];
        random.nextBytes(message);
        datagramFrames = new byte[Frames.datagramLength(DATAGRAM_SIZE)];
        Frames.writeDatagram(datagramFrames, 0, message, 0, DATAGRAM_SIZE);
        fragmentFrames = new byte[Frames.fragmentLength(FRAGMENT_SIZE)];
        Frames.writeFragment(fragmentFrames, 0, 3, MESSAGE_LENGTH, FRAGMENT_SIZE, message, FRAGMENT_SIZE, FRAGMENT_SIZE);
    }

    @TearDown(Level.Trial)
    public void check() {
        if (failures != 0) {
            throw new IllegalStateException(failures + " parses failed");
        }
    }

    private <T> T ok(Parsed<T> p) {
        if (!p.isOk()) {
            failures++;
            return null;
        }
        return p.value();
    }

    @Benchmark
    public Object packetType() {
        return ok(PacketType.peek(transport, 0, transport.length));
    }

    @Benchmark
    public Object initiation() {
        return ok(HandshakeInitiation.parse(initiation, 0, initiation.length));
    }

    @Benchmark
    public Object response() {
        return ok(HandshakeResponse.parse(response, 0, response.length));
    }

    @Benchmark
    public Object cookieReply() {
        return ok(CookieReply.parse(cookieReply, 0, cookieReply.length));
    }

    @Benchmark
    public Object transportHeader() {
        return ok(TransportData.parseHeader(transport, 0, transport.length));
    }

    @Benchmark
    public Object initiationPayload() {
        return ok(InitiationPayload.parse(payload, 0, payload.length));
    }

    @Benchmark
    public void datagramFrame(Blackhole bh) {
        if (Frames.validate(datagramFrames, 0, datagramFrames.length) != null) {
            failures++;
        }
        Frames.visit(datagramFrames, 0, datagramFrames.length, visitor);
        bh.consume(visitor);
    }

    @Benchmark
    public void fragmentFrame(Blackhole bh) {
        if (Frames.validate(fragmentFrames, 0, fragmentFrames.length) != null) {
            failures++;
        }
        Frames.visit(fragmentFrames, 0, fragmentFrames.length, visitor);
        bh.consume(visitor);
    }
}
