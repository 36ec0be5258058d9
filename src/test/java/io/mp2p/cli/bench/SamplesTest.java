package io.mp2p.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles over every sample, in microseconds. */
class SamplesTest {
    @Test
    void medianAndP99AreNearestRank() {
        Samples s = new Samples();
        for (int i = 2000; i >= 1; i--) {     // out of order, and more than the initial capacity
            s.add(i * 1000L);
        }
        assertEquals(2000, s.count());
        assertEquals(1000.0, s.medianMicros());
        assertEquals(1980.0, s.p99Micros());
    }

    @Test
    void oneSampleIsItsOwnMedianAndP99() {
        Samples s = new Samples();
        s.add(51_500);
        s.fail();
        assertEquals(51.5, s.medianMicros());
        assertEquals(51.5, s.p99Micros());
        assertEquals(1, s.failures());
    }

    @Test
    void noSampleIsNotANumber() {
        assertTrue(Double.isNaN(new Samples().medianMicros()));
        assertTrue(Double.isNaN(new Tally().perSecond()));
        assertTrue(Double.isNaN(new Throughput(64).loss()));
    }
}
