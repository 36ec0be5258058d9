package io.mp2p.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mp2p.CipherSuite;
import io.mp2p.DropReason;
import io.mp2p.EngineMetrics;
import io.mp2p.cookie.Mac1;
import io.mp2p.crypto.DhKeyPair;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.noise.HandshakeState;
import io.mp2p.noise.NoiseException;
import io.mp2p.wire.FrameVisitor;
import io.mp2p.wire.Frames;
import io.mp2p.wire.HandshakeInitiation;
import io.mp2p.wire.InitiationPayload;
import io.mp2p.wire.PacketType;
import io.mp2p.wire.TransportData;

/**
 * Coverage-guided fuzzing (Jazzer) of the engine's state machines behind their first gates, on the
 * simulated network (issue 14): the responder fed initiations that carry a valid mac1 (so they reach
 * Noise), the transport decryptor and frame dispatcher fed any plaintext sealed on a live session
 * (an authenticated but hostile peer, {@link Endpoint#sealFramesForTest}), and any datagram at an
 * engine that holds a session. Properties after every input: nothing escapes, every datagram is
 * counted once ({@code packetsIn} grows by one, drops by at most one), no {@code INTERNAL_ERROR},
 * nothing delivered twice (each sealed packet is replayed and must be dropped), a valid plaintext's
 * DATAGRAM frames delivered exactly and in order, and the session still carries a genuine message.
 *
 * <p>The engines are built once per JVM (a handshake costs milliseconds) and virtual time advances
 * with each input, so fuzzing also crosses rekeys. Fuzz one target for real with
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=EngineFuzzTest#sealedPlaintext -Djazzer.max_duration=10m}.
 */
class EngineFuzzTest {
    private static final long STEP = SimNetwork.seconds(0.02);
    private static final long SETTLE = SimNetwork.seconds(1);
    private static final InetSocketAddress ATTACKER = new InetSocketAddress(SimNetwork.addr(new byte[] {10, 66, 6, 6}), 6666);
    private static final int MODES = 3;
    private static final int TIMESTAMP_AT = 1;
    private static final int RESPONSE_KEY_AT = TIMESTAMP_AT + 12;
    private static final int PAYLOAD_AT = 1;

    /** One simulated network with a live pair, made on first use. */
    private static final class World {
        final SimNetwork net = new SimNetwork(14);
        final SimNetwork.Node a = net.addNode("a");
        final SimNetwork.Node b = net.addNode("b");
        final Mp2pIdentity attacker = net.newIdentity();
        final byte[] mac1Key = Mac1.key(b.key());
        final int maxPlaintext = EngineConfig.builder(attacker).random(r -> { }).wallClock(() -> 0).build().maxPlaintext();
        long genuine;

        World() {
            connect();
        }

        void connect() {
            a.engine.connect(b.key(), net.now);
            net.run(SETTLE);
            assertTrue(a.engine.isEstablished(b.key(), net.now), "the pair has a session");
            clear();
        }

        void clear() {
            a.events.clear();
            b.events.clear();
        }
    }

    private static World world;

    private static synchronized World world() {
        if (world == null) {
            world = new World();
        }
        return world;
    }

    private static void accounted(EngineMetrics before, EngineMetrics after, int datagrams) {
        assertEquals(before.packetsIn() + datagrams, after.packetsIn(), "every datagram is counted in");
        long dropped = after.totalDrops() - before.totalDrops();
        assertTrue(dropped >= 0 && dropped <= datagrams, "each datagram is processed or dropped once: " + dropped);
        assertEquals(0, after.drops(DropReason.INTERNAL_ERROR), "no internal error");
    }

    private static List<byte[]> delivered(SimNetwork.Node n) {
        List<byte[]> out = new ArrayList<>();
        for (EngineEvent e : n.events) {
            if (e instanceof EngineEvent.MessageReceived m) {
                out.add(m.message());
            }
        }
        return out;
    }

    /** After any input the pair still carries a genuine message, exactly once. */
    private static void stillWorks(World w) {
        w.clear();
        byte[] m = ("genuine " + w.genuine++).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        w.a.engine.send(w.b.key(), m, w.net.now);
        w.net.run(SETTLE);
        List<byte[]> got = new ArrayList<>();
        for (byte[] d : delivered(w.b)) {
            if (Arrays.equals(d, m)) {
                got.add(d);
            }
        }
        assertEquals(1, got.size(), "the genuine message arrives exactly once");
        assertEquals(0, w.b.engine.metrics().drops(DropReason.INTERNAL_ERROR));
        w.clear();
    }

    // ------------------------------------------------------------------ responder

    @FuzzTest
    void responderInitiation(byte[] data) throws NoiseException {
        World w = world();
        byte[] packet = data.length == 0 ? new byte[HandshakeInitiation.LENGTH] : initiation(w, data);
        EngineMetrics before = w.b.engine.metrics();
        w.net.inject(ATTACKER, w.b.group, packet);
        accounted(before, w.b.engine.metrics(), 1);
        assertTrue(delivered(w.b).isEmpty(), "an initiation delivers no message");
        w.net.run(STEP);
        w.clear();
    }

    /** An initiation with a valid mac1 made from the fuzzer's bytes; the first byte picks how much is genuine. */
    private static byte[] initiation(World w, byte[] data) throws NoiseException {
        byte[] p = new byte[HandshakeInitiation.LENGTH];
        int mode = (data[0] & 0xff) % MODES;
        if (mode == 0) {
            // Anything behind a valid header and mac1: Noise must refuse it.
            System.arraycopy(data, 1, p, 0, Math.min(data.length - 1, p.length));
            p[0] = (byte) PacketType.HANDSHAKE_INITIATION.code();
        } else {
            // A genuine Noise message 1 from the attacker's own key whose payload is the fuzzer's
            // (mode 1) or a well-formed payload with the fuzzer's timestamp and response key (mode 2).
            CipherSuite suite = CipherSuite.values()[(data[0] & 0xff) / MODES % CipherSuite.values().length];
            HandshakeInitiation.writeHeader(p, 0, suite.id(), (int) new SplittableRandom(data.length).nextLong());
            byte[] payload = new byte[InitiationPayload.LENGTH];
            if (mode == 1) {
                System.arraycopy(data, PAYLOAD_AT, payload, 0, Math.min(data.length - PAYLOAD_AT, payload.length));
            } else {
                byte[] ts = Arrays.copyOfRange(Arrays.copyOf(data, RESPONSE_KEY_AT), TIMESTAMP_AT, RESPONSE_KEY_AT);
                byte[] rk = Arrays.copyOfRange(Arrays.copyOf(data, RESPONSE_KEY_AT + InitiationPayload.RESPONSE_KEY_LENGTH),
                        RESPONSE_KEY_AT, RESPONSE_KEY_AT + InitiationPayload.RESPONSE_KEY_LENGTH);
                payload = InitiationPayload.encode(w.attacker.publicKey(), ts, null, rk);
            }
            DhKeyPair s = new DhKeyPair(w.attacker.x25519PrivateKey(), w.attacker.x25519PublicKey());
            SplittableRandom r = new SplittableRandom(Arrays.hashCode(data));
            HandshakeState hs = HandshakeState.builder(Suites.protocol(suite)).initiator(true)
                    .prologue(Handshakes.prologue(p, 0)).localStatic(s)
                    .remoteStatic(w.b.identity.x25519PublicKey()).random(r::nextBytes).build();
            hs.writeMessage(payload, 0, payload.length, p, HandshakeInitiation.NOISE_OFFSET);
            hs.destroy();
            s.destroy();
        }
        Mac1.compute(w.mac1Key, p, 0, HandshakeInitiation.MAC1_OFFSET, p, HandshakeInitiation.MAC1_OFFSET);
        return p;
    }

    // ------------------------------------------------------------------ live session

    /** What a valid plaintext holds, read independently of the engine's dispatcher. */
    private static final class Expected implements FrameVisitor {
        final List<byte[]> datagrams = new ArrayList<>();
        boolean close;
        boolean fragments;
        boolean stream;

        @Override
        public void onDatagram(byte[] buf, int off, int len) {
            // Spec §5: messages of frames after a CLOSE in the same packet are not delivered.
            if (!close) {
                datagrams.add(Arrays.copyOfRange(buf, off, off + len));
            }
        }

        @Override
        public void onFragment(int messageId, int totalLength, int offset, byte[] buf, int off, int len) {
            fragments = true;
        }

        @Override
        public void onKeepalive() {
        }

        @Override
        public void onClose(int reason) {
            close = true;
        }

        @Override
        public void onStreamRun(byte[] buf, int off, int len) {
            stream = true;
        }
    }

    @FuzzTest
    void sealedPlaintext(byte[] input) {
        World w = world();
        // A sealed packet holds at most one path-MTU plaintext (the test hook's buffer); longer
        // TransportData from a hostile peer is covered, unauthenticated, by anyDatagram.
        byte[] data = input.length > w.maxPlaintext ? Arrays.copyOf(input, w.maxPlaintext) : input;
        if (!w.a.engine.isEstablished(w.b.key(), w.net.now)) {
            w.connect();
        }
        assertTrue(w.a.engine.sealFramesForTest(w.b.key(), data, w.net.now), "a live session seals");
        List<byte[]> sealed = new ArrayList<>();
        for (Transmit t; (t = w.a.engine.pollTransmit()) != null; ) {
            sealed.add(Arrays.copyOf(t.data(), t.length()));
        }
        assertTrue(!sealed.isEmpty(), "sealing put a packet out");
        EngineMetrics before = w.b.engine.metrics();
        for (byte[] d : sealed) {
            w.b.engine.handleDatagram(d, 0, d.length, w.a.unicast, w.net.now);
        }
        EngineMetrics first = w.b.engine.metrics();
        accounted(before, first, sealed.size());
        for (EngineEvent e; (e = w.b.engine.pollEvent()) != null; ) {
            w.b.events.add(e);
        }
        List<byte[]> got = delivered(w.b);
        boolean closed = false;
        if (Frames.validate(data, 0, data.length) != null) {
            assertTrue(got.isEmpty(), "a malformed plaintext delivers nothing");
            assertEquals(before.drops(DropReason.BAD_FRAME) + 1, first.drops(DropReason.BAD_FRAME), "counted as BAD_FRAME");
        } else {
            Expected x = new Expected();
            Frames.visit(data, 0, data.length, x);
            closed = x.close;
            if (!x.fragments && !x.stream) {
                assertEquals(x.datagrams.size(), got.size(), "each DATAGRAM frame is delivered once");
                for (int i = 0; i < got.size(); i++) {
                    assertArrayEquals(x.datagrams.get(i), got.get(i), "delivered as sent");
                }
            }
        }
        // The replay: every packet dropped, nothing delivered again.
        w.clear();
        for (byte[] d : sealed) {
            w.b.engine.handleDatagram(d, 0, d.length, w.a.unicast, w.net.now);
        }
        EngineMetrics replayed = w.b.engine.metrics();
        accounted(first, replayed, sealed.size());
        assertEquals(first.totalDrops() + sealed.size(), replayed.totalDrops(), "every replayed packet is dropped");
        for (EngineEvent e; (e = w.b.engine.pollEvent()) != null; ) {
            assertTrue(!(e instanceof EngineEvent.MessageReceived), "a replay delivers nothing");
        }
        if (closed) {
            // The hostile peer sent CLOSE: b ended the session, as the peer it played would have too.
            w.a.engine.close(w.b.key(), w.net.now);
        }
        w.net.run(STEP);
        stillWorks(w);
    }

    // ------------------------------------------------------------------ any datagram

    @FuzzTest
    void anyDatagram(byte[] data) {
        World w = world();
        if (!w.a.engine.isEstablished(w.b.key(), w.net.now)) {
            w.connect();
        }
        byte[] d = data;
        if (d.length >= TransportData.HEADER_LENGTH && (d[0] & 0xff) >= PacketType.TRANSPORT_DATA.code()) {
            // Aim at the live session so the decryptor is reached, not only the index lookup.
            d = d.clone();
            TransportData.writeHeader(d, 0, w.b.engine.peerState(w.a.key()).current.localIndex,
                    TransportDataCounter.of(data));
        }
        EngineMetrics before = w.b.engine.metrics();
        w.b.engine.handleDatagram(d, 0, d.length, ATTACKER, w.net.now);
        accounted(before, w.b.engine.metrics(), 1);
        for (EngineEvent e; (e = w.b.engine.pollEvent()) != null; ) {
            assertTrue(!(e instanceof EngineEvent.MessageReceived), "forged bytes deliver nothing");
        }
        w.net.run(STEP);
        w.clear();
    }

    /** The counter the fuzzer wrote, kept so replay-window paths are reached too. */
    private static final class TransportDataCounter {
        static long of(byte[] d) {
            long c = 0;
            for (int i = TransportData.COUNTER_OFFSET; i < TransportData.HEADER_LENGTH; i++) {
                c = c << Byte.SIZE | (d[i] & 0xff);
            }
            return c;
        }
    }
}
