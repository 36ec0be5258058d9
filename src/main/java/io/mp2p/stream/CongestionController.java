package io.mp2p.stream;

/**
 * NewReno congestion control as RFC 9002 §7 and Appendix B describe it, with its names:
 * {@code congestion_window}, {@code bytes_in_flight}, {@code ssthresh},
 * {@code congestion_recovery_start_time}. Bytes counted are stream-layer packet bytes.
 *
 * <pre>{@code
 * CongestionController cc = new CongestionController(1200);
 * if (cc.canSend(1200)) { ...send...; cc.onPacketSent(size); }
 * cc.onPacketAcked(size, timeSent, underutilized);     // per newly acknowledged in-flight packet
 * cc.onPacketsLost(bytesLost, timeSentOfLastLoss, now, persistentCongestion);
 * }</pre>
 */
public final class CongestionController {
    /** The states of RFC 9002 §7.3 (figure 1). */
    public enum State {
        /** Below ssthresh: the window grows by the bytes acknowledged. */
        SLOW_START,
        /** After a loss, until a packet sent after it is acknowledged: the window does not grow. */
        RECOVERY,
        /** At or above ssthresh: the window grows by about one packet per window acknowledged. */
        CONGESTION_AVOIDANCE,
    }

    private final long maxDatagramSize;
    private final long initialWindow;
    private final long minimumWindow;
    private long congestionWindow;
    private long bytesInFlight;
    private long ssthresh = Long.MAX_VALUE;
    private long congestionRecoveryStartTime;
    private boolean inRecoveryPeriod;
    private long congestionEvents;
    private long persistentCongestionEvents;

    /** A controller for packets of at most {@code maxDatagramSize} bytes. */
    public CongestionController(int maxDatagramSize) {
        if (maxDatagramSize < StreamConstants.MIN_PACKET_SIZE) {
            throw new IllegalArgumentException("max_datagram_size must be at least " + StreamConstants.MIN_PACKET_SIZE);
        }
        this.maxDatagramSize = maxDatagramSize;
        // B.2: kInitialWindow = min(10 * max_datagram_size, max(14720, 2 * max_datagram_size)).
        this.initialWindow = Math.min(StreamConstants.K_INITIAL_WINDOW_PACKETS * (long) maxDatagramSize,
                Math.max(StreamConstants.K_INITIAL_WINDOW_FLOOR, 2L * maxDatagramSize));
        this.minimumWindow = StreamConstants.K_MINIMUM_WINDOW_PACKETS * (long) maxDatagramSize;
        this.congestionWindow = initialWindow;
    }

    /** Whether a packet of {@code bytes} may be sent without bytes_in_flight exceeding the window (§7). */
    public boolean canSend(int bytes) {
        return bytesInFlight + bytes <= congestionWindow;
    }

    /** B.4: an in-flight packet was sent. */
    public void onPacketSent(int sentBytes) {
        bytesInFlight += sentBytes;
    }

    /** Whether the window would count as under-used (§7.8) after sending with bytes_in_flight at this level. */
    public boolean isUnderutilized(long inFlightAfterSend) {
        return inFlightAfterSend * 2 < congestionWindow;
    }

    /** B.5 InCongestionRecovery: was a packet sent at {@code sentTime} sent before recovery began? */
    public boolean inCongestionRecovery(long sentTime) {
        return inRecoveryPeriod && sentTime <= congestionRecoveryStartTime;
    }

    /** B.5 OnPacketAcked, for an in-flight packet. */
    public void onPacketAcked(int sentBytes, long timeSent, boolean underutilized) {
        bytesInFlight -= sentBytes;
        if (underutilized) {
            return; // §7.8: do not grow a window the sender is not filling
        }
        if (inCongestionRecovery(timeSent)) {
            return;
        }
        if (congestionWindow < ssthresh) {
            congestionWindow += sentBytes; // slow start
        } else {
            congestionWindow += Math.max(1, maxDatagramSize * sentBytes / congestionWindow); // congestion avoidance
        }
    }

    /** B.6 OnCongestionEvent. */
    public void onCongestionEvent(long sentTime, long now) {
        if (inCongestionRecovery(sentTime)) {
            return; // no reduction more than once per round trip
        }
        congestionRecoveryStartTime = now;
        inRecoveryPeriod = true;
        ssthresh = congestionWindow * StreamConstants.K_LOSS_REDUCTION_NUM / StreamConstants.K_LOSS_REDUCTION_DEN;
        congestionWindow = Math.max(ssthresh, minimumWindow);
        congestionEvents++;
    }

    /**
     * B.8 OnPacketsLost: {@code bytesLost} of in-flight packets were declared lost, the last of them
     * sent at {@code timeSentOfLastLoss}; {@code persistentCongestion} as §7.6 established it.
     */
    public void onPacketsLost(long bytesLost, long timeSentOfLastLoss, long now, boolean persistentCongestion) {
        bytesInFlight -= bytesLost;
        onCongestionEvent(timeSentOfLastLoss, now);
        if (persistentCongestion) {
            // §7.6.2: collapse to the minimum window and leave recovery.
            congestionWindow = minimumWindow;
            inRecoveryPeriod = false;
            persistentCongestionEvents++;
        }
    }

    /** Removes bytes of packets that are neither acknowledged nor lost any more (the connection closed). */
    public void discard(long bytes) {
        bytesInFlight -= bytes;
    }

    /** congestion_window in bytes. */
    public long congestionWindow() {
        return congestionWindow;
    }

    /** bytes_in_flight. */
    public long bytesInFlight() {
        return bytesInFlight;
    }

    /** ssthresh, {@link Long#MAX_VALUE} until the first congestion event. */
    public long ssthresh() {
        return ssthresh;
    }

    /** kInitialWindow for this max_datagram_size. */
    public long initialWindow() {
        return initialWindow;
    }

    /** kMinimumWindow for this max_datagram_size. */
    public long minimumWindow() {
        return minimumWindow;
    }

    /** max_datagram_size. */
    public long maxDatagramSize() {
        return maxDatagramSize;
    }

    /** Congestion events so far (reductions of the window). */
    public long congestionEvents() {
        return congestionEvents;
    }

    /** Persistent congestion events so far. */
    public long persistentCongestionEvents() {
        return persistentCongestionEvents;
    }

    /**
     * The state for a packet sent at {@code sentTime} being acknowledged now: RECOVERY if it was sent
     * before the current recovery period began; otherwise by the window against ssthresh.
     */
    public State state(long sentTime) {
        if (inCongestionRecovery(sentTime)) {
            return State.RECOVERY;
        }
        return congestionWindow < ssthresh ? State.SLOW_START : State.CONGESTION_AVOIDANCE;
    }
}
