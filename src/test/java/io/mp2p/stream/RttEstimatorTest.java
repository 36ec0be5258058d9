package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RTT estimation vectors worked out by hand from the formulas of RFC 9002 §5.2-5.3 (values in ms). */
class RttEstimatorTest {
    private static final long MS = 1_000_000;

    @Test
    void beforeAnySampleTheInitialRttIsAssumed() {
        RttEstimator r = new RttEstimator();
        assertFalse(r.hasSample());
        assertEquals(333 * MS, r.smoothedRtt());
        assertEquals(333 * MS / 2, r.rttvar());
        // PTO = 333 + max(4 × 166.5, 1) + 25 = 1024 ms
        assertEquals(1024 * MS, r.ptoPeriod());
    }

    @Test
    void samplesFollowTheRfcFormulas() {
        RttEstimator r = new RttEstimator();
        // §5.3 first sample: smoothed_rtt = 100, rttvar = 100 / 2, min_rtt = 100 (ack delay ignored).
        r.updateRtt(100 * MS, 10 * MS);
        assertTrue(r.hasSample());
        assertEquals(100 * MS, r.latestRtt());
        assertEquals(100 * MS, r.minRtt());
        assertEquals(100 * MS, r.smoothedRtt());
        assertEquals(50 * MS, r.rttvar());

        // latest 120, ack delay 10: 120 >= min 100 + 10, so adjusted_rtt = 110.
        // rttvar = 3/4 × 50 + 1/4 × |100 − 110| = 40; smoothed_rtt = 7/8 × 100 + 1/8 × 110 = 101.25.
        r.updateRtt(120 * MS, 10 * MS);
        assertEquals(100 * MS, r.minRtt());
        assertEquals(40 * MS, r.rttvar());
        assertEquals(101_250_000, r.smoothedRtt());

        // latest 105, ack delay 10: 105 < 100 + 10, so the delay is not subtracted (adjusted_rtt = 105).
        // rttvar = 3/4 × 40 + 1/4 × |101.25 − 105| = 30.9375; smoothed_rtt = 7/8 × 101.25 + 1/8 × 105 = 101.71875.
        r.updateRtt(105 * MS, 10 * MS);
        assertEquals(30_937_500, r.rttvar());
        assertEquals(101_718_750, r.smoothedRtt());
        assertEquals(105 * MS, r.latestRtt());

        // A smaller sample moves min_rtt (§5.2), whatever the ack delay.
        r.updateRtt(80 * MS, 70 * MS);
        assertEquals(80 * MS, r.minRtt());
        // adjusted = 80 (80 < 80 + 70): rttvar = 3/4 × 30.9375 + 1/4 × 21.71875 = 28.6328125
        assertEquals(28_632_812, r.rttvar());
        // smoothed = 7/8 × 101.71875 + 1/8 × 80 = 99.00390625
        assertEquals(99_003_906, r.smoothedRtt());
        // PTO = smoothed + max(4 × rttvar, 1 ms) + max_ack_delay 25 ms
        assertEquals(99_003_906 + 4 * 28_632_812 + 25 * MS, r.ptoPeriod());
    }

    @Test
    void theGranularityFloorsThePto() {
        RttEstimator r = new RttEstimator();
        for (int i = 0; i < 200; i++) {
            r.updateRtt(10 * MS, 0); // rttvar decays towards 0
        }
        assertTrue(r.rttvar() < MS / 4);
        assertEquals(10 * MS + StreamConstants.K_GRANULARITY_NANOS + StreamConstants.MAX_ACK_DELAY_NANOS, r.ptoPeriod());
    }
}
