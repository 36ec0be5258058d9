package io.mp2p.cookie;

/**
 * Decides whether a node is under handshake load (spec §7): more than a threshold of handshake
 * packets (that passed mac1) within the last second, and for one second after that last held.
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
    private boolean wasUnderLoad;
    private long lastUnderLoad;

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
        int slot = (int) Math.floorMod(id, (long) BUCKETS);
        if (bucketIds[slot] != id || counts[slot] == 0) {
            bucketIds[slot] = id;
            counts[slot] = 0;
        }
        if (counts[slot] < Integer.MAX_VALUE) {
            counts[slot]++;
        }
        update(now, id);
    }

    /** Whether the node is under load at {@code now}. */
    public synchronized boolean isUnderLoad(long now) {
        update(now, Math.floorDiv(now, BUCKET_NANOS));
        return wasUnderLoad && now - lastUnderLoad < CookieConstants.UNDER_LOAD_HOLD_NANOS;
    }

    private void update(long now, long currentId) {
        long sum = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long age = currentId - bucketIds[i];
            if (counts[i] != 0 && age >= 0 && age < BUCKETS) {
                sum += counts[i];
            }
        }
        if (sum > threshold) {
            wasUnderLoad = true;
            lastUnderLoad = now;
        }
    }
}
