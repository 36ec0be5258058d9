package io.mp2p.cookie;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.junit.jupiter.api.Test;

class LoadDetectorTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int THRESHOLD = 10;

    @ParameterizedTest
    @ValueSource(longs = {0, -5 * 1_000_000_000L, Long.MAX_VALUE - 3_000_000_000L, 123_456_789})
    void belowAndAboveThresholdAndRecovery(long t0) {
        LoadDetector d = new LoadDetector(THRESHOLD);
        assertFalse(d.isUnderLoad(t0));
        for (int i = 0; i < THRESHOLD; i++) {
            d.recordHandshake(t0 + i * MS);
        }
        assertFalse(d.isUnderLoad(t0 + THRESHOLD * MS), "exactly the threshold is not above it");
        d.recordHandshake(t0 + THRESHOLD * MS);
        long loadedAt = t0 + THRESHOLD * MS;
        assertTrue(d.isUnderLoad(loadedAt));
        // The burst leaves the window within a second; the node stays under load one second after.
        assertTrue(d.isUnderLoad(loadedAt + SECOND / 2));
        assertTrue(d.isUnderLoad(loadedAt + SECOND + SECOND / 2), "held for a second after the last time it held");
        assertFalse(d.isUnderLoad(loadedAt + 3 * SECOND));
    }

    @Test
    void spreadOutHandshakesNeverLoad() {
        LoadDetector d = new LoadDetector(THRESHOLD);
        SplittableRandom r = new SplittableRandom(41);
        long t = r.nextLong();
        for (int i = 0; i < 5_000; i++) {
            t += SECOND / THRESHOLD * 2 + r.nextLong(MS);
            d.recordHandshake(t);
            assertFalse(d.isUnderLoad(t));
        }
    }

    @Test
    void sustainedLoadStays() {
        LoadDetector d = new LoadDetector(THRESHOLD);
        long t = 0;
        for (int i = 0; i < 5_000; i++) {
            t += SECOND / (4 * THRESHOLD);
            d.recordHandshake(t);
            if (t > SECOND) {
                assertTrue(d.isUnderLoad(t));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new LoadDetector(-1));
    }
}
