package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The send and receive state machines of RFC 9000 §3.1-3.2 as {@link SendStream} and {@link ReceiveStream} run them. */
class StreamHalvesTest {
    private static final int WINDOW = 200_000;

    @Test
    void sendingHalfReadySendDataSentDataRecvd() {
        SendStream s = new SendStream(1000, true);
        assertEquals(SendStream.State.READY, s.state());
        SendStream.Chunk open = s.nextChunk(500, 1 << 20);
        assertEquals(new SendStream.Chunk(0, 0, false, true), open, "a locally opened stream announces itself");
        s.onSent(open);
        assertEquals(SendStream.State.SEND, s.state());
        assertEquals(600, s.write(new byte[600], 0, 600));
        assertEquals(400, s.write(new byte[600], 0, 600), "bounded by the send buffer");
        assertEquals(0, s.write(new byte[1], 0, 1));
        s.finish();
        SendStream.Chunk a = s.nextChunk(700, 1 << 20);
        assertEquals(new SendStream.Chunk(0, 700, false, true), a);
        s.onSent(a);
        SendStream.Chunk b = s.nextChunk(700, 1 << 20);
        assertEquals(new SendStream.Chunk(700, 300, true, true), b, "the last chunk carries FIN");
        s.onSent(b);
        assertEquals(SendStream.State.DATA_SENT, s.state());
        assertNull(s.nextChunk(700, 1 << 20));

        s.onLost(0, 700, false);
        assertEquals(new SendStream.Chunk(0, 500, false, false), s.nextChunk(500, 0), "lost data goes first, needs no credit");
        s.onAcked(700, 300, true);
        assertEquals(1000, s.buffered(), "nothing freed until the first bytes are acknowledged");
        s.onAcked(0, 700, false);
        assertEquals(0, s.buffered());
        assertNull(s.nextChunk(700, 1 << 20), "the retransmission was acknowledged by the original packet");
        assertEquals(SendStream.State.DATA_RECVD, s.state());
        assertTrue(s.isTerminal());
        assertTrue(s.takeWritable(), "the short write is answered once room is made");
        assertFalse(s.takeWritable());
        assertThrows(IllegalStateException.class, () -> s.write(new byte[1], 0, 1));
    }

    @Test
    void creditLimitsNewDataOnly() {
        SendStream s = new SendStream(1 << 20, false);
        s.write(new byte[100_000], 0, 100_000);
        SendStream.Chunk c = s.nextChunk(200_000, 1 << 20);
        assertEquals(StreamConstants.INITIAL_MAX_STREAM_DATA, c.length(), "stream credit");
        s.onSent(c);
        assertFalse(s.hasPending(1 << 20));
        s.onMaxStreamData(90_000);
        assertEquals(1000, s.nextChunk(200_000, 1000).length(), "connection credit");
        assertFalse(s.hasPending(0));
    }

    @Test
    void resetFromAnyStateBeforeDataRecvd() {
        SendStream s = new SendStream(1000, false);
        s.write(new byte[10], 0, 10);
        s.onSent(s.nextChunk(100, 100));
        assertTrue(s.reset(9));
        assertEquals(SendStream.State.RESET_SENT, s.state());
        assertEquals(10, s.finalSizeForReset());
        assertTrue(s.resetPending());
        assertNull(s.nextChunk(100, 100), "no data after a reset");
        assertFalse(s.reset(10), "reset once");
        s.onResetSent();
        s.onResetLost();
        assertTrue(s.resetPending(), "a lost RESET_STREAM goes again");
        s.onResetAcked();
        assertEquals(SendStream.State.RESET_RECVD, s.state());
        assertTrue(s.isTerminal());
    }

    @Test
    void aLostFinAloneIsSentAgainAsAnEmptyFrame() {
        SendStream s = new SendStream(1000, false);
        s.write(new byte[10], 0, 10);
        s.onSent(s.nextChunk(100, 100));
        s.finish();
        SendStream.Chunk fin = s.nextChunk(100, 100);
        assertEquals(new SendStream.Chunk(10, 0, true, true), fin);
        s.onSent(fin);
        s.onAcked(0, 10, false);
        s.onLost(10, 0, true);
        assertEquals(new SendStream.Chunk(10, 0, true, false), s.nextChunk(100, 100));
    }

    @Test
    void receivingHalfRecvSizeKnownDataRecvdDataRead() {
        ReceiveStream r = new ReceiveStream(WINDOW, 16);
        assertEquals(ReceiveStream.State.RECV, r.state());
        assertEquals(ReceiveStream.Outcome.OK, r.onData(5, true, "world".getBytes(), 0, 5));
        assertEquals(ReceiveStream.State.SIZE_KNOWN, r.state());
        assertEquals(0, r.available(), "a gap at 0..5");
        assertEquals(10, r.buffered());
        assertEquals(ReceiveStream.Outcome.OK, r.onData(0, false, "hello".getBytes(), 0, 5));
        assertEquals(ReceiveStream.State.DATA_RECVD, r.state());
        byte[] out = new byte[20];
        assertEquals(10, r.read(out, 0, 20));
        assertArrayEquals("helloworld".getBytes(), java.util.Arrays.copyOf(out, 10));
        assertEquals(ReceiveStream.State.DATA_RECVD, r.state(), "the application has not been told the end yet");
        assertEquals(-1, r.read(out, 0, 20));
        assertEquals(ReceiveStream.State.DATA_READ, r.state(), "now it has: the stream may be freed");
        assertEquals(ReceiveStream.Outcome.OK, r.onData(0, false, "hello".getBytes(), 0, 5), "a late copy is harmless");
    }

    @Test
    void finalSizeAndCreditAreChecked() {
        ReceiveStream r = new ReceiveStream(WINDOW, 16);
        assertEquals(ReceiveStream.Outcome.FLOW_CONTROL_ERROR,
                r.onData(StreamConstants.INITIAL_MAX_STREAM_DATA, false, new byte[1], 0, 1), "credit not yet sent");
        r.onMaxStreamDataSent();
        assertEquals(ReceiveStream.Outcome.OK, r.onData(StreamConstants.INITIAL_MAX_STREAM_DATA, false, new byte[1], 0, 1),
                "credit sent: the window");
        assertEquals(ReceiveStream.Outcome.FINAL_SIZE_ERROR, r.onData(0, true, new byte[10], 0, 10),
                "FIN below data already received");
        assertEquals(ReceiveStream.Outcome.OK, r.onData(100_000 - 1, true, new byte[1], 0, 1));
        assertEquals(ReceiveStream.Outcome.FINAL_SIZE_ERROR, r.onData(100_000, false, new byte[1], 0, 1), "past the final size");
        assertEquals(ReceiveStream.Outcome.FINAL_SIZE_ERROR, r.onReset(0, 99_000), "a reset must keep the final size");
        assertEquals(ReceiveStream.Outcome.OK, r.onReset(3, 100_000));
        assertEquals(ReceiveStream.State.RESET_RECVD, r.state());
        assertEquals(0, r.buffered(), "a reset drops what was held");
        assertEquals(100_000, r.consumed(), "and returns its credit to the connection");
        r.onResetRead();
        assertEquals(ReceiveStream.State.RESET_READ, r.state());
    }

    @Test
    void creditIsOfferedWhenHalfTheWindowIsUsed() {
        ReceiveStream r = new ReceiveStream(WINDOW, 16);
        assertTrue(r.maxStreamDataPending(), "the window is larger than the initial credit");
        assertEquals(WINDOW, r.maxStreamData());
        r.onMaxStreamDataSent();
        byte[] chunk = new byte[10_000];
        for (int i = 0; i < 10; i++) {
            r.onData(i * 10_000L, false, chunk, 0, chunk.length);
            r.read(new byte[10_000], 0, 10_000);
        }
        assertFalse(r.maxStreamDataPending(), "100,000 of 200,000 used: exactly half left");
        r.onData(100_000, false, new byte[1], 0, 1);
        r.read(new byte[1], 0, 1);
        assertTrue(r.maxStreamDataPending());
        assertEquals(100_001 + WINDOW, r.maxStreamData());
    }

    @Test
    void stopSendingDropsDataAndWaitsForTheFinalSize() {
        ReceiveStream r = new ReceiveStream(WINDOW, 16);
        r.onData(0, false, new byte[100], 0, 100);
        assertEquals(100, r.stopSending(4));
        assertTrue(r.stopSendingPending());
        assertEquals(0, r.buffered());
        r.onData(100, false, new byte[50], 0, 50);
        assertEquals(150, r.consumed(), "later data is counted and dropped");
        assertFalse(r.isFinishedForApp(), "the final size is not known yet");
        r.onReset(4, 200);
        assertTrue(r.isFinishedForApp());
        assertEquals(200, r.consumed());
    }
}
