package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * A connection fed by hand-made packets, as a buggy or hostile peer would send them: every breach of
 * the rules ends the connection with its RFC 9000 error, nothing throws (spec/STREAMS.md §3, §6).
 */
class StreamProtocolTest {
    private static final int PEER = 0x11111111;
    private static final int US = 0x22222222;
    private static final long T = 1_000_000_000L;

    private final StreamConnection conn = new StreamConnection(StreamConfig.defaults(), true, US, T);

    /** Peer streams have odd ids here (this side opens even ones). */
    private static long peerStream(long index) {
        return 2 * index + 1;
    }

    private ReceiveOutcome feed(byte[] run) {
        return conn.handlePacket(run, 0, run.length, T);
    }

    @Test
    void aPeerStreamIsAnnouncedWithItsPortAndRead() {
        assertEquals(ReceiveOutcome.PROCESSED, feed(new RunBuilder(PEER, 0, 0)
                .stream(peerStream(0), 0, 443, false, "hello ".getBytes()).build()));
        assertEquals(new StreamEvent.StreamOpened(1, 443), conn.pollEvent());
        assertEquals(new StreamEvent.Readable(1), conn.pollEvent());
        assertEquals(ReceiveOutcome.PROCESSED, feed(new RunBuilder(PEER, US, 1)
                .stream(peerStream(0), 6, true, "world".getBytes()).build()));
        byte[] got = new byte[64];
        assertEquals(11, conn.read(1, got, 0, got.length));
        assertEquals("hello world", new String(got, 0, 11));
        assertEquals(StreamConnection.END_OF_STREAM, conn.read(1, got, 0, got.length));
    }

    @Test
    void dataOutOfOrderWaitsForItsPortAndItsGap() {
        assertEquals(ReceiveOutcome.PROCESSED, feed(new RunBuilder(PEER, 0, 5)
                .stream(peerStream(0), 3, true, "def".getBytes()).build()));
        assertNull(conn.pollEvent(), "no port yet: not announced");
        assertEquals(ReceiveOutcome.PROCESSED, feed(new RunBuilder(PEER, 0, 4)
                .stream(peerStream(0), 0, 8080, false, "abc".getBytes()).build()));
        assertEquals(new StreamEvent.StreamOpened(1, 8080), conn.pollEvent());
        byte[] got = new byte[8];
        assertEquals(6, conn.read(1, got, 0, got.length));
        assertEquals("abcdef", new String(got, 0, 6));
    }

    @Test
    void moreThanTheStreamCreditIsAFlowControlError() {
        byte[] tooMuch = new byte[(int) StreamConstants.INITIAL_MAX_STREAM_DATA + 1];
        assertEquals(ReceiveOutcome.PROTOCOL_VIOLATION, feed(new RunBuilder(PEER, 0, 0)
                .stream(peerStream(0), 0, false, tooMuch).build()));
        assertEquals(ConnectionError.FLOW_CONTROL_ERROR, conn.closeReason());
        assertEquals(new StreamEvent.ConnectionClosed(ConnectionError.FLOW_CONTROL_ERROR), conn.pollEvent());
        assertEquals(ReceiveOutcome.CLOSED, feed(new RunBuilder(PEER, 0, 1).ping().build()));
    }

    @Test
    void moreThanTheConnectionCreditIsAFlowControlError() {
        // Five streams of 60,000 bytes: each within its stream credit, 300,000 > 262,144 together
        // (this side has not sent MAX_DATA yet, so the initial credit is the limit).
        byte[] chunk = new byte[60_000];
        for (int i = 0; i < 4; i++) {
            assertEquals(ReceiveOutcome.PROCESSED, feed(new RunBuilder(PEER, 0, i).stream(peerStream(i), 0, false, chunk).build()));
        }
        assertEquals(ReceiveOutcome.PROTOCOL_VIOLATION, feed(new RunBuilder(PEER, 0, 4)
                .stream(peerStream(4), 0, false, chunk).build()));
        assertEquals(ConnectionError.FLOW_CONTROL_ERROR, conn.closeReason());
    }

    @Test
    void creditsAreEnforcedAsSentToThePeer() {
        feed(new RunBuilder(PEER, 0, 0).stream(peerStream(0), 0, false, new byte[1]).build());
        byte[] out = new byte[1200];
        int n = conn.pollTransmit(T, out, 0, out.length); // carries MAX_DATA, MAX_STREAMS, MAX_STREAM_DATA
        long[] seen = new long[3];
        StreamFrames.visit(out, 0, n, new StreamMultiplexTest.Frames() {
            @Override
            public void onMaxData(long max) {
                seen[0] = max;
            }

            @Override
            public void onMaxStreams(long max) {
                seen[1] = max;
            }

            @Override
            public void onMaxStreamData(long id, long max) {
                seen[2] = max;
            }
        });
        StreamConfig d = StreamConfig.defaults();
        assertEquals(d.connectionReceiveWindow(), seen[0]);
        assertEquals(d.maxStreams(), seen[1]);
        assertEquals(d.streamReceiveWindow(), seen[2]);
        // Now the peer may use them.
        byte[] big = new byte[200_000];
        assertEquals(ReceiveOutcome.PROCESSED, feed(new RunBuilder(PEER, US, 1).stream(peerStream(0), 1, false, big).build()));
        assertEquals(ReceiveOutcome.PROCESSED, feed(new RunBuilder(PEER, US, 2)
                .stream(peerStream(d.maxStreams() - 1), 0, false, new byte[1]).build()));
        assertEquals(ReceiveOutcome.PROTOCOL_VIOLATION, feed(new RunBuilder(PEER, US, 3)
                .stream(peerStream(0), 1 + big.length, false, new byte[d.streamReceiveWindow()]).build()));
        assertEquals(ConnectionError.FLOW_CONTROL_ERROR, conn.closeReason());
    }

    @Test
    void openingPastTheStreamLimitIsAStreamLimitError() {
        assertEquals(ReceiveOutcome.PROTOCOL_VIOLATION, feed(new RunBuilder(PEER, 0, 0)
                .stream(peerStream(StreamConstants.INITIAL_MAX_STREAMS), 0, false, new byte[1]).build()));
        assertEquals(ConnectionError.STREAM_LIMIT_ERROR, conn.closeReason());
    }

    @Test
    void aFrameForOurStreamThatWeNeverOpenedIsAStreamStateError() {
        assertEquals(ReceiveOutcome.PROTOCOL_VIOLATION, feed(new RunBuilder(PEER, 0, 0)
                .stream(0, 0, false, new byte[1]).build()));
        assertEquals(ConnectionError.STREAM_STATE_ERROR, conn.closeReason());
    }

    @Test
    void aChangedFinalSizeIsAFinalSizeError() {
        assertEquals(ReceiveOutcome.PROCESSED, feed(new RunBuilder(PEER, 0, 0)
                .stream(peerStream(0), 0, true, new byte[10]).build()));
        assertEquals(ReceiveOutcome.PROTOCOL_VIOLATION, feed(new RunBuilder(PEER, 0, 1)
                .stream(peerStream(0), 10, true, new byte[10]).build()));
        assertEquals(ConnectionError.FINAL_SIZE_ERROR, conn.closeReason());
    }

    @Test
    void aResetBelowTheDataReceivedIsAFinalSizeError() {
        assertEquals(ReceiveOutcome.PROCESSED, feed(new RunBuilder(PEER, 0, 0)
                .stream(peerStream(0), 0, false, new byte[100]).build()));
        assertEquals(ReceiveOutcome.PROTOCOL_VIOLATION, feed(new RunBuilder(PEER, 0, 1)
                .resetStream(peerStream(0), 0, 50).build()));
        assertEquals(ConnectionError.FINAL_SIZE_ERROR, conn.closeReason());
    }

    @Test
    void anAckOfAPacketNeverSentIsAViolation() {
        AckFrame ack = new AckFrame();
        ack.clear(0);
        ack.addRange(0, 0);
        assertEquals(ReceiveOutcome.PROTOCOL_VIOLATION, feed(new RunBuilder(PEER, 0, 0).ack(ack).build()));
        assertEquals(ConnectionError.STREAM_STATE_ERROR, conn.closeReason());
    }

    @Test
    void stalePacketsDuplicatesAndMalformedRunsAreIgnored() {
        assertEquals(ReceiveOutcome.STALE_EPOCH, feed(new RunBuilder(PEER, 0x33333333, 0)
                .stream(peerStream(0), 0, false, new byte[1]).build()));
        assertNull(conn.pollEvent(), "a stale packet creates nothing");
        assertEquals(ReceiveOutcome.PROCESSED, feed(new RunBuilder(PEER, 0, 0).ping().build()));
        assertEquals(ReceiveOutcome.DUPLICATE, feed(new RunBuilder(PEER, 0, 0).ping().build()));
        assertEquals(ReceiveOutcome.MALFORMED, feed(new RunBuilder(PEER, 0, 1).raw(StreamFrames.STREAM, 0x80).build()));
        assertEquals(FrameError.BAD_FLAGS, conn.lastFrameError());
        assertEquals(ReceiveOutcome.MALFORMED, feed(new byte[] {1, 2, 3}));
        assertNull(conn.closeReason(), "none of that ends the connection");
        assertEquals(2, conn.stats().packetsReceived() + conn.stats().duplicatePackets());
    }

    @Test
    void aNewPeerEpochMeansThePeerRestarted() {
        assertEquals(ReceiveOutcome.PROCESSED, feed(new RunBuilder(PEER, 0, 0).ping().build()));
        byte[] fromNewPeer = new RunBuilder(PEER + 1, 0, 0).stream(peerStream(0), 0, false, new byte[3]).build();
        assertEquals(ReceiveOutcome.PEER_RESTARTED, feed(fromNewPeer));
        assertEquals(ConnectionError.PEER_RESTARTED, conn.closeReason());
        StreamConnection fresh = new StreamConnection(StreamConfig.defaults(), true, US + 1, T);
        assertEquals(ReceiveOutcome.PROCESSED, fresh.handlePacket(fromNewPeer, 0, fromNewPeer.length, T));
        assertEquals(new StreamEvent.StreamOpened(1, 80), fresh.pollEvent());
    }

    @Test
    void anAckOnlyPacketIsAnsweredByNothingAndAPingByAnAck() {
        byte[] buf = new byte[1200];
        AckFrame none = new AckFrame();
        assertEquals(0, conn.pollTransmit(T, buf, 0, buf.length), "nothing to say yet");
        feed(new RunBuilder(PEER, 0, 0).ping().build());
        assertEquals(0, conn.pollTransmit(T, buf, 0, buf.length), "one ack-eliciting packet: the ACK waits");
        assertEquals(T + StreamConstants.MAX_ACK_DELAY_NANOS, conn.pollTimeout(), "max_ack_delay");
        int n = conn.pollTransmit(T + StreamConstants.MAX_ACK_DELAY_NANOS, buf, 0, buf.length);
        assertTrue(n > 0);
        int[] acks = {0};
        StreamFrames.visit(buf, 0, n, new StreamMultiplexTest.Frames() {
            @Override
            public void onAck(AckFrame a) {
                acks[0]++;
                assertEquals(0, a.largest());
                assertEquals(StreamConstants.MAX_ACK_DELAY_NANOS / 1000, a.ackDelayMicros());
            }
        });
        assertEquals(1, acks[0]);
        assertNotNull(none);
        assertEquals(1, conn.stats().ackOnlyPacketsSent());
        feed(new RunBuilder(PEER, US, 1).ping().build());
        feed(new RunBuilder(PEER, US, 3).ping().build());
        assertTrue(conn.pollTransmit(T, buf, 0, buf.length) > 0, "a gap: the ACK goes at once");
    }

    @Test
    void dataBeyondTheGapBoundIsNotStoredAndNotAcknowledged() {
        StreamConnection c = new StreamConnection(StreamConfig.builder().maxReceiveGaps(2).build(), true, US, T);
        long id = peerStream(0);
        byte[] x = new byte[10];
        assertEquals(ReceiveOutcome.PROCESSED, handle(c, new RunBuilder(PEER, 0, 0).stream(id, 20, false, x).build()));
        assertEquals(ReceiveOutcome.PROCESSED, handle(c, new RunBuilder(PEER, 0, 1).stream(id, 40, false, x).build()));
        assertEquals(ReceiveOutcome.NOT_ACKNOWLEDGED, handle(c, new RunBuilder(PEER, 0, 2).stream(id, 60, false, x).build()),
                "a third gap would exceed the bound");
        assertEquals(ReceiveOutcome.PROCESSED, handle(c, new RunBuilder(PEER, 0, 3).stream(id, 30, false, x).build()),
                "joining two ranges adds no gap");
        assertEquals(ReceiveOutcome.PROCESSED, handle(c, new RunBuilder(PEER, 0, 4).stream(id, 60, false, x).build()),
                "now there is room again");
        assertEquals(1, c.stats().packetsNotAcknowledged());
        byte[] out = new byte[1200];
        int n = c.pollTransmit(T, out, 0, out.length);
        boolean[] acked2 = {true};
        StreamFrames.visit(out, 0, n, new StreamMultiplexTest.Frames() {
            @Override
            public void onAck(AckFrame a) {
                acked2[0] = a.contains(2);
                assertTrue(a.contains(0) && a.contains(1) && a.contains(3) && a.contains(4));
            }
        });
        assertEquals(false, acked2[0], "packet 2 is not acknowledged: its sender will send the data again");
    }

    private static ReceiveOutcome handle(StreamConnection c, byte[] run) {
        return c.handlePacket(run, 0, run.length, T);
    }

    /** Hostile peers: random bytes, and random well-formed runs with random values; never a throw. */
    @Test
    void randomInputNeverThrows() {
        SplittableRandom r = new SplittableRandom(99);
        StreamConnection c = new StreamConnection(StreamConfig.defaults(), false, US, T);
        byte[] out = new byte[1200];
        int[] outcomes = new int[ReceiveOutcome.values().length];
        for (int i = 0; i < 50_000; i++) {
            byte[] run = r.nextInt(4) == 0 ? randomBytes(r) : randomRun(r);
            ReceiveOutcome o = c.handlePacket(run, 0, run.length, T + i);
            outcomes[o.ordinal()]++;
            c.pollTransmit(T + i, out, 0, out.length);
            c.handleTimeout(T + i);
            if (c.closeReason() != null) {
                c = new StreamConnection(StreamConfig.defaults(), false, US, T + i);
            }
        }
        for (ReceiveOutcome o : ReceiveOutcome.values()) {
            System.out.printf("[stream] random input: %s %d%n", o, outcomes[o.ordinal()]);
        }
        assertTrue(outcomes[ReceiveOutcome.PROCESSED.ordinal()] > 1000);
        assertTrue(outcomes[ReceiveOutcome.MALFORMED.ordinal()] > 1000);
        assertTrue(outcomes[ReceiveOutcome.STALE_EPOCH.ordinal()] > 100);
        assertTrue(outcomes[ReceiveOutcome.PROTOCOL_VIOLATION.ordinal()] > 100);
    }

    private static byte[] randomBytes(SplittableRandom r) {
        byte[] b = new byte[r.nextInt(64)];
        r.nextBytes(b);
        if (b.length > 0 && r.nextBoolean()) {
            b[0] = StreamFrames.PACKET_NUMBER;
        }
        return b;
    }

    private static byte[] randomRun(SplittableRandom r) {
        RunBuilder b = new RunBuilder(PEER, r.nextInt(8) == 0 ? r.nextInt() : 0, r.nextLong(64));
        int frames = 1 + r.nextInt(4);
        for (int i = 0; i < frames; i++) {
            long id = r.nextLong(48);
            long small = r.nextLong(200_000);
            switch (r.nextInt(9)) {
                case 0 -> {
                    long offset = r.nextBoolean() ? 0 : small;
                    b.stream(id, offset, offset == 0 ? r.nextInt(65536) : -1, r.nextBoolean(),
                            new byte[offset == 0 ? r.nextInt(2000) : 1 + r.nextInt(1999)]);
                }
                case 1 -> {
                    AckFrame a = new AckFrame();
                    a.clear(r.nextLong(1_000_000));
                    long hi = r.nextLong(40);
                    a.addRange(Math.max(0, hi - r.nextLong(4)), hi);
                    b.ack(a);
                }
                case 2 -> b.resetStream(id, r.nextLong(10), small);
                case 3 -> b.stopSending(id, r.nextLong(10));
                case 4 -> b.maxData(r.nextLong(VarInt.MAX));
                case 5 -> b.maxStreamData(id, r.nextLong(VarInt.MAX));
                case 6 -> b.maxStreams(r.nextLong(VarInt.MAX));
                case 7 -> b.ping();
                default -> b.stream(id, small, r.nextBoolean(), new byte[1 + r.nextInt(100)]);
            }
        }
        return b.build();
    }
}
