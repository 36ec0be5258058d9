package io.mp2p.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/** Arrivals count for the slice that sent them, however late; the figures are what was counted. */
class SliceCounterTest {
    private static byte[] tagged(int tag) {
        byte[] m = new byte[64];
        ByteBuffer.wrap(m).putInt(0, tag);
        return m;
    }

    @Test
    void aLateArrivalCountsForItsOwnSliceNotTheNext() {
        SliceCounter c = new SliceCounter();
        int first = c.begin();
        long start = System.nanoTime();
        c.onMessage(tagged(first));
        c.onMessage(tagged(first));
        // The deadline has passed: the turn ends at once, with 3 of 5 still on their way.
        SliceCounter.Run run1 = c.finish(first, 5, start, start, System.nanoTime());
        assertEquals(2, run1.slice().delivered());
        int second = c.begin();
        c.onMessage(ByteBuffer.wrap(tagged(first)));
        c.onMessage(tagged(second));
        c.onMessage(tagged(first));
        SliceCounter.Run run2 = c.finish(second, 1, start, start, Long.MAX_VALUE);
        assertEquals(4, run1.slice().delivered());
        assertEquals(5, run1.slice().sent());
        assertEquals(1, run2.slice().delivered());
        assertEquals(5, c.total());
        assertTrue(run1.slice().nanos() >= 0);
    }

    @Test
    void foreignAndShortMessagesAreNotCounted() {
        SliceCounter c = new SliceCounter();
        int tag = c.begin();
        c.onMessage(new byte[2]);
        c.onMessage(tagged(0));
        c.onMessage(tagged(-7));
        c.onMessage(tagged(1 << 20));
        assertEquals(0, c.total());
        c.onMessage(tagged(tag));
        assertEquals(1, c.total());
    }

    @Test
    void aTurnWaitsUntilEveryMessageArrived() throws Exception {
        SliceCounter c = new SliceCounter();
        int tag = c.begin();
        long start = System.nanoTime();
        Thread receiver = new Thread(() -> {
            for (int i = 0; i < 3; i++) {
                c.onMessage(tagged(tag));
                Thread.onSpinWait();
            }
        });
        receiver.start();
        // The sender is never idle: only the three arrivals can end the turn.
        SliceCounter.Run run = c.finish(tag, 3, start, start, Long.MAX_VALUE, () -> 0, () -> false);
        receiver.join();
        assertEquals(new Slice(3, 3, run.slice().nanos()), run.slice());
    }
}
