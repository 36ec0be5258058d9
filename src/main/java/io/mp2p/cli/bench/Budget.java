package io.mp2p.cli.bench;

/**
 * The run's time, shared out between phases. Every phase gets a fixed share of what the run has
 * left when it starts, so setup that took longer than expected shortens the figures' slices rather
 * than the bound the user gave with {@code --duration}.
 */
final class Budget {
    private final long start;
    private final long deadline;

    Budget(long startNanos, long totalNanos) {
        this.start = startNanos;
        this.deadline = startNanos + totalNanos;
    }

    /** Nanoseconds left before the run's deadline (0 when past it). */
    long remaining() {
        return Math.max(0, deadline - System.nanoTime());
    }

    boolean expired() {
        return System.nanoTime() - deadline >= 0;
    }

    long deadline() {
        return deadline;
    }

    double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    double totalSeconds() {
        return (deadline - start) / 1e9;
    }
}
