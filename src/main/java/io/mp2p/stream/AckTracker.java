package io.mp2p.stream;

import java.util.Map;

/**
 * The receiver's side of acknowledgement (RFC 9000 §13.2): which packet numbers arrived, when an ACK
 * is due, and the ACK frame that says so.
 *
 * <ul>
 *   <li>An ACK is sent at once after {@link StreamConstants#ACK_ELICITING_THRESHOLD} ack-eliciting
 *       packets, or when a packet arrives out of order (§13.2.1), else within max_ack_delay of the
 *       first unacknowledged ack-eliciting packet.</li>
 *   <li>At most {@code maxRanges} ranges are remembered; past that the lowest is forgotten (§13.2.3).
 *       Ranges at or below the Largest Acknowledged of an ACK frame the peer acknowledged are
 *       forgotten too (§13.2.4).</li>
 * </ul>
 */
final class AckTracker {
    private static final long NONE = StreamConstants.NO_TIMEOUT;
    private static final long NANOS_PER_MICRO = 1000;

    private final RangeSet received = new RangeSet();
    private final int maxRanges;
    private final AckFrame frame = new AckFrame();
    private long largestReceived = -1;
    private long largestReceivedTime;
    private int ackElicitingUnacked;
    private boolean immediate;
    private boolean unacked;
    private long ackDeadline = NONE;

    AckTracker(int maxRanges) {
        this.maxRanges = Math.max(1, maxRanges);
    }

    /** Whether {@code pn} is known to have arrived already. */
    boolean isDuplicate(long pn) {
        return received.contains(pn);
    }

    /** Records an accepted packet (§13.2.1). */
    void onPacketReceived(long pn, boolean ackEliciting, long now) {
        boolean outOfOrder = largestReceived >= 0 && pn != largestReceived + 1;
        received.add(pn, pn + 1);
        while (received.rangeCount() > maxRanges) {
            received.removeFirst();
        }
        if (pn > largestReceived) {
            largestReceived = pn;
            largestReceivedTime = now;
        }
        unacked = true;
        if (!ackEliciting) {
            return;
        }
        ackElicitingUnacked++;
        if (outOfOrder || ackElicitingUnacked >= StreamConstants.ACK_ELICITING_THRESHOLD) {
            immediate = true;
        }
        if (ackDeadline == NONE) {
            ackDeadline = now + StreamConstants.MAX_ACK_DELAY_NANOS;
        }
    }

    /** Whether an ACK must be sent now, alone if nothing else is to be sent. */
    boolean ackDue(long now) {
        return immediate || (ackDeadline != NONE && now >= ackDeadline);
    }

    /** Whether received packets are not yet acknowledged (an ACK may ride along with other frames). */
    boolean hasUnacked() {
        return unacked && !received.isEmpty();
    }

    /** When an ACK becomes due by its timer, or {@link StreamConstants#NO_TIMEOUT}. */
    long ackDeadline() {
        return immediate ? NONE : ackDeadline;
    }

    /**
     * Writes an ACK frame with as many ranges as fit in {@code buf[p..end)}, highest first, and returns
     * the offset after it, or {@code p} when not even one range fits. Returns the Largest
     * Acknowledged written through {@link #lastLargest()}.
     */
    int writeAck(byte[] buf, int p, int end, long now) {
        if (received.isEmpty()) {
            return p;
        }
        long delayMicros = Math.max(0, (now - largestReceivedTime) / NANOS_PER_MICRO);
        frame.clear(delayMicros);
        int count = 0;
        for (Map.Entry<Long, Long> r : received.descending()) {
            if (!frame.addRange(r.getKey(), r.getValue() - 1) || p + StreamFrames.ackLength(frame) > end) {
                break;
            }
            count = frame.rangeCount();
        }
        if (count == 0) {
            return p;
        }
        if (count < frame.rangeCount()) {
            // The last range added did not fit: rebuild with only the ranges that do.
            frame.clear(delayMicros);
            for (Map.Entry<Long, Long> r : received.descending()) {
                if (frame.rangeCount() == count) {
                    break;
                }
                frame.addRange(r.getKey(), r.getValue() - 1);
            }
        }
        int out = StreamFrames.writeAck(buf, p, frame);
        unacked = false;
        immediate = false;
        ackElicitingUnacked = 0;
        ackDeadline = NONE;
        return out;
    }

    /** Largest Acknowledged of the last ACK frame written. */
    long lastLargest() {
        return frame.largest();
    }

    /** §13.2.4: the peer acknowledged an ACK frame whose Largest Acknowledged was {@code largest}. */
    void onAckAcknowledged(long largest) {
        received.removeBelow(largest + 1);
        if (received.isEmpty()) {
            // Keep the largest, so that the next packet is not taken as out of order.
            received.add(largest, largest + 1);
        }
    }

    long largestReceived() {
        return largestReceived;
    }

    int rangeCount() {
        return received.rangeCount();
    }
}
