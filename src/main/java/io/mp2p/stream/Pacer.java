package io.mp2p.stream;

/**
 * Pacing of RFC 9002 §7.7: packets leave at {@code N × congestion_window / smoothed_rtt} (N = 5/4),
 * through a token bucket whose depth (the largest burst) is the initial window, never more than the
 * congestion window. Tokens are bytes; time is nanoseconds.
 *
 * <pre>{@code
 * long wait = pacer.delay(now, 1200, cc.congestionWindow(), rtt.smoothedRtt());
 * if (wait == 0) { send(); pacer.onPacketSent(size); } else { wakeAt(now + wait); }
 * }</pre>
 */
public final class Pacer {
    private final long burst;
    private long tokens;
    private long lastRefill;
    private boolean started;

    /** A pacer whose bucket holds at most {@code burst} bytes (RFC 9002 §7.7: the initial window). */
    public Pacer(long burst) {
        this.burst = burst;
        this.tokens = burst;
    }

    /**
     * Nanoseconds to wait before a packet of {@code bytes} may leave, 0 if it may leave now. Refills
     * the bucket for the time passed since the last call.
     */
    public long delay(long now, int bytes, long congestionWindow, long smoothedRtt) {
        long capacity = Math.max(bytes, Math.min(burst, congestionWindow));
        if (!started) {
            started = true;
            lastRefill = now;
        }
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            // Past one RTT the bucket is full whatever the rate. Time too short to earn a whole byte is
            // kept (lastRefill stays), so that frequent calls do not lose it.
            double e = Math.min(elapsed, smoothedRtt);
            long added = (long) (e * congestionWindow * StreamConstants.K_PACING_GAIN_NUM
                    / ((double) Math.max(1, smoothedRtt) * StreamConstants.K_PACING_GAIN_DEN));
            if (added > 0) {
                tokens = Math.min(capacity, tokens + added);
                lastRefill = now;
            }
        }
        tokens = Math.min(tokens, capacity);
        if (tokens >= bytes) {
            return 0;
        }
        long deficit = bytes - tokens;
        long rateDen = congestionWindow * StreamConstants.K_PACING_GAIN_NUM;
        return Math.max(1, (deficit * smoothedRtt * StreamConstants.K_PACING_GAIN_DEN + rateDen - 1) / rateDen);
    }

    /** Takes a sent packet's bytes from the bucket. */
    public void onPacketSent(int bytes) {
        tokens = Math.max(0, tokens - bytes);
    }
}
