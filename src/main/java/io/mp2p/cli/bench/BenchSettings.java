package io.mp2p.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.mp2p.CipherSuite;

/**
 * What to run: how long in all, and with which mp2p suite.
 *
 * <pre>{@code
 * BenchResults r = new Bench(new BenchSettings(Duration.ofSeconds(30), CipherSuite.AESGCM_SHA256)).run(System.err);
 * System.out.print(BenchReport.table(r));
 * }</pre>
 *
 * @param duration the whole run, setup included
 * @param suite    the suite of the mp2p channels and engines
 */
public record BenchSettings(Duration duration, CipherSuite suite) {
    /** Below this the slices are too short to say anything (and the test runs just above it). */
    public static final Duration MIN_DURATION = Duration.ofSeconds(2);
    /** 64 B (small messages), 512 B, 1,197 B (one full packet at the default 1,280 path MTU), 16 KiB (14 fragments). */
    public static final List<Integer> SIZES = List.of(64, 512, 1197, 16_384);
    /** The size DTLS is compared at: one full mp2p packet at the default path MTU. */
    public static final int DTLS_SIZE = 1197;

    public BenchSettings {
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(suite, "suite");
        if (duration.compareTo(MIN_DURATION) < 0) {
            throw new IllegalArgumentException("the duration must be at least " + MIN_DURATION.toSeconds() + " s");
        }
    }
}
