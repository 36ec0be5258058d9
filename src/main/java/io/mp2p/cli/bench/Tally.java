package io.mp2p.cli.bench;

/** Operations done and the nanoseconds they took, summed over the slices of a run. */
final class Tally {
    private long operations;
    private long nanos;

    void add(long ops, long elapsedNanos) {
        operations += ops;
        nanos += elapsedNanos;
    }

    long operations() {
        return operations;
    }

    /** Operations per second, or NaN before any time was spent. */
    double perSecond() {
        return nanos == 0 ? Double.NaN : operations / (nanos / 1e9);
    }
}
