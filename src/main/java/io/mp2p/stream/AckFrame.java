package io.mp2p.stream;

/**
 * The content of an ACK frame (RFC 9000 §19.3) as inclusive packet-number ranges, highest first.
 * A reusable holder: the parser fills it; {@link AckTracker} builds it to send.
 *
 * <pre>{@code
 * AckFrame a = new AckFrame();
 * a.clear(0);
 * a.addRange(10, 12);   // packets 10, 11, 12 (highest range first)
 * a.addRange(5, 7);
 * int end = StreamFrames.writeAck(buf, off, a);
 * }</pre>
 */
public final class AckFrame {
    private final long[] low = new long[StreamConstants.MAX_ACK_RANGES];
    private final long[] high = new long[StreamConstants.MAX_ACK_RANGES];
    private int count;
    private long ackDelayMicros;

    /** Empties the frame and sets its ack delay. */
    public void clear(long ackDelayMicros) {
        this.count = 0;
        this.ackDelayMicros = ackDelayMicros;
    }

    /**
     * Appends the range {@code lo..hi} (inclusive), which must lie below the previous one with at
     * least one packet number between them, as the wire format requires.
     *
     * @return false when the frame already holds {@link StreamConstants#MAX_ACK_RANGES} ranges
     */
    public boolean addRange(long lo, long hi) {
        if (lo < 0 || hi < lo || (count > 0 && hi >= low[count - 1] - 1)) {
            throw new IllegalArgumentException("ranges must descend with gaps: " + lo + ".." + hi);
        }
        if (count == low.length) {
            return false;
        }
        low[count] = lo;
        high[count] = hi;
        count++;
        return true;
    }

    /** Number of ranges, at least 1 in a valid frame. */
    public int rangeCount() {
        return count;
    }

    /** Lowest packet number of range {@code i} (0 = the highest range). */
    public long low(int i) {
        return low[i];
    }

    /** Highest packet number of range {@code i} (0 = the highest range). */
    public long high(int i) {
        return high[i];
    }

    /** Largest Acknowledged. */
    public long largest() {
        return high[0];
    }

    /** ACK Delay in microseconds: how long the sender held the ACK after receiving the largest packet. */
    public long ackDelayMicros() {
        return ackDelayMicros;
    }

    /** Whether {@code pn} is inside one of the ranges. */
    public boolean contains(long pn) {
        for (int i = 0; i < count; i++) {
            if (pn >= low[i] && pn <= high[i]) {
                return true;
            }
        }
        return false;
    }
}
