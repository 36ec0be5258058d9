package io.mp2p.stream;

/**
 * RTT estimation of RFC 9002 §5, with its names: {@code latest_rtt}, {@code min_rtt},
 * {@code smoothed_rtt}, {@code rttvar}. All values in nanoseconds.
 *
 * <pre>{@code
 * RttEstimator rtt = new RttEstimator();
 * rtt.updateRtt(latestRttNanos, ackDelayNanos);    // per RTT sample (§5.1)
 * long pto = rtt.smoothedRtt() + Math.max(4 * rtt.rttvar(), kGranularity) + maxAckDelay;
 * }</pre>
 */
public final class RttEstimator {
    private static final int RTTVAR_WEIGHT = 4;      // rttvar = 3/4 rttvar + 1/4 sample (§5.3)
    private static final int SMOOTHED_WEIGHT = 8;    // smoothed_rtt = 7/8 smoothed_rtt + 1/8 sample (§5.3)
    private static final int PTO_RTTVAR_FACTOR = 4;  // max(4 × rttvar, kGranularity) (§6.2.1)

    private long latestRtt;
    private long minRtt;
    private long smoothedRtt = StreamConstants.K_INITIAL_RTT_NANOS;
    private long rttvar = StreamConstants.K_INITIAL_RTT_NANOS / 2;
    private boolean hasSample;

    /**
     * Takes one RTT sample (§5.3). {@code ackDelay} is the peer's reported delay, already limited by
     * the caller to max_ack_delay (the peer's handshake is always confirmed here, so §5.3's
     * "before confirmation" case does not arise).
     */
    public void updateRtt(long latest, long ackDelay) {
        latestRtt = latest;
        if (!hasSample) {
            // §5.3: first sample.
            minRtt = latest;
            smoothedRtt = latest;
            rttvar = latest / 2;
            hasSample = true;
            return;
        }
        // §5.2: min_rtt ignores ack delay.
        minRtt = Math.min(minRtt, latest);
        long adjustedRtt = latest;
        if (latest >= minRtt + ackDelay) {
            adjustedRtt = latest - ackDelay;
        }
        rttvar = (RTTVAR_WEIGHT - 1) * rttvar / RTTVAR_WEIGHT + Math.abs(smoothedRtt - adjustedRtt) / RTTVAR_WEIGHT;
        smoothedRtt = (SMOOTHED_WEIGHT - 1) * smoothedRtt / SMOOTHED_WEIGHT + adjustedRtt / SMOOTHED_WEIGHT;
    }

    /** latest_rtt: the last sample, 0 before any. */
    public long latestRtt() {
        return latestRtt;
    }

    /** min_rtt: the smallest sample, 0 before any. */
    public long minRtt() {
        return minRtt;
    }

    /** smoothed_rtt: kInitialRtt before any sample. */
    public long smoothedRtt() {
        return smoothedRtt;
    }

    /** rttvar: kInitialRtt / 2 before any sample. */
    public long rttvar() {
        return rttvar;
    }

    /** Whether a sample was taken (§7.6.2 needs one before declaring persistent congestion). */
    public boolean hasSample() {
        return hasSample;
    }

    /**
     * The PTO period without backoff (§6.2.1): smoothed_rtt + max(4 × rttvar, kGranularity) +
     * max_ack_delay.
     */
    public long ptoPeriod() {
        return smoothedRtt + Math.max(PTO_RTTVAR_FACTOR * rttvar, StreamConstants.K_GRANULARITY_NANOS)
                + StreamConstants.MAX_ACK_DELAY_NANOS;
    }
}
