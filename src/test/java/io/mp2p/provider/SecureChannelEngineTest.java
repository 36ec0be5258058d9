package io.mp2p.provider;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mp2p.HandshakeTimeoutException;
import io.mp2p.MessageTooLargeException;
import io.mp2p.TestIdentities;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.provider.SecureChannelEngineResult.HandshakeStatus;
import io.mp2p.provider.SecureChannelEngineResult.Status;

/** Two engines over an in-memory lossy, duplicating, reordering pipe on a simulated clock: no socket at all. */
class SecureChannelEngineTest {
    private static final int MAX_STEPS = 200_000;
    private static final int MESSAGES = 300;

    private final SplittableRandom seeds = new SplittableRandom(20_260_101L);
    private final Mp2pIdentity alice = TestIdentities.seeded(seeds);
    private final Mp2pIdentity bob = TestIdentities.seeded(seeds);
    private final Mp2pIdentity carol = TestIdentities.seeded(seeds);

    private EnginePipe pipe(long seed) {
        EnginePipe pipe = new EnginePipe(seed);
        pipe.engines[0] = engine(alice, bob, true, pipe);
        pipe.engines[1] = engine(bob, alice, false, pipe);
        return pipe;
    }

    private static SecureChannelEngine engine(Mp2pIdentity me, Mp2pIdentity peer, boolean client, EnginePipe pipe) {
        SecureRandom random = new SecureRandom();
        return SecureChannelEngine.builder(me, peer.publicKey()).clientMode(client).random(random)
                .clock(pipe.clock::get).build();
    }

    private static byte[] message(int index, SplittableRandom random) {
        byte[] m = new byte[4 + random.nextInt(1000)];
        random.nextBytes(m);
        ByteBuffer.wrap(m).putInt(index);
        return m;
    }

    private static void send(SecureChannelEngine e, byte[] message, EnginePipe pipe, int to) throws Exception {
        ByteBuffer packet = ByteBuffer.allocate(e.getPacketBufferSize());
        SecureChannelEngineResult r = e.wrap(ByteBuffer.wrap(message), packet);
        assertEquals(message.length, r.bytesConsumed());
        packet.flip();
        if (packet.hasRemaining()) {
            pipe.transmit(to, packet);
        }
        pipe.flushWraps(1 - to);
    }

    @Test
    void handshakeAndMessagesSurviveLossDuplicationAndReordering() throws Exception {
        EnginePipe pipe = pipe(7);
        pipe.loss = 0.2;
        pipe.duplication = 0.05;
        assertEquals(HandshakeStatus.NEED_WRAP, pipe.engines[0].getHandshakeStatus(), "a client starts with its initiation");
        assertEquals(HandshakeStatus.NEED_UNWRAP, pipe.engines[1].getHandshakeStatus(), "a server waits");

        assertTrue(pipe.runUntil(() -> pipe.engines[0].isEstablished(), MAX_STEPS), "alice's handshake completed");
        SplittableRandom content = new SplittableRandom(11);
        byte[][] fromAlice = new byte[MESSAGES][];
        byte[][] fromBob = new byte[MESSAGES][];
        for (int i = 0; i < MESSAGES; i++) {
            fromAlice[i] = message(i, content);
            fromBob[i] = message(i, content);
            send(pipe.engines[0], fromAlice[i], pipe, 1);
            send(pipe.engines[1], fromBob[i], pipe, 0);
        }
        // Drain what is in flight, without letting timers run on forever.
        while (!pipe.inFlight.get(0).isEmpty() || !pipe.inFlight.get(1).isEmpty()) {
            pipe.step();
        }
        assertTrue(pipe.engines[1].isEstablished(), "bob was confirmed by alice's data");

        checkDelivered(pipe.received.get(1), fromAlice, "bob");
        checkDelivered(pipe.received.get(0), fromBob, "alice");
        assertTrue(pipe.lost > 0, "the pipe lost datagrams");
        assertTrue(pipe.reorderedDeliveries > 0, "the pipe reordered datagrams");
    }

    /** Every received message is one that was sent, intact, at most once; most got through 20% loss. */
    private static void checkDelivered(List<byte[]> received, byte[][] sent, String who) {
        Set<Integer> seen = new HashSet<>();
        for (byte[] m : received) {
            int index = ByteBuffer.wrap(m).getInt();
            assertTrue(seen.add(index), who + " got message " + index + " twice");
            assertArrayEquals(sent[index], m, who + "'s message " + index + " arrived intact");
        }
        // 20% loss and a seeded pipe: about 80% arrive; well above half is certain for this seed.
        assertTrue(seen.size() > sent.length / 2, who + " received " + seen.size() + " of " + sent.length);
        assertTrue(seen.size() < sent.length, who + ": with 20% loss some messages must be missing");
    }

    @Test
    void fragmentedMessageAndBufferStatuses() throws Exception {
        EnginePipe pipe = pipe(3);
        assertTrue(pipe.runUntil(() -> pipe.engines[0].isEstablished(), MAX_STEPS));
        SecureChannelEngine a = pipe.engines[0];
        SecureChannelEngine b = pipe.engines[1];

        ByteBuffer small = ByteBuffer.allocate(a.getPacketBufferSize() - 1);
        byte[] big = new byte[20_000];
        new SplittableRandom(5).nextBytes(big);
        ByteBuffer src = ByteBuffer.wrap(big);
        SecureChannelEngineResult overflow = a.wrap(src, small);
        assertEquals(Status.BUFFER_OVERFLOW, overflow.status());
        assertEquals(0, overflow.bytesConsumed());
        assertEquals(big.length, src.remaining(), "nothing consumed on overflow");

        ByteBuffer packet = ByteBuffer.allocate(a.getPacketBufferSize());
        SecureChannelEngineResult first = a.wrap(src, packet);
        assertEquals(Status.OK, first.status());
        assertEquals(big.length, first.bytesConsumed());
        assertEquals(HandshakeStatus.NEED_WRAP, first.handshakeStatus(), "more fragments wait");
        int datagrams = 1;
        ByteBuffer receivedInto = ByteBuffer.allocate(1000);
        SecureChannelEngineResult last = null;
        while (true) {
            packet.flip();
            last = b.unwrap(packet, receivedInto);
            if (a.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
                break;
            }
            packet.clear();
            a.wrap(ByteBuffer.allocate(0), packet);
            datagrams++;
        }
        assertTrue(datagrams > 1, "20,000 bytes took " + datagrams + " datagrams");
        assertEquals(Status.BUFFER_OVERFLOW, last.status(), "the message does not fit 1,000 bytes");
        assertEquals(big.length, b.pendingMessageLength());
        ByteBuffer enough = ByteBuffer.allocate(b.getApplicationBufferSize());
        SecureChannelEngineResult delivered = b.unwrap(ByteBuffer.allocate(0), enough);
        assertEquals(Status.OK, delivered.status());
        assertEquals(big.length, delivered.bytesProduced());
        assertArrayEquals(big, java.util.Arrays.copyOf(enough.array(), enough.position()));

        assertEquals(Status.BUFFER_UNDERFLOW, b.unwrap(ByteBuffer.allocate(0), enough).status());
        assertThrows(MessageTooLargeException.class, () -> a.wrap(ByteBuffer.allocate(65_536), packet.clear()));
    }

    @Test
    void closeTellsThePeer() throws Exception {
        EnginePipe pipe = pipe(4);
        assertTrue(pipe.runUntil(() -> pipe.engines[0].isEstablished(), MAX_STEPS));
        SecureChannelEngine a = pipe.engines[0];
        SecureChannelEngine b = pipe.engines[1];
        a.closeOutbound();
        assertEquals(HandshakeStatus.NEED_WRAP, a.getHandshakeStatus(), "the closing datagram waits");
        // Alice's confirming keepalive may still wait ahead of the closing datagram: wrap until CLOSED.
        java.util.List<ByteBuffer> wire = new java.util.ArrayList<>();
        SecureChannelEngineResult closing;
        do {
            ByteBuffer packet = ByteBuffer.allocate(a.getPacketBufferSize());
            closing = a.wrap(ByteBuffer.allocate(0), packet);
            wire.add(packet.flip());
        } while (closing.status() == Status.OK);
        assertEquals(Status.CLOSED, closing.status());
        assertTrue(closing.bytesProduced() > 0, "the last datagram is the CLOSE");
        assertEquals(Status.CLOSED, a.wrap(ByteBuffer.wrap(new byte[1]), ByteBuffer.allocate(2000)).status());

        assertFalse(b.isClosed());
        ByteBuffer out = ByteBuffer.allocate(b.getApplicationBufferSize());
        SecureChannelEngineResult r = null;
        for (ByteBuffer datagram : wire) {
            r = b.unwrap(datagram, out);
        }
        assertEquals(Status.CLOSED, r.status());
        assertTrue(b.isClosed());
        assertEquals(SecureChannelEngine.NO_DEADLINE, b.nextDeadline(), "nothing left to do: keys wiped");
    }

    @Test
    void aServerEngineAnswersOnlyItsPeer() throws Exception {
        EnginePipe pipe = new EnginePipe(9);
        pipe.engines[0] = engine(carol, bob, true, pipe);
        pipe.engines[1] = engine(bob, alice, false, pipe);
        pipe.flushWraps(0);
        assertEquals(1, pipe.inFlight.get(1).size(), "carol's initiation is on the wire");
        pipe.step();
        assertEquals(HandshakeStatus.NEED_UNWRAP, pipe.engines[1].getHandshakeStatus(), "bob did not answer carol");
        assertTrue(pipe.inFlight.get(0).isEmpty());
        assertFalse(pipe.engines[1].isEstablished());
    }

    @Test
    void aPeerThatNeverAnswersTimesOut() {
        EnginePipe pipe = new EnginePipe(1);
        SecureChannelEngine lonely = engine(alice, bob, true, pipe);
        int initiations = 0;
        HandshakeTimeoutException failure = null;
        for (int i = 0; i < 100 && failure == null; i++) {
            ByteBuffer packet = ByteBuffer.allocate(lonely.getPacketBufferSize());
            while (lonely.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                try {
                    if (lonely.wrap(ByteBuffer.allocate(0), packet.clear()).bytesProduced() > 0) {
                        initiations++;
                    }
                } catch (MessageTooLargeException e) {
                    throw new AssertionError(e);
                }
            }
            pipe.clock.set(lonely.nextDeadline());
            try {
                lonely.onTimer();
            } catch (HandshakeTimeoutException e) {
                failure = e;
            }
        }
        assertTrue(failure != null, "the handshake gave up");
        // REKEY_ATTEMPT_TIME (90 s) / REKEY_TIMEOUT (5 s, plus jitter): 18 initiations.
        assertEquals(18, initiations);
        assertEquals(initiations, failure.attempts());
        assertTrue(lonely.isClosed());
        assertEquals(Status.CLOSED, lonely.unwrap(ByteBuffer.wrap(new byte[32]), ByteBuffer.allocate(10)).status());
        assertEquals(SecureChannelEngine.NO_DEADLINE, lonely.nextDeadline());
    }

    @Test
    void handshakeStatusesFollowTheSSLEngineShape() throws Exception {
        EnginePipe pipe = pipe(12);
        SecureChannelEngine a = pipe.engines[0];
        SecureChannelEngine b = pipe.engines[1];
        ByteBuffer packet = ByteBuffer.allocate(a.getPacketBufferSize());
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        SecureChannelEngineResult queued = a.wrap(ByteBuffer.wrap(hello), packet);
        assertEquals(hello.length, queued.bytesConsumed(), "held until the handshake completes");
        assertTrue(queued.bytesProduced() > 0, "the initiation went out in the same call");
        packet.flip();
        ByteBuffer out = ByteBuffer.allocate(b.getApplicationBufferSize());
        SecureChannelEngineResult atBob = b.unwrap(packet, out);
        assertEquals(HandshakeStatus.NEED_WRAP, atBob.handshakeStatus(), "bob must send his response");
        packet.clear();
        b.wrap(ByteBuffer.allocate(0), packet);
        packet.flip();
        SecureChannelEngineResult atAlice = a.unwrap(packet, ByteBuffer.allocate(a.getApplicationBufferSize()));
        assertEquals(HandshakeStatus.FINISHED, atAlice.handshakeStatus());
        assertEquals(HandshakeStatus.NEED_WRAP, a.getHandshakeStatus(), "the held message goes now");
        packet.clear();
        a.wrap(ByteBuffer.allocate(0), packet);
        packet.flip();
        out.clear();
        SecureChannelEngineResult data = b.unwrap(packet, out);
        assertEquals(HandshakeStatus.FINISHED, data.handshakeStatus(), "alice's first packet confirms bob");
        assertEquals("hello", new String(out.array(), 0, out.position(), StandardCharsets.UTF_8));
        assertEquals(HandshakeStatus.NOT_HANDSHAKING, b.getHandshakeStatus());
        assertTrue(b.timeUntilDeadline() != null, "timers run: keepalive or rekey");
    }
}
