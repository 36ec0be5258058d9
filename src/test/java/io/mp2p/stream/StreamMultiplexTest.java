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
        // The first six packets that carry the first bytes of stream 0 are lost: it waits for six
        // rounds of loss recovery. Frames of other streams that share those packets are lost with
        // them (those streams then wait for their own lost bytes, and are left out of the check).
        // The losses also shrink the congestion window all streams share, so the others are small.
        long[] dropped = {0};
        java.util.Set<Long> collateral = new java.util.HashSet<>();
        sim.a.out.dropIf = p -> {
            if (dropped[0] < 6 && carriesOffsetZeroOf(p, 0)) {
                dropped[0]++;
                StreamFrames.visit(p, 0, p.length, new Frames() {
                    @Override
                    public void onStream(long id, long offset, int port, boolean fin, byte[] buf, int off, int len) {
                        if (id != 0) {
                            collateral.add(id);
                        }
                    }
                });
                return true;
            }
            return false;
        };
        Transfers.Transfer blocked = ts.get(0);
        List<Transfers.Transfer> others = ts.subList(1, 8);
        assertTrue(sim.runUntil(() -> blocked.read > 0 || others.stream()
                .filter(t -> !collateral.contains(t.writerId)).allMatch(Transfers.Transfer::complete), SimPair.seconds(60)));
        assertEquals(0, blocked.read, "the others finished first");
        assertEquals(StreamConnection.NO_STREAM, blocked.readerId, "not even announced: the port is in its first bytes");
        assertTrue(sim.b.conn.bufferedReceived(blocked.writerId) > 0, "its later bytes wait in its own buffer");
        assertTrue(sim.runUntil(() -> blocked.read > 0, SimPair.seconds(60)));
        long firstByteOfStream0 = sim.now;

        assertEquals(6, dropped[0], "the first bytes of stream 0 were lost six times");
        assertTrue(collateral.size() <= 2, "streams that lost frames in the same packets: " + collateral);
        int finishedFirst = 0;
        for (Transfers.Transfer t : others) {
            if (!collateral.contains(t.writerId)) {
                assertTrue(t.complete() && t.completedAt < firstByteOfStream0,
                        "stream " + t.writerId + " is not held back by stream 0's losses");
                finishedFirst++;
            }
        }
        assertTrue(finishedFirst >= 5);

        assertTrue(sim.runUntil(() -> ts.stream().allMatch(Transfers.Transfer::complete), SimPair.seconds(60)));
        for (Transfers.Transfer t : ts) {
            assertEquals(-1, t.firstMismatch, "stream on port " + t.port);
            assertEquals(t.total, t.read);
        }
        System.out.printf("[stream] 8 streams: %d finished by %.0f ms while stream 0 lost its first bytes 6 times and"
                        + " delivered nothing; its first byte came at %.0f ms, all of it at %.0f ms%n", finishedFirst,
                SimPair.millis(others.stream().filter(t -> !collateral.contains(t.writerId))
                        .mapToLong(t -> t.completedAt).max().orElse(0) - SimPair.T0),
                SimPair.millis(firstByteOfStream0 - SimPair.T0), SimPair.millis(blocked.completedAt - SimPair.T0));
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
