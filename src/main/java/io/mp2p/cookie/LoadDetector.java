package io.mp2p.cookie;

/**
 * Decides whether a node is under handshake load (spec §7): more than a threshold of handshake
 * packets that cost Diffie-Hellman work (the caller records only those) within the last second,
 * and for one second after that last held.
 * Counts in a ring of eight 1/8-second buckets, so the window is between 7/8 s and 1 s long: O(1)
 * memory and no allocation per call. Thread-safe.
 *
 * <pre>{@code
 * LoadDetector load = new LoadDetector(CookieConstants.DEFAULT_HANDSHAKE_LOAD_THRESHOLD);
 * load.recordHandshake(now);
 * if (load.isUnderLoad(now) && !checker.checkMac2(...)) { send a CookieReply; drop }
 * }</pre>
 */
public final class LoadDetector {
    private static final int BUCKETS = 8;
    private static final long BUCKET_NANOS = CookieConstants.LOAD_WINDOW_NANOS / BUCKETS;

    private final int threshold;
    private final long[] bucketIds = new long[BUCKETS];
    private final int[] counts = new int[BUCKETS];
    private boolean everUnderLoad;
    /** The node is under load until this time (exclusive) once {@link #everUnderLoad}. */
    private long underLoadUntil;

    /**
     * @param thresholdPerSecond the node is under load above this many handshakes per second
     * @throws IllegalArgumentException if negative
     */
    public LoadDetector(int thresholdPerSecond) {
        if (thresholdPerSecond < 0) {
            throw new IllegalArgumentException("threshold must be >= 0, got " + thresholdPerSecond);
        }
        this.threshold = thresholdPerSecond;
    }

    /** Counts one handshake packet received at {@code now}. */
    public synchronized void recordHandshake(long now) {
        long id = Math.floorDiv(now, BUCKET_NANOS);
        int slot = slot(id);
        if (bucketIds[slot] != id) {
            bucketIds[slot] = id;
            counts[slot] = 0;
        }
        if (counts[slot] < Integer.MAX_VALUE) {
            counts[slot]++;
        }
        // Only a record can raise the count, so this is where "under load" can start. Computing when
        // the count will fall back to the threshold (rather than noticing it at some later call)
        // makes the answer independent of how often isUnderLoad is asked.
        long sum = 0;
        for (int age = 0; age < BUCKETS; age++) {
            sum += countAtAge(id, age);
        }
        if (sum <= threshold) {
            return;
        }
        for (int age = BUCKETS - 1; age >= 0; age--) {
            sum -= countAtAge(id, age);
            if (sum <= threshold) {
                // The bucket of this age leaves the window when BUCKETS buckets have begun since it.
                long windowDrop = (id - age + BUCKETS) * BUCKET_NANOS;
                long until = windowDrop + CookieConstants.UNDER_LOAD_HOLD_NANOS;
                if (!everUnderLoad || until - underLoadUntil > 0) {
                    underLoadUntil = until;
                }
                everUnderLoad = true;
                return;
            }
        }
    }

    /**
     * Whether the node is under load at {@code now}: more than the threshold of handshakes in the
     * last second, or less than a second since that last held.
     */
    public synchronized boolean isUnderLoad(long now) {
        return everUnderLoad && now - underLoadUntil < 0;
    }

    private int countAtAge(long currentId, int age) {
        long id = currentId - age;
        int slot = slot(id);
        return bucketIds[slot] == id ? counts[slot] : 0;
    }

    private static int slot(long id) {
        return (int) Math.floorMod(id, (long) BUCKETS);
    }
}
