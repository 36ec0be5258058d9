package io.mp2p.stream;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loss detection of RFC 9002 §6 and Appendix A, one packet number space, with its names:
 * {@code largest_acked_packet}, {@code time_of_last_ack_eliciting_packet}, {@code loss_time},
 * {@code pto_count}, {@code loss_detection_timer}. It tells the congestion controller and the RTT
 * estimator what happened, and its listener which packets were acknowledged or lost.
 *
 * <pre>{@code
 * loss.onPacketSent(packet);                       // A.5
 * loss.onAckReceived(ackFrame, now);               // A.7: calls listener.onPacketAcked / onPacketLost
 * if (now >= loss.lossDetectionTimer()) loss.onLossDetectionTimeout(now);   // A.9
 * }</pre>
 */
final class LossDetector {
    /** Receives the outcome of each tracked packet exactly once (or nothing, if the connection ends first). */
    interface Listener {
        void onPacketAcked(SentPacket p);

        void onPacketLost(SentPacket p);

        /** The PTO fired: {@code p}'s data should be sent again in a probe, though it is not declared lost. */
        void onProbeRetransmit(SentPacket p);
    }

    private static final long NONE = StreamConstants.NO_TIMEOUT;

    private final TreeMap<Long, SentPacket> sentPackets = new TreeMap<>();
    private final RttEstimator rtt;
    private final CongestionController cc;
    private final Listener listener;
    /** Packet numbers acknowledged at or above the oldest tracked packet, for §7.6.2. */
    private final RangeSet ackedPackets = new RangeSet();
    private long largestAckedPacket = -1;
    private long timeOfLastAckElicitingPacket;
    private long lossTime = NONE;
    private int ptoCount;
    private long lossDetectionTimer = NONE;
    private int ackElicitingInFlight;
    private int probesPending;
    private long firstRttSampleTime;
    private long packetsLost;
    private long ptoFired;

    LossDetector(RttEstimator rtt, CongestionController cc, Listener listener) {
        this.rtt = rtt;
        this.cc = cc;
        this.listener = listener;
    }

    /**
     * A.5 OnPacketSent. Only ack-eliciting packets are tracked: an ACK-only packet is not in flight
     * (§2), is never retransmitted, and a peer that only receives ACKs never acknowledges it, so
     * keeping it would grow the map without bound.
     */
    void onPacketSent(SentPacket p) {
        if (!p.ackEliciting) {
            return;
        }
        if (probesPending > 0) {
            probesPending--;
        }
        sentPackets.put(p.packetNumber, p);
        timeOfLastAckElicitingPacket = p.timeSent;
        ackElicitingInFlight++;
        cc.onPacketSent(p.sentBytes);
        setLossDetectionTimer();
    }

    /** A.7 OnAckReceived. Returns the number of packets newly acknowledged. */
    int onAckReceived(AckFrame ack, long now) {
        largestAckedPacket = Math.max(largestAckedPacket, ack.largest());
        List<SentPacket> newlyAcked = detectAndRemoveAckedPackets(ack);
        if (newlyAcked.isEmpty()) {
            return 0;
        }
        SentPacket largest = newlyAcked.get(newlyAcked.size() - 1);
        if (largest.packetNumber == ack.largest()) {
            // §5.1: a sample only when the largest acknowledged is newly acknowledged and something
            // acknowledged was ack-eliciting (every tracked packet is). §5.3: ack delay limited to max_ack_delay.
            long latestRtt = now - largest.timeSent;
            long ackDelay = Math.min(microsToNanos(ack.ackDelayMicros()), StreamConstants.MAX_ACK_DELAY_NANOS);
            if (!rtt.hasSample()) {
                firstRttSampleTime = now;
            }
            rtt.updateRtt(latestRtt, ackDelay);
        }
        List<SentPacket> lost = detectAndRemoveLostPackets(now);
        if (!lost.isEmpty()) {
            onPacketsLost(lost, now);
        }
        for (SentPacket p : newlyAcked) {
            cc.onPacketAcked(p.sentBytes, p.timeSent, p.underutilized);
            listener.onPacketAcked(p);
        }
        ptoCount = 0; // A.7: the peer's address is always validated here
        setLossDetectionTimer();
        if (!sentPackets.isEmpty()) {
            ackedPackets.removeBelow(sentPackets.firstKey());
        } else {
            ackedPackets.removeBelow(largestAckedPacket + 1);
        }
        return newlyAcked.size();
    }

    private List<SentPacket> detectAndRemoveAckedPackets(AckFrame ack) {
        List<SentPacket> out = new ArrayList<>();
        for (int i = ack.rangeCount() - 1; i >= 0; i--) {
            Map<Long, SentPacket> acked = sentPackets.subMap(ack.low(i), true, ack.high(i), true);
            for (Iterator<SentPacket> it = acked.values().iterator(); it.hasNext(); ) {
                SentPacket p = it.next();
                it.remove();
                ackElicitingInFlight--;
                ackedPackets.add(p.packetNumber, p.packetNumber + 1);
                out.add(p);
            }
        }
        return out;
    }

    /** A.10 DetectAndRemoveLostPackets. */
    private List<SentPacket> detectAndRemoveLostPackets(long now) {
        lossTime = NONE;
        List<SentPacket> lost = new ArrayList<>();
        if (largestAckedPacket < 0) {
            return lost;
        }
        long lossDelay = Math.max(StreamConstants.K_TIME_THRESHOLD_NUM * Math.max(rtt.latestRtt(), rtt.smoothedRtt())
                / StreamConstants.K_TIME_THRESHOLD_DEN, StreamConstants.K_GRANULARITY_NANOS);
        long lostSendTime = now - lossDelay;
        Map<Long, SentPacket> candidates = sentPackets.headMap(largestAckedPacket, true);
        for (Iterator<SentPacket> it = candidates.values().iterator(); it.hasNext(); ) {
            SentPacket p = it.next();
            if (p.timeSent <= lostSendTime
                    || largestAckedPacket >= p.packetNumber + StreamConstants.K_PACKET_THRESHOLD) {
                it.remove();
                ackElicitingInFlight--;
                lost.add(p);
            } else {
                lossTime = Math.min(lossTime, p.timeSent + lossDelay);
            }
        }
        return lost;
    }

    /** B.8 OnPacketsLost, and the listener's repair. */
    private void onPacketsLost(List<SentPacket> lost, long now) {
        long bytes = 0;
        long lastLossSent = Long.MIN_VALUE;
        for (SentPacket p : lost) {
            bytes += p.sentBytes;
            lastLossSent = Math.max(lastLossSent, p.timeSent);
        }
        packetsLost += lost.size();
        cc.onPacketsLost(bytes, lastLossSent, now, inPersistentCongestion(lost));
        for (SentPacket p : lost) {
            listener.onPacketLost(p);
        }
    }

    /**
     * §7.6.2: two ack-eliciting packets, both lost, sent after the first RTT sample, more than the
     * persistent congestion duration apart, with no packet between them acknowledged.
     */
    private boolean inPersistentCongestion(List<SentPacket> lost) {
        if (!rtt.hasSample()) {
            return false;
        }
        long duration = rtt.ptoPeriod() * StreamConstants.K_PERSISTENT_CONGESTION_THRESHOLD;
        SentPacket start = null;
        for (SentPacket p : lost) { // in packet-number order
            if (p.timeSent <= firstRttSampleTime) {
                continue;
            }
            if (start == null || ackedPackets.intersects(start.packetNumber, p.packetNumber)) {
                start = p;
            } else if (p.timeSent - start.timeSent > duration) {
                return true;
            }
        }
        return false;
    }

    /** A.8 SetLossDetectionTimer (the peer is always validated, so no anti-deadlock case). */
    private void setLossDetectionTimer() {
        if (lossTime != NONE) {
            lossDetectionTimer = lossTime; // time threshold loss detection
            return;
        }
        if (ackElicitingInFlight == 0) {
            lossDetectionTimer = NONE;
            return;
        }
        lossDetectionTimer = timeOfLastAckElicitingPacket + (rtt.ptoPeriod() << Math.min(ptoCount, StreamConstants.MAX_PTO_BACKOFF));
    }

    /** A.9 OnLossDetectionTimeout; call when {@code now >= lossDetectionTimer()}. */
    void onLossDetectionTimeout(long now) {
        if (lossTime != NONE) {
            List<SentPacket> lost = detectAndRemoveLostPackets(now);
            if (!lost.isEmpty()) {
                onPacketsLost(lost, now);
            }
            setLossDetectionTimer();
            return;
        }
        if (ackElicitingInFlight == 0) {
            lossDetectionTimer = NONE;
            return;
        }
        // PTO: send ack-eliciting probes, carrying the oldest unacknowledged data (§6.2.4).
        ptoFired++;
        probesPending = StreamConstants.PTO_PROBES;
        int requeued = 0;
        for (SentPacket p : sentPackets.values()) {
            if (requeued == StreamConstants.PTO_PROBES) {
                break;
            }
            listener.onProbeRetransmit(p);
            requeued++;
        }
        ptoCount = Math.min(ptoCount + 1, StreamConstants.MAX_PTO_BACKOFF);
        setLossDetectionTimer();
    }

    /** Forgets every tracked packet (the connection is closed). */
    void discardAll() {
        long bytes = 0;
        for (SentPacket p : sentPackets.values()) {
            bytes += p.sentBytes;
        }
        cc.discard(bytes);
        sentPackets.clear();
        ackElicitingInFlight = 0;
        lossTime = NONE;
        lossDetectionTimer = NONE;
        probesPending = 0;
    }

    long lossDetectionTimer() {
        return lossDetectionTimer;
    }

    int probesPending() {
        return probesPending;
    }

    int ptoCount() {
        return ptoCount;
    }

    long largestAckedPacket() {
        return largestAckedPacket;
    }

    boolean hasAckElicitingInFlight() {
        return ackElicitingInFlight > 0;
    }

    int trackedPackets() {
        return sentPackets.size();
    }

    long packetsLost() {
        return packetsLost;
    }

    long ptoFired() {
        return ptoFired;
    }

    private static long microsToNanos(long micros) {
        long max = Long.MAX_VALUE / 1000;
        return micros > max ? Long.MAX_VALUE : micros * 1000;
    }
}
