package io.mp2p.ratelimit;

/**
 * One token bucket: at most {@code perSecond} events per second on average, {@code burst} at once.
 * For a budget shared by everyone, such as the cookie replies a node computes per second (spec
 * §7), where a per-source limiter would not help against spoofed sources.
 *
 * <pre>{@code
 * TokenBucket replies = new TokenBucket(1000, 125);
 * if (replies.take(now)) { compute and send the reply }
 * }</pre>
 *
 * <p>Times are readings of a monotonic nanosecond clock, compared by subtraction; a reading
 * earlier than the last one refills nothing. Not thread-safe.
 */
public final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** One event costs this much; a second refills perSecond of them. */
    private final long cost;
    private final long capacity;
    private long tokens;
    private long last;
    private boolean started;

    /**
     * @param perSecond events per second on average, positive
     * @param burst     events allowed at once, positive; the bucket starts full
     */
    public TokenBucket(int perSecond, int burst) {
        if (perSecond <= 0 || burst <= 0) {
            throw new IllegalArgumentException("rate and burst must be positive, got " + perSecond + ", " + burst);
        }
        this.cost = NANOS_PER_SECOND / perSecond;
        this.capacity = cost * burst;
        this.tokens = capacity;
    }

    /** Takes one event's worth at {@code now}; false if the bucket is empty. */
    public boolean take(long now) {
        if (started) {
            long elapsed = now - last;
            if (elapsed > 0) {
                tokens = Math.min(capacity, tokens + Math.min(elapsed, capacity));
            }
        }
        started = true;
        last = now;
        if (tokens < cost) {
            return false;
        }
        tokens -= cost;
        return true;
    }
}
