package io.mp2p.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.mp2p.replay.ReplayWindow;
import io.mp2p.replay.ReplayWindow.Verdict;

/**
 * The anti-replay window (RFC 6479) on its own, one {@code accept} per operation, in ops/s:
 * <ul>
 * <li>{@code inOrder}: the next counter every time (the common case on one path);</li>
 * <li>{@code reordered}: counters in a shuffled order within blocks of {@value #SPREAD}, each seen
 *     once, so most fall behind the highest one accepted (multicast on a busy link);</li>
 * <li>{@code replayed}: a counter inside the window seen before (what an attacker replaying gets);</li>
 * <li>{@code tooOld}: a counter behind the window.</li>
 * </ul>
 * Each {@code @TearDown} checks that every call got the verdict its case expects.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ReplayWindowBenchmark {
    /** Counters are shuffled within blocks of this many: well inside the 8,128-counter window. */
    static final int SPREAD = 1024;
    private static final long LIMIT = -1L;   // 2^64 − 1 unsigned: never reached here

    @State(Scope.Thread)
    public static class InOrder {
        final ReplayWindow window = new ReplayWindow();
        long next;
        long refused;

        @TearDown(Level.Trial)
        public void check() {
            if (refused != 0) {
                throw new IllegalStateException(refused + " in-order counters refused");
            }
        }
    }

    @State(Scope.Thread)
    public static class Reordered {
        final ReplayWindow window = new ReplayWindow();
        final long[] order = new long[SPREAD];
        long base;
        int i;
        long refused;

        @Setup(Level.Trial)
        public void shuffle() {
            for (int k = 0; k < SPREAD; k++) {
                order[k] = k;
            }
            SplittableRandom r = new SplittableRandom(9);
            for (int k = SPREAD - 1; k > 0; k--) {
                int j = r.nextInt(k + 1);
                long t = order[k];
                order[k] = order[j];
                order[j] = t;
            }
        }

        long next() {
            long c = base + order[i];
            if (++i == SPREAD) {
                i = 0;
                base += SPREAD;
            }
            return c;
        }

        @TearDown(Level.Trial)
        public void check() {
            if (refused != 0) {
                throw new IllegalStateException(refused + " reordered counters refused");
            }
        }
    }

    @State(Scope.Thread)
    public static class Seen {
        final ReplayWindow window = new ReplayWindow();
        static final long HIGHEST = 1_000_000;
        long wrong;

        @Setup(Level.Trial)
        public void fill() {
            window.accept(HIGHEST - 100, LIMIT);
            window.accept(HIGHEST, LIMIT);
        }

        @TearDown(Level.Trial)
        public void check() {
            if (wrong != 0) {
                throw new IllegalStateException(wrong + " wrong verdicts");
            }
        }
    }

    @Benchmark
    public Verdict inOrder(InOrder s) {
        Verdict v = s.window.accept(s.next++, LIMIT);
        if (v != Verdict.ACCEPTED) {
            s.refused++;
        }
        return v;
    }

    @Benchmark
    public Verdict reordered(Reordered s) {
        Verdict v = s.window.accept(s.next(), LIMIT);
        if (v != Verdict.ACCEPTED) {
            s.refused++;
        }
        return v;
    }

    @Benchmark
    public Verdict replayed(Seen s) {
        Verdict v = s.window.accept(Seen.HIGHEST - 100, LIMIT);
        if (v != Verdict.REPLAYED) {
            s.wrong++;
        }
        return v;
    }

    @Benchmark
    public Verdict tooOld(Seen s) {
        Verdict v = s.window.accept(Seen.HIGHEST - ReplayWindow.WINDOW_SIZE - 1, LIMIT);
        if (v != Verdict.TOO_OLD) {
            s.wrong++;
        }
        return v;
    }
}
