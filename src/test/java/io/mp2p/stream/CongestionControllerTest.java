package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** NewReno's states and transitions (RFC 9002 §7.3, Appendix B), and the pacer (§7.7). */
class CongestionControllerTest {
    private static final int MDS = 1200;
    private static final long MS = 1_000_000;

    @Test
    void initialAndMinimumWindowsFollowAppendixB() {
        CongestionController cc = new CongestionController(MDS);
        assertEquals(12_000, cc.initialWindow(), "min(10 × 1200, max(14720, 2400))");
        assertEquals(2400, cc.minimumWindow());
        assertEquals(14_720, new CongestionController(1472 * 2).initialWindow(), "the 14,720-byte cap of larger packets");
        assertEquals(Long.MAX_VALUE, cc.ssthresh());
        assertEquals(CongestionController.State.SLOW_START, cc.state(0));
    }

    @Test
    void slowStartRecoveryCongestionAvoidance() {
        CongestionController cc = new CongestionController(MDS);
        // Slow start: the window grows by the bytes acknowledged.
        for (int i = 0; i < 10; i++) {
            assertTrue(cc.canSend(MDS));
            cc.onPacketSent(MDS);
        }
        assertFalse(cc.canSend(MDS), "10 packets fill the initial window");
        cc.onPacketAcked(MDS, 1 * MS, false);
        assertEquals(13_200, cc.congestionWindow());
        assertEquals(9 * MDS, cc.bytesInFlight());

        // A loss of a packet sent at 2 ms, detected at 50 ms: recovery, window halved.
        cc.onPacketsLost(MDS, 2 * MS, 50 * MS, false);
        assertEquals(6600, cc.ssthresh());
        assertEquals(6600, cc.congestionWindow());
        assertEquals(8 * MDS, cc.bytesInFlight());
        assertEquals(CongestionController.State.RECOVERY, cc.state(3 * MS), "sent before recovery started");
        // Packets sent before the recovery period neither grow the window nor cut it again.
        cc.onPacketAcked(MDS, 3 * MS, false);
        assertEquals(6600, cc.congestionWindow());
        cc.onPacketsLost(MDS, 4 * MS, 55 * MS, false);
        assertEquals(6600, cc.congestionWindow(), "one reduction per round trip");
        assertEquals(1, cc.congestionEvents());

        // A packet sent after recovery started is acknowledged: congestion avoidance, +MDS × bytes / cwnd.
        assertEquals(CongestionController.State.CONGESTION_AVOIDANCE, cc.state(60 * MS));
        cc.onPacketSent(MDS);
        cc.onPacketAcked(MDS, 60 * MS, false);
        assertEquals(6600 + 1200 * 1200 / 6600, cc.congestionWindow());

        // A new loss of a packet sent after the start of recovery is a new congestion event.
        cc.onPacketsLost(MDS, 70 * MS, 100 * MS, false);
        assertEquals(2, cc.congestionEvents());
        assertEquals((6600 + 218) / 2, cc.congestionWindow());
    }

    @Test
    void theWindowNeverFallsBelowTheMinimum() {
        CongestionController cc = new CongestionController(MDS);
        for (int i = 0; i < 20; i++) {
            cc.onPacketSent(MDS);
            cc.onPacketsLost(MDS, i * 100 * MS, i * 100 * MS + 1, false);
        }
        assertEquals(2400, cc.congestionWindow());
        assertEquals(0, cc.bytesInFlight());
    }

    @Test
    void persistentCongestionCollapsesTheWindowAndEndsRecovery() {
        CongestionController cc = new CongestionController(MDS);
        cc.onPacketSent(3 * MDS);
        cc.onPacketsLost(3 * MDS, 10 * MS, 1000 * MS, true);
        assertEquals(2400, cc.congestionWindow());
        assertEquals(6000, cc.ssthresh());
        assertEquals(1, cc.persistentCongestionEvents());
        assertEquals(CongestionController.State.SLOW_START, cc.state(10 * MS), "recovery ended: 2400 < ssthresh");
    }

    @Test
    void anUnderusedWindowDoesNotGrow() {
        CongestionController cc = new CongestionController(MDS);
        cc.onPacketSent(MDS);
        assertTrue(cc.isUnderutilized(MDS), "1,200 of 12,000");
        assertFalse(cc.isUnderutilized(6000));
        cc.onPacketAcked(MDS, MS, true);
        assertEquals(12_000, cc.congestionWindow());
    }

    @Test
    void thePacerSpreadsAWindowOverAnRtt() {
        Pacer p = new Pacer(12_000);
        long srtt = 100 * MS;
        long cwnd = 60_000;
        long t = 0;
        // The bucket starts full: a burst of the initial window.
        int burst = 0;
        while (p.delay(t, MDS, cwnd, srtt) == 0) {
            p.onPacketSent(MDS);
            burst++;
        }
        assertEquals(10, burst);
        // Then one packet per MDS / (1.25 × cwnd / srtt) = 1.6 ms.
        long wait = p.delay(t, MDS, cwnd, srtt);
        assertEquals(1_600_000, wait);
        int sent = 0;
        long end = t + srtt;
        while (t < end) {
            long d = p.delay(t, MDS, cwnd, srtt);
            if (d == 0) {
                p.onPacketSent(MDS);
                sent++;
            } else {
                t += d;
            }
        }
        assertEquals(62, sent, "1.25 × 60,000 / 1200 = 62.5 packets per RTT after the burst");
    }
}
