package io.mp2p.cli.bench;

import java.util.Arrays;

/** Durations in nanoseconds (round trips, handshakes), kept whole so that percentiles are exact. */
final class Samples {
    private static final int INITIAL_CAPACITY = 1024;
    private static final double MEDIAN = 0.5;
    private static final double P99 = 0.99;

    private long[] values = new long[INITIAL_CAPACITY];
    private int count;
    private long failures;

    void add(long nanos) {
        if (count == values.length) {
            values = Arrays.copyOf(values, count * 2);
        }
        values[count++] = nanos;
    }

    /** An attempt that produced no sample: a ping with no reply, a handshake that did not finish. */
    void fail() {
        failures++;
    }

    int count() {
        return count;
    }

    long failures() {
        return failures;
    }

    /** The median in microseconds, or NaN when there is no sample. */
    double medianMicros() {
        return percentileMicros(MEDIAN);
    }

    /** The 99th percentile in microseconds, or NaN when there is no sample. */
    double p99Micros() {
        return percentileMicros(P99);
    }

    /** Nearest-rank percentile: the smallest sample at or above fraction {@code p} of them. */
    private double percentileMicros(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * count);
        return sorted[Math.max(0, rank - 1)] / 1e3;
    }
}
