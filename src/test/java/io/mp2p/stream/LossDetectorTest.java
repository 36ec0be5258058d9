package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Loss detection and the probe timeout of RFC 9002 §6 (Appendix A). */
class LossDetectorTest {
    private static final long MS = 1_000_000;
    private static final long T = 1000 * MS;

    private final RttEstimator rtt = new RttEstimator();
    private final CongestionController cc = new CongestionController(1200);
    private final List<Long> acked = new ArrayList<>();
    private final List<Long> lost = new ArrayList<>();
    private final List<Long> probed = new ArrayList<>();
    private final LossDetector loss = new LossDetector(rtt, cc, new LossDetector.Listener() {
        @Override
        public void onPacketAcked(SentPacket p) {
            acked.add(p.packetNumber);
        }

        @Override
        public void onPacketLost(SentPacket p) {
            lost.add(p.packetNumber);
        }

        @Override
        public void onProbeRetransmit(SentPacket p) {
            probed.add(p.packetNumber);
        }
    });

    private void send(long pn, long at) {
        SentPacket p = new SentPacket(pn, at);
        p.ackEliciting = true;
        p.sentBytes = 1200;
        loss.onPacketSent(p);
    }

    private static AckFrame ack(long delayMicros, long... loHiPairs) {
        AckFrame a = new AckFrame();
        a.clear(delayMicros);
        for (int i = 0; i < loHiPairs.length; i += 2) {
            a.addRange(loHiPairs[i], loHiPairs[i + 1]);
        }
        return a;
    }

    @Test
    void anAckGivesAnRttSampleLessTheAckDelay() {
        send(0, T);
        loss.onAckReceived(ack(5000, 0, 0), T + 100 * MS);
        assertEquals(List.of(0L), acked);
        assertEquals(100 * MS, rtt.latestRtt());
        assertEquals(100 * MS, rtt.smoothedRtt(), "first sample: the ack delay is not subtracted");
        send(1, T + 200 * MS);
        // An ack delay above max_ack_delay (25 ms) counts as 25 ms (§5.3).
        loss.onAckReceived(ack(90_000, 0, 1), T + 330 * MS);
        assertEquals(130 * MS, rtt.latestRtt());
        assertEquals((7 * 100 * MS + 105 * MS) / 8, rtt.smoothedRtt(), "adjusted = 130 − 25");
    }

    @Test
    void packetThresholdDeclaresLossThreeBehind() {
        for (int i = 0; i < 6; i++) {
            send(i, T + i * MS);
        }
        loss.onAckReceived(ack(0, 4, 4), T + 50 * MS);
        assertEquals(List.of(4L), acked);
        assertEquals(List.of(0L, 1L), lost, "4 >= pn + kPacketThreshold for 0 and 1");
        // 2 and 3 are not yet lost: the time threshold timer is set for them (§6.1.2).
        long lossDelay = 9 * 50 * MS / 8; // 9/8 × max(latest_rtt, smoothed_rtt), both 50 − 4 = 46? see below
        assertTrue(loss.lossDetectionTimer() < T + 2 * MS + lossDelay);
        assertEquals(T + 2 * MS + 9 * (46 * MS) / 8, loss.lossDetectionTimer(), "sent at 2 ms + 9/8 × 46 ms");
        loss.onLossDetectionTimeout(loss.lossDetectionTimer());
        assertEquals(List.of(0L, 1L, 2L), lost);
        assertEquals(T + 3 * MS + 9 * (46 * MS) / 8, loss.lossDetectionTimer());
        assertEquals(1, cc.congestionEvents(), "losses within one recovery period count once");
    }

    @Test
    void theProbeTimeoutBacksOffAndAnAckResetsIt() {
        send(0, T);
        long pto = rtt.ptoPeriod();
        assertEquals(T + pto, loss.lossDetectionTimer(), "no RTT sample: PTO from kInitialRtt");
        loss.onLossDetectionTimeout(T + pto);
        assertEquals(1, loss.ptoCount());
        assertEquals(StreamConstants.PTO_PROBES, loss.probesPending());
        assertEquals(List.of(0L), probed, "the oldest data goes again in the probe");
        assertEquals(List.of(), lost, "a PTO declares nothing lost");
        assertEquals(T + 2 * pto, loss.lossDetectionTimer(), "backed off: 2^1 × PTO from the last ack-eliciting packet");
        send(1, T + pto);
        send(2, T + pto);
        assertEquals(0, loss.probesPending());
        assertEquals(T + pto + 2 * pto, loss.lossDetectionTimer());
        loss.onAckReceived(ack(0, 2, 2), T + pto + 10 * MS);
        assertEquals(0, loss.ptoCount());
    }

    @Test
    void persistentCongestionNeedsLossesSpanningThreePtos() {
        send(0, T);
        loss.onAckReceived(ack(0, 0, 0), T + 10 * MS); // first RTT sample: 10 ms
        long duration = rtt.ptoPeriod() * StreamConstants.K_PERSISTENT_CONGESTION_THRESHOLD;
        long start = T + 20 * MS;
        send(1, start);
        send(2, start + duration / 2);
        send(3, start + duration + 20 * MS); // 1..3 span more than the duration, with a margin for the new sample
        send(4, start + duration + 31 * MS);
        send(5, start + duration + 31 * MS);
        send(6, start + duration + 31 * MS);
        loss.onAckReceived(ack(0, 6, 6), start + duration + 41 * MS); // a 10 ms sample again
        assertEquals(List.of(1L, 2L, 3L), lost, "by the packet threshold; 4 is within 9/8 RTT");
        assertEquals(1, cc.persistentCongestionEvents());
        // Collapsed to kMinimumWindow, then (A.7: losses first, acknowledgements after) grown in slow
        // start by the acknowledged packet 6, sent after the recovery period that persistent congestion ended.
        assertEquals(cc.minimumWindow() + 1200, cc.congestionWindow());
    }

    @Test
    void anAcknowledgedPacketBetweenTheLossesRulesOutPersistentCongestion() {
        send(0, T);
        loss.onAckReceived(ack(0, 0, 0), T + 10 * MS);
        long duration = rtt.ptoPeriod() * StreamConstants.K_PERSISTENT_CONGESTION_THRESHOLD;
        long start = T + 20 * MS;
        send(1, start);
        send(2, start + duration / 2);
        send(3, start + duration + 20 * MS); // 1..3 span more than the duration, with a margin for the new sample
        send(4, start + duration + 31 * MS);
        send(5, start + duration + 31 * MS);
        send(6, start + duration + 31 * MS);
        loss.onAckReceived(ack(0, 6, 6, 2, 2), start + duration + 41 * MS);
        assertEquals(List.of(1L, 3L), lost);
        assertEquals(1, cc.congestionEvents());
        assertEquals(0, cc.persistentCongestionEvents());
    }
}
