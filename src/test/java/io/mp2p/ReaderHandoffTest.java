package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The hand-over of socket reading between the I/O thread and one waiting application thread. */
class ReaderHandoffTest {
    @Test
    void withoutAReaderTheIoThreadReadsItself() {
        ReaderHandoff h = new ReaderHandoff();
        assertEquals(-1, h.ioGraceMillis());
        assertNull(h.reader());
    }

    @Test
    void theGraceDoublesWhileOneReaderWaitsAndStartsAgainForTheNext() {
        ReaderHandoff h = new ReaderHandoff();
        assertTrue(h.enter());
        assertEquals(Thread.currentThread(), h.reader());
        long expected = ReaderHandoff.GRACE_MILLIS;
        for (int i = 0; i < 12; i++) {
            assertEquals(expected, h.ioGraceMillis(), "look " + i);
            expected = Math.min(expected * 2, ReaderHandoff.MAX_GRACE_MILLIS);
        }
        // The I/O thread sleeps long now: the leaving reader must wake it.
        assertTrue(h.leave());
        assertEquals(-1, h.ioGraceMillis());
        assertTrue(h.enter());
        assertEquals(ReaderHandoff.GRACE_MILLIS, h.ioGraceMillis(), "a new reader starts at the shortest grace");
        // At the shortest grace the I/O thread looks again soon by itself: no wake-up needed.
        assertFalse(h.leave());
    }

    @Test
    void onlyOneThreadReadsAtATime() throws Exception {
        ReaderHandoff h = new ReaderHandoff();
        assertTrue(h.enter());
        assertFalse(CompletableFuture.supplyAsync(h::enter).get(10, TimeUnit.SECONDS), "a second reader got in");
        h.leave();
        assertTrue(CompletableFuture.supplyAsync(() -> {
            boolean in = h.enter();
            if (in) {
                h.leave();
            }
            return in;
        }).get(10, TimeUnit.SECONDS), "the next reader was kept out after the first left");
    }
}
