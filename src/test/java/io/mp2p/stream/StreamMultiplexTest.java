package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Many streams in one connection: each is ordered, and blocked only by its own losses (spec/STREAMS.md §5). */
class StreamMultiplexTest {
    private static final long KIB = 1024;

    @Test
    void lostPacketsOfOneStreamDoNotHoldBackTheOthers() {
        SimPair sim = new SimPair(StreamConfig.defaults(), SimLink.Profile.tenMbit(0), 3);
        Transfers.install(sim.a);
        Transfers.install(sim.b);
        List<Transfers.Transfer> ts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ts.add(Transfers.start(sim, sim.a, sim.b, 1000 + i, 100 + i, i == 0 ? 32 * KIB : 4 * KIB));
        }
        // Every packet that carries the first bytes of stream 0 is lost for the first 400 ms. (The
        // losses also shrink the connection's congestion window, which all streams share: the other
        // streams are small so that they finish within that time even so.)
        long blockUntil = sim.now + SimPair.seconds(0.4);
        long[] dropped = {0};
        sim.a.out.dropIf = p -> {
            if (sim.now < blockUntil && carriesOffsetZeroOf(p, 0)) {
                dropped[0]++;
                return true;
            }
            return false;
        };
        Transfers.Transfer blocked = ts.get(0);
        assertTrue(sim.runUntil(() -> ts.subList(1, 8).stream().allMatch(Transfers.Transfer::complete),
                SimPair.seconds(60)));

        assertTrue(dropped[0] > 0, "the first bytes of stream 0 were lost");
        assertTrue(sim.now < blockUntil, "the other streams finished while stream 0 was still blocked");
        assertEquals(0, blocked.read, "stream 0 delivers nothing before its first bytes");
        assertEquals(StreamConnection.NO_STREAM, blocked.readerId, "not even announced: the port is in its first frame");
        assertTrue(sim.b.conn.bufferedReceived(blocked.writerId) > 0,
                "stream 0's later bytes arrived and wait in its own buffer behind the gap");

        assertTrue(sim.runUntil(() -> ts.stream().allMatch(Transfers.Transfer::complete), SimPair.seconds(60)));
        for (Transfers.Transfer t : ts) {
            assertEquals(-1, t.firstMismatch, "stream on port " + t.port);
            assertEquals(t.total, t.read);
        }
        System.out.printf("[stream] 8 streams: 7 done at %.0f ms while stream 0 waited for its first bytes"
                + " (%d packets dropped); stream 0 done at %.0f ms%n", SimPair.millis(ts.get(7).completedAt - SimPair.T0),
                dropped[0], SimPair.millis(blocked.completedAt - SimPair.T0));
    }

    @Test
    void manyConcurrentStreamsOverALossyPathAllArriveByteExact() {
        SimLink.Profile link = SimLink.Profile.tenMbit(0.02).withReorder(0.02, SimPair.seconds(0.003)).withDuplicate(0.01);
        SimPair sim = new SimPair(StreamConfig.defaults(), link, 4);
        Transfers.install(sim.a);
        Transfers.install(sim.b);
        List<Transfers.Transfer> ts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            // Both directions at once, sizes from 0 bytes to 600 KiB.
            boolean aToB = i % 2 == 0;
            ts.add(Transfers.start(sim, aToB ? sim.a : sim.b, aToB ? sim.b : sim.a, 2000 + i, 200 + i, i * 25 * KIB));
        }
        assertTrue(sim.runUntil(() -> ts.stream().allMatch(Transfers.Transfer::complete), SimPair.seconds(600)));
        for (Transfers.Transfer t : ts) {
            assertEquals(-1, t.firstMismatch, "stream on port " + t.port);
            assertEquals(t.total, t.read, "stream on port " + t.port);
        }
        // Every stream was closed both ways and forgotten on both sides.
        assertTrue(sim.runUntil(() -> sim.a.conn.stats().liveStreams() == 0 && sim.b.conn.stats().liveStreams() == 0,
                SimPair.seconds(60)), "streams left: " + sim.a.conn.stats().liveStreams() + " / "
                + sim.b.conn.stats().liveStreams());
        assertEquals(12, sim.events(sim.a, StreamEvent.StreamOpened.class).size());
        assertEquals(12, sim.events(sim.b, StreamEvent.StreamOpened.class).size());
        assertEquals(24, sim.events(sim.a, StreamEvent.StreamClosed.class).size());
        assertEquals(24, sim.events(sim.b, StreamEvent.StreamClosed.class).size());
    }

    @Test
    void openingPastThePeersStreamLimitWaitsForStreamsAvailable() {
        StreamConfig config = StreamConfig.builder().maxStreams((int) StreamConstants.INITIAL_MAX_STREAMS).build();
        SimPair sim = new SimPair(config, SimLink.Profile.tenMbit(0), 5);
        Transfers.install(sim.a);
        Transfers.install(sim.b);
        List<Transfers.Transfer> ts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ts.add(Transfers.start(sim, sim.a, sim.b, 3000 + i, 300 + i, 10 * KIB));
        }
        sim.act(sim.a);
        long opened = ts.stream().filter(t -> t.writerId != StreamConnection.NO_STREAM).count();
        assertEquals(StreamConstants.INITIAL_MAX_STREAMS, opened, "only the initial MAX_STREAMS can be opened at once");
        // The transfers app retries each step; completing needs MAX_STREAMS from the peer as streams close.
        assertTrue(sim.runUntil(() -> ts.stream().allMatch(Transfers.Transfer::complete), SimPair.seconds(60)));
        assertTrue(sim.events(sim.a, StreamEvent.StreamsAvailable.class).size() >= 1);
        for (Transfers.Transfer t : ts) {
            assertEquals(-1, t.firstMismatch);
        }
    }

    /** Whether the packet holds a STREAM frame of {@code streamId} at offset 0. */
    static boolean carriesOffsetZeroOf(byte[] packet, long streamId) {
        boolean[] found = {false};
        StreamFrames.visit(packet, 0, packet.length, new Frames() {
            @Override
            public void onStream(long id, long offset, int port, boolean fin, byte[] buf, int off, int len) {
                found[0] |= id == streamId && offset == 0;
            }
        });
        return found[0];
    }

    /** A visitor that ignores everything; tests override what they look at. */
    static class Frames implements StreamFrameVisitor {
        @Override
        public void onPacketNumber(int senderEpoch, int receiverEpoch, long packetNumber) {
        }

        @Override
        public void onAck(AckFrame ack) {
        }

        @Override
        public void onStream(long streamId, long offset, int port, boolean fin, byte[] buf, int off, int len) {
        }

        @Override
        public void onResetStream(long streamId, long errorCode, long finalSize) {
        }

        @Override
        public void onStopSending(long streamId, long errorCode) {
        }

        @Override
        public void onMaxData(long maximumData) {
        }

        @Override
        public void onMaxStreamData(long streamId, long maximumStreamData) {
        }

        @Override
        public void onMaxStreams(long maximumStreams) {
        }

        @Override
        public void onPing() {
        }
    }
}
