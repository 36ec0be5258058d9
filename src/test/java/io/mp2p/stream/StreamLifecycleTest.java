package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Opening, half-close, reset, stop-sending and refusal of streams (spec/STREAMS.md §5, §6), over a lossy path. */
class StreamLifecycleTest {
    private static final SimLink.Profile LOSSY = SimLink.Profile.tenMbit(0.1).withReorder(0.1, SimPair.seconds(0.004));

    private final SimPair sim = new SimPair(StreamConfig.builder().portAcceptor(p -> p != 99).build(), LOSSY, 11);
    private final StreamConnection a = sim.a.conn;
    private final StreamConnection b = sim.b.conn;

    @Test
    void halfCloseBothWays() {
        long id = a.openStream(80);
        write(a, id, "GET / HTTP/1.1\r\n\r\n");
        a.finish(id); // A's half is closed; B's is still open

        assertTrue(sim.runUntil(() -> sim.events(sim.b, StreamEvent.StreamOpened.class).size() == 1, SimPair.seconds(10)));
        StreamEvent.StreamOpened opened = sim.events(sim.b, StreamEvent.StreamOpened.class).get(0);
        assertEquals(id, opened.streamId());
        assertEquals(80, opened.port());
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        assertTrue(sim.runUntil(() -> readInto(b, id, request) == StreamConnection.END_OF_STREAM, SimPair.seconds(10)));
        assertEquals("GET / HTTP/1.1\r\n\r\n", request.toString(StandardCharsets.US_ASCII));

        // B answers after A's FIN, in several writes over time: the half-closed stream still carries B's bytes.
        for (int i = 0; i < 5; i++) {
            write(b, id, "part " + i + ";");
            sim.runUntil(() -> false, SimPair.seconds(0.05));
        }
        assertThrows(IllegalStateException.class, () -> write(a, id, "too late"), "A finished its half");
        b.finish(id);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        assertTrue(sim.runUntil(() -> readInto(a, id, response) == StreamConnection.END_OF_STREAM, SimPair.seconds(10)));
        assertEquals("part 0;part 1;part 2;part 3;part 4;", response.toString(StandardCharsets.US_ASCII));

        // Both halves done on both sides: the stream is forgotten everywhere.
        assertTrue(sim.runUntil(() -> a.stats().liveStreams() == 0 && b.stats().liveStreams() == 0, SimPair.seconds(10)));
        assertEquals(1, sim.events(sim.a, StreamEvent.StreamClosed.class).size());
        assertEquals(1, sim.events(sim.b, StreamEvent.StreamClosed.class).size());
        assertEquals(StreamConnection.UNKNOWN_STREAM, a.read(id, new byte[1], 0, 1));
    }

    @Test
    void theAcceptingSideMayFinishFirst() {
        long id = a.openStream(25); // a protocol where the server speaks first
        assertTrue(sim.runUntil(() -> !sim.events(sim.b, StreamEvent.StreamOpened.class).isEmpty(), SimPair.seconds(10)),
                "the stream reaches B before A writes anything");
        write(b, id, "220 ready");
        b.finish(id);
        ByteArrayOutputStream greeting = new ByteArrayOutputStream();
        assertTrue(sim.runUntil(() -> readInto(a, id, greeting) == StreamConnection.END_OF_STREAM, SimPair.seconds(10)));
        assertEquals("220 ready", greeting.toString(StandardCharsets.US_ASCII));
        write(a, id, "QUIT"); // A's half is still open after B's FIN
        a.finish(id);
        ByteArrayOutputStream quit = new ByteArrayOutputStream();
        assertTrue(sim.runUntil(() -> readInto(b, id, quit) == StreamConnection.END_OF_STREAM, SimPair.seconds(10)));
        assertEquals("QUIT", quit.toString(StandardCharsets.US_ASCII));
        assertTrue(sim.runUntil(() -> a.stats().liveStreams() == 0 && b.stats().liveStreams() == 0, SimPair.seconds(10)));
    }

    @Test
    void resetAbortsTheSendingHalfAndTheReaderSeesIt() {
        long id = a.openStream(80);
        byte[] chunk = new byte[100_000];
        assertEquals(chunk.length, a.write(id, chunk, 0, chunk.length));
        assertTrue(sim.runUntil(() -> b.available(id) > 0, SimPair.seconds(10)));
        a.reset(id, 42);
        assertEquals(StreamConnection.STREAM_RESET, a.write(id, chunk, 0, 1), "a reset half takes no more bytes");

        assertTrue(sim.runUntil(() -> !sim.events(sim.b, StreamEvent.StreamReset.class).isEmpty(), SimPair.seconds(10)));
        assertEquals(new StreamEvent.StreamReset(id, 42), sim.events(sim.b, StreamEvent.StreamReset.class).get(0));
        assertEquals(StreamConnection.STREAM_RESET, b.read(id, chunk, 0, chunk.length), "buffered bytes are dropped");
        // B's half is still open; B resets it too. Once A has read the reset, the stream is gone on both sides.
        b.reset(id, 43);
        assertTrue(sim.runUntil(() -> !sim.events(sim.a, StreamEvent.StreamReset.class).isEmpty(), SimPair.seconds(10)));
        assertEquals(new StreamEvent.StreamReset(id, 43), sim.events(sim.a, StreamEvent.StreamReset.class).get(0));
        assertEquals(1, a.stats().liveStreams(), "kept until A's application has seen the reset");
        assertEquals(StreamConnection.STREAM_RESET, a.read(id, chunk, 0, 1));
        assertTrue(sim.runUntil(() -> a.stats().liveStreams() == 0 && b.stats().liveStreams() == 0, SimPair.seconds(10)));

        // The reset stream's credit came back to the connection: a new stream carries more than the initial window.
        Transfers.install(sim.a);
        Transfers.install(sim.b);
        Transfers.Transfer t = Transfers.start(sim, sim.a, sim.b, 81, 5, 2 * StreamConstants.INITIAL_MAX_DATA);
        assertTrue(sim.runUntil(t::complete, SimPair.seconds(60)));
        assertEquals(-1, t.firstMismatch);
    }

    @Test
    void stopSendingMakesThePeerResetWithTheSameCode() {
        long id = a.openStream(80);
        byte[] chunk = new byte[50_000];
        a.write(id, chunk, 0, chunk.length);
        assertTrue(sim.runUntil(() -> b.available(id) > 0, SimPair.seconds(10)));
        b.stopSending(id, 7);
        assertEquals(StreamConnection.STREAM_RESET, b.read(id, chunk, 0, 1));

        assertTrue(sim.runUntil(() -> !sim.events(sim.a, StreamEvent.StopSending.class).isEmpty(), SimPair.seconds(10)));
        assertEquals(new StreamEvent.StopSending(id, 7), sim.events(sim.a, StreamEvent.StopSending.class).get(0));
        assertEquals(StreamConnection.STREAM_RESET, a.write(id, chunk, 0, 1));
        // A still reads B's half to its end.
        write(b, id, "bye");
        b.finish(id);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        assertTrue(sim.runUntil(() -> readInto(a, id, got) == StreamConnection.END_OF_STREAM, SimPair.seconds(10)));
        assertEquals("bye", got.toString(StandardCharsets.US_ASCII));
        assertTrue(sim.runUntil(() -> a.stats().liveStreams() == 0 && b.stats().liveStreams() == 0, SimPair.seconds(10)));
        assertTrue(sim.events(sim.b, StreamEvent.StreamReset.class).isEmpty(), "B asked for it: no reset event on B");
    }

    @Test
    void aStreamToAPortNobodyAcceptsIsRefused() {
        long id = a.openStream(99);
        write(a, id, "hello?");
        assertTrue(sim.runUntil(() -> !sim.events(sim.a, StreamEvent.StreamReset.class).isEmpty()
                && !sim.events(sim.a, StreamEvent.StopSending.class).isEmpty(), SimPair.seconds(10)));
        assertEquals(new StreamEvent.StreamReset(id, StreamErrors.REFUSED), sim.events(sim.a, StreamEvent.StreamReset.class).get(0));
        assertEquals(new StreamEvent.StopSending(id, StreamErrors.REFUSED), sim.events(sim.a, StreamEvent.StopSending.class).get(0));
        assertTrue(sim.events(sim.b, StreamEvent.StreamOpened.class).isEmpty(), "B's application never saw it");
        assertEquals(StreamConnection.STREAM_RESET, a.read(id, new byte[8], 0, 8));
        assertTrue(sim.runUntil(() -> a.stats().liveStreams() == 0 && b.stats().liveStreams() == 0, SimPair.seconds(10)));
    }

    @Test
    void anEmptyStreamIsOpenedAndFinishedInOneFrame() {
        long id = a.openStream(7);
        a.finish(id);
        assertTrue(sim.runUntil(() -> b.read(id, new byte[1], 0, 1) == StreamConnection.END_OF_STREAM, SimPair.seconds(10)));
        b.finish(id);
        assertTrue(sim.runUntil(() -> a.read(id, new byte[1], 0, 1) == StreamConnection.END_OF_STREAM, SimPair.seconds(10)));
        assertTrue(sim.runUntil(() -> a.stats().liveStreams() == 0 && b.stats().liveStreams() == 0, SimPair.seconds(10)));
    }

    @Test
    void eventsAreEdgeTriggeredAndCoalesced() {
        SimPair clean = new SimPair(StreamConfig.defaults(), SimLink.Profile.tenMbit(0), 12);
        long id = clean.a.conn.openStream(80);
        for (int i = 0; i < 10; i++) {
            write(clean.a.conn, id, "x".repeat(3000));
        }
        assertTrue(clean.runUntil(() -> clean.b.conn.available(id) == 30_000, SimPair.seconds(10)));
        assertEquals(1, clean.events(clean.b, StreamEvent.Readable.class).size(), "one Readable until the next read");
        byte[] dst = new byte[100];
        assertEquals(100, clean.b.conn.read(id, dst, 0, dst.length));
        write(clean.a.conn, id, "more");
        assertTrue(clean.runUntil(() -> clean.events(clean.b, StreamEvent.Readable.class).size() == 2, SimPair.seconds(10)),
                "a read re-arms Readable");
        assertArrayEquals("x".repeat(100).getBytes(StandardCharsets.US_ASCII), dst);
    }

    @Test
    void misuseAndUnknownIdsAreReportedNotHidden() {
        assertThrows(IllegalArgumentException.class, () -> a.openStream(65_536));
        assertThrows(IllegalArgumentException.class, () -> a.openStream(-1));
        assertEquals(StreamConnection.UNKNOWN_STREAM, a.write(12345, new byte[1], 0, 1));
        assertEquals(StreamConnection.UNKNOWN_STREAM, a.read(12345, new byte[1], 0, 1));
        long id = a.openStream(80);
        assertNotEquals(StreamConnection.NO_STREAM, id);
        assertEquals(0, id % 2, "A has the lower key: even ids");
        assertEquals(1, b.openStream(80) % 2, "B: odd ids");
        a.close(ConnectionError.ABORTED);
        assertEquals(StreamConnection.CONNECTION_CLOSED, a.write(id, new byte[1], 0, 1));
        assertEquals(StreamConnection.CONNECTION_CLOSED, a.read(id, new byte[1], 0, 1));
        assertEquals(StreamConnection.NO_STREAM, a.openStream(80));
        assertEquals(new StreamEvent.ConnectionClosed(ConnectionError.ABORTED), last(a));
        assertFalse(a.pollTransmit(sim.now, new byte[1200], 0, 1200) > 0, "a closed connection sends nothing");
    }

    private static StreamEvent last(StreamConnection c) {
        StreamEvent last = null;
        for (StreamEvent e; (e = c.pollEvent()) != null; ) {
            last = e;
        }
        return last;
    }

    static void write(StreamConnection c, long id, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        assertEquals(b.length, c.write(id, b, 0, b.length));
    }

    /** Reads what is there into {@code out}; returns the last read's result. */
    static int readInto(StreamConnection c, long id, ByteArrayOutputStream out) {
        byte[] buf = new byte[4096];
        int n;
        while ((n = c.read(id, buf, 0, buf.length)) > 0) {
            out.write(buf, 0, n);
        }
        return n;
    }
}
