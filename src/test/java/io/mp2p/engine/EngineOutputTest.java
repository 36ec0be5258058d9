package io.mp2p.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.mp2p.identity.PeerKey;

/**
 * The output rings: datagrams and messages come out in order, through growth and after the ring
 * wraps, into the caller's buffer or as copies; a message is never handed out before an event
 * produced before it, nor after one produced after it; a buffer too small leaves the item queued.
 */
class EngineOutputTest {
    private static final InetSocketAddress TO = new InetSocketAddress("127.0.0.1", 9);

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) seed);
        return b;
    }

    @Test
    void datagramsComeOutInOrderThroughGrowthAndWrapIntoTheCallersBuffer() {
        EngineOutput out = new EngineOutput(new Counters(), 100);
        ByteBuffer buf = ByteBuffer.allocate(300);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 50; round++) {
            // Bursts of growing size, drained partly, so that the ring both wraps and grows.
            for (int i = 0; i < round * 3; i++, next++) {
                out.emit(TO, bytes(1 + next % 250, next));
            }
            for (int i = 0; i < round * 2; i++, expected++) {
                assertEquals(TO, out.pollTransmit(buf.clear()));
                assertEquals(1 + expected % 250, buf.position());
                assertEquals((byte) expected, buf.get(0));
            }
        }
        for (Transmit t; (t = out.pollTransmit()) != null; expected++) {
            assertArrayEquals(bytes(1 + expected % 250, expected), t.data());
        }
        assertEquals(next, expected);
        assertNull(out.pollTransmit(buf.clear()));
        assertEquals(-1, out.peekTransmitLength());
    }

    @Test
    void aBufferTooSmallLeavesTheItemQueued() {
        EngineOutput out = new EngineOutput(new Counters(), 100);
        out.emit(TO, bytes(50, 1));
        assertThrows(BufferOverflowException.class, () -> out.pollTransmit(ByteBuffer.allocate(49)));
        assertEquals(50, out.peekTransmitLength());
        PeerKey k = io.mp2p.TestIdentities.seeded(new java.util.SplittableRandom(1)).publicKey();
        out.message(k, bytes(70, 2), 0, 70);
        assertThrows(BufferOverflowException.class, () -> out.pollMessage(ByteBuffer.allocate(69)));
        ByteBuffer buf = ByteBuffer.allocate(70);
        assertEquals(k, out.pollMessage(buf));
        assertArrayEquals(bytes(70, 2), buf.array());
    }

    @Test
    void messagesAndEventsKeepTheOrderTheyWereProducedIn() {
        EngineOutput out = new EngineOutput(new Counters(), 16);
        PeerKey k = io.mp2p.TestIdentities.seeded(new java.util.SplittableRandom(2)).publicKey();
        EngineEvent up = new EngineEvent.SessionEstablished(k, io.mp2p.CipherSuite.AESGCM_SHA256, true, false);
        EngineEvent down = new EngineEvent.SessionClosed(k, CloseReason.PEER_CLOSED);
        out.message(k, bytes(3, 1), 0, 3);
        out.event(up);
        for (int i = 0; i < 40; i++) {
            out.message(k, bytes(i, i), 0, i);
        }
        out.event(down);
        out.message(k, bytes(5, 9), 0, 5);

        ByteBuffer buf = ByteBuffer.allocate(64);
        assertEquals(k, out.pollMessage(buf.clear()));       // the message before the event
        assertNull(out.pollMessage(buf.clear()));            // the event is next
        assertEquals(up, out.pollEvent());
        for (int i = 0; i < 20; i++) {
            assertEquals(k, out.pollMessage(buf.clear()));
            assertEquals(i, buf.position());
        }
        for (int i = 20; i < 40; i++) {                      // the copying form, same order
            EngineEvent.MessageReceived m = assertInstanceOf(EngineEvent.MessageReceived.class, out.pollEvent());
            assertArrayEquals(bytes(i, i), m.message());
        }
        assertNull(out.pollMessage(buf.clear()));
        assertEquals(down, out.pollEvent());
        assertEquals(k, out.pollMessage(buf.clear()));
        assertArrayEquals(bytes(5, 9), Arrays.copyOf(buf.array(), buf.position()));
        assertNull(out.pollEvent());
        assertNull(out.pollMessage(buf.clear()));
    }
}
