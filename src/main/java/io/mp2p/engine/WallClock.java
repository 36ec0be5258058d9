package io.mp2p.engine;

/**
 * Wall-clock time, injected for the TAI64N timestamps of initiations (spec §6.3) only. The engine
 * never reads a clock itself; everything else runs on the monotonic {@code now} passed in.
 *
 * <pre>{@code
 * WallClock real = () -> Instant.now().getEpochSecond() * 1_000_000_000L + Instant.now().getNano();
 * }</pre>
 */
@FunctionalInterface
public interface WallClock {
    /** Nanoseconds since the Unix epoch. */
    long unixNanos();
}
