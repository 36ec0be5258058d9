package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A reader that stops reading: flow control stops the writer, and no buffer grows past its bound (spec/STREAMS.md §6.3, §9). */
class StreamBoundsTest {
    private static final int STREAM_WINDOW = 256 * 1024;
    private static final long CONNECTION_WINDOW = 512 * 1024;
    private static final int SEND_BUFFER = 128 * 1024;

    @Test
    void aStalledReaderStopsTheWriterAndNoBufferGrowsPastItsBound() {
        StreamConfig config = StreamConfig.builder().streamReceiveWindow(STREAM_WINDOW)
                .connectionReceiveWindow(CONNECTION_WINDOW).sendBufferSize(SEND_BUFFER).build();
        SimPair sim = new SimPair(config, SimLink.Profile.tenMbit(0.02).withReorder(0.05, SimPair.seconds(0.003)), 31);
        Transfers.install(sim.a);
        Transfers.install(sim.b);
        List<Transfers.Transfer> ts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Transfers.Transfer t = Transfers.start(sim, sim.a, sim.b, 80 + i, 40 + i, 4L << 20);
            t.readerPaused = true; // B's application reads nothing
            ts.add(t);
        }
        long[] peakReceived = new long[ts.size()];
        long[] peakToSend = new long[ts.size()];
        long[] peakMemory = {0, 0};
        sim.b.app = wrap(sim.b.app, () -> {
            for (int i = 0; i < ts.size(); i++) {
                peakReceived[i] = Math.max(peakReceived[i], sim.b.conn.bufferedReceived(ts.get(i).writerId));
                peakToSend[i] = Math.max(peakToSend[i], sim.a.conn.bufferedToSend(ts.get(i).writerId));
            }
            peakMemory[0] = Math.max(peakMemory[0], sim.a.conn.stats().bufferMemory());
            peakMemory[1] = Math.max(peakMemory[1], sim.b.conn.stats().bufferMemory());
        });
        sim.runUntil(() -> false, SimPair.seconds(30));

        long totalReceived = 0;
        for (int i = 0; i < ts.size(); i++) {
            Transfers.Transfer t = ts.get(i);
            assertTrue(peakReceived[i] <= STREAM_WINDOW, "receive buffer " + peakReceived[i]);
            assertTrue(peakToSend[i] <= SEND_BUFFER, "send buffer " + peakToSend[i]);
            assertTrue(t.written <= STREAM_WINDOW + SEND_BUFFER, "the writer was stopped: " + t.written);
            assertEquals(0, t.read);
            totalReceived += sim.b.conn.bufferedReceived(t.writerId);
        }
        assertTrue(totalReceived <= CONNECTION_WINDOW, "all streams together: " + totalReceived);
        assertTrue(totalReceived >= CONNECTION_WINDOW / 2, "the windows were used: " + totalReceived);
        // Rings are allocated by doubling, up to each buffer's bound.
        assertTrue(peakMemory[0] <= 3L * SEND_BUFFER, "sender memory " + peakMemory[0]);
        assertTrue(peakMemory[1] <= 3L * STREAM_WINDOW, "receiver memory " + peakMemory[1]);
        assertEquals(null, sim.a.conn.closeReason(), "a blocked writer is not an idle connection");
        System.out.printf("[stream] stalled reader, 3 streams, 30 s: received-unread %d B (connection window %d),"
                        + " peak receive buffer %d B (window %d), peak send buffer %d B (bound %d), buffer memory %d / %d B%n",
                totalReceived, CONNECTION_WINDOW, max(peakReceived), STREAM_WINDOW, max(peakToSend), SEND_BUFFER,
                peakMemory[0], peakMemory[1]);

        // The reader comes back: everything arrives, byte-exact.
        ts.forEach(Transfers::resume);
        assertTrue(sim.runUntil(() -> ts.stream().allMatch(Transfers.Transfer::complete), SimPair.seconds(300)));
        for (Transfers.Transfer t : ts) {
            assertEquals(-1, t.firstMismatch);
            assertEquals(t.total, t.read);
        }
    }

    private static long max(long[] v) {
        long m = 0;
        for (long x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static SimPair.App wrap(SimPair.App app, Runnable after) {
        return (sim, side, events) -> {
            app.step(sim, side, events);
            after.run();
        };
    }
}
