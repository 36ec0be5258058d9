package io.mp2p.ratelimit;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Per-source token bucket for handshake packets, after wireguard-go's {@code ratelimiter}
 * (20 packets per second with a burst of 5 there), adapted: an IPv4 source is one address, an
 * IPv6 source is its /64 prefix (one subscriber usually holds a whole /64, so per-address buckets
 * would let it multiply its allowance at will).
 *
 * <pre>{@code
 * RateLimiter limiter = new RateLimiter(20, 5, 65_536);
 * if (!limiter.allow(packet.sourceAddress(), System.nanoTime())) {
 *     return; // drop the handshake packet
 * }
 * }</pre>
 *
 * <p>Differences from wireguard-go: a bucket holds exactly {@code burst} packets (wireguard-go
 * refuses when the tokens equal one packet's cost, which only works there because the clock moves
 * between calls); idle buckets are swept from within {@link #allow} rather than by a background
 * goroutine; and when the table is full a new source is refused instead of growing the table.
 * A source is forgotten once idle for {@value #IDLE_NANOS} ns or long enough to refill its bucket,
 * whichever is longer, so forgetting never grants more than the source had earned.
 *
 * <p>Times are readings of a monotonic nanosecond clock, compared by subtraction. Methods are
 * synchronized.
 */
public final class RateLimiter {

    /** A source idle this long (1 s, as in wireguard-go) may be forgotten. */
    public static final long IDLE_NANOS = 1_000_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /**
     * While the table is full, sweep at most this often: a sweep walks the whole table, and a
     * flood of new sources must not turn every packet into one.
     */
    private static final long FULL_SWEEP_INTERVAL_NANOS = 100_000_000L;
    private static final int IPV6_PREFIX_BYTES = 8;

    private record Source(boolean ipv6, long bits) {}

    private static final class Bucket {
        long tokens;
        long last;
    }

    private final long packetCost;
    private final long maxTokens;
    private final long idleNanos;
    private final int maxEntries;
    private final Map<Source, Bucket> table = new HashMap<>();
    private long lastSweep;
    private boolean swept;
    private long refusedFull;
    private long denied;

    /**
     * @param packetsPerSecond sustained rate per source, at most 10^9
     * @param burst packets a quiet source may send at once
     * @param maxEntries sources tracked at most; new ones are refused while the table is full
     * @throws IllegalArgumentException if an argument is not positive or the rate exceeds 10^9
     */
    public RateLimiter(int packetsPerSecond, int burst, int maxEntries) {
        if (packetsPerSecond <= 0 || packetsPerSecond > NANOS_PER_SECOND || burst <= 0
                || maxEntries <= 0) {
            throw new IllegalArgumentException("rate, burst and table size must be positive (rate"
                    + " at most 1e9/s), got " + packetsPerSecond + ", " + burst + ", " + maxEntries);
        }
        this.packetCost = NANOS_PER_SECOND / packetsPerSecond;
        this.maxTokens = packetCost * burst;
        this.idleNanos = Math.max(IDLE_NANOS, maxTokens);
        this.maxEntries = maxEntries;
    }

    /**
     * Charges one packet to {@code source}'s bucket.
     *
     * @return whether the packet may be processed; {@code false} for a {@code null} source
     */
    public synchronized boolean allow(InetAddress source, long now) {
        if (source == null) {
            denied++;
            return false;
        }
        if (!swept || now - lastSweep >= IDLE_NANOS) {
            sweep(now);
        }
        Source key = keyOf(source);
        Bucket b = table.get(key);
        if (b == null) {
            if (table.size() >= maxEntries && now - lastSweep >= FULL_SWEEP_INTERVAL_NANOS) {
                sweep(now);
            }
            if (table.size() >= maxEntries) {
                refusedFull++;
                denied++;
                return false;
            }
            b = new Bucket();
            b.tokens = maxTokens - packetCost;
            b.last = now;
            table.put(key, b);
            return true;
        }
        long elapsed = now - b.last;
        // A clock reading older than the last one earns nothing; a long gap earns at most a full
        // bucket (and capping first keeps the addition from overflowing).
        if (elapsed > 0) {
            b.tokens = Math.min(maxTokens, b.tokens + Math.min(elapsed, maxTokens));
            b.last = now;
        }
        if (b.tokens >= packetCost) {
            b.tokens -= packetCost;
            return true;
        }
        denied++;
        return false;
    }

    private void sweep(long now) {
        Iterator<Bucket> it = table.values().iterator();
        while (it.hasNext()) {
            if (now - it.next().last > idleNanos) {
                it.remove();
            }
        }
        lastSweep = now;
        swept = true;
    }

    private static Source keyOf(InetAddress address) {
        byte[] raw = address.getAddress();
        if (address instanceof Inet4Address) {
            long bits = 0;
            for (byte x : raw) {
                bits = (bits << Byte.SIZE) | Byte.toUnsignedLong(x);
            }
            return new Source(false, bits);
        }
        long prefix = 0;
        for (int i = 0; i < IPV6_PREFIX_BYTES; i++) {
            prefix = (prefix << Byte.SIZE) | Byte.toUnsignedLong(raw[i]);
        }
        return new Source(true, prefix);
    }

    /** Sources currently tracked. */
    public synchronized int size() {
        return table.size();
    }

    /** Packets refused because the table was full and their source was new. */
    public synchronized long refusedTableFull() {
        return refusedFull;
    }

    /** Packets refused for any reason. */
    public synchronized long deniedCount() {
        return denied;
    }
}
