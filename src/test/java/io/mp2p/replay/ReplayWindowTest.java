package io.mp2p.replay;

import static io.mp2p.replay.ReplayWindow.Verdict.ACCEPTED;
import static io.mp2p.replay.ReplayWindow.Verdict.LIMIT_REACHED;
import static io.mp2p.replay.ReplayWindow.Verdict.REPLAYED;
import static io.mp2p.replay.ReplayWindow.Verdict.TOO_OLD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mp2p.replay.ReplayWindow.Verdict;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplayWindowTest {

    private static final long NO_LIMIT = -1L; // 2^64 − 1 unsigned
    /** wireguard-go RejectAfterMessages: 2^64 − 2^13 − 1. */
    private static final long REJECT_AFTER_MESSAGES = -(1L << 13) - 1;
    private static final long W = ReplayWindow.WINDOW_SIZE;
    private static final long T_LIM = W + 1;

    @Test
    void windowSizeIsRfc6479Ring() {
        assertEquals(8128, ReplayWindow.WINDOW_SIZE);
    }

    @Test
    void inOrderAcceptedOnce() {
        ReplayWindow w = new ReplayWindow();
        for (long i = 0; i < 3 * W; i++) {
            assertEquals(ACCEPTED, w.accept(i, NO_LIMIT), "counter " + i);
        }
        assertEquals(REPLAYED, w.accept(3 * W - 1, NO_LIMIT));
        assertEquals(REPLAYED, w.accept(2 * W - 1, NO_LIMIT));
        assertEquals(TOO_OLD, w.accept(2 * W - 2, NO_LIMIT));
    }

    @Test
    void reorderWithinWindow() {
        ReplayWindow w = new ReplayWindow();
        assertEquals(ACCEPTED, w.accept(W, NO_LIMIT));
        for (long i = W - 1; i >= 0; i--) {
            assertEquals(ACCEPTED, w.accept(i, NO_LIMIT), "counter " + i);
        }
        for (long i = 0; i <= W; i++) {
            assertEquals(REPLAYED, w.accept(i, NO_LIMIT), "counter " + i);
        }
    }

    @Test
    void bigJumpsClearTheRing() {
        ReplayWindow w = new ReplayWindow();
        for (long i = 0; i < 200; i++) {
            w.accept(i, NO_LIMIT);
        }
        long far = 1L << 33;
        assertEquals(ACCEPTED, w.accept(far, NO_LIMIT));
        assertEquals(TOO_OLD, w.accept(100, NO_LIMIT));
        // Slots that held 0..199 must have been cleared: counters aliasing them are new.
        for (long i = far - W; i < far - W + 200; i++) {
            assertEquals(ACCEPTED, w.accept(i, NO_LIMIT), "counter " + i);
        }
        long farther = far + 2 * W + 5;
        assertEquals(ACCEPTED, w.accept(farther, NO_LIMIT));
        assertEquals(ACCEPTED, w.accept(farther - 1, NO_LIMIT));
        assertEquals(TOO_OLD, w.accept(far, NO_LIMIT));
    }

    @Test
    void limitIsUnsignedAndDoesNotMoveWindow() {
        ReplayWindow w = new ReplayWindow();
        assertEquals(LIMIT_REACHED, w.accept(10, 10));
        assertEquals(LIMIT_REACHED, w.accept(-2L, 1L << 40));
        assertEquals(ACCEPTED, w.accept(9, 10));
        assertEquals(ACCEPTED, w.accept(0, 10));
        assertEquals(ACCEPTED, w.accept(1L << 63, -1L));
        assertEquals(LIMIT_REACHED, w.accept(0, 0));
    }

    @Test
    void resetForgetsEverything() {
        ReplayWindow w = new ReplayWindow();
        assertEquals(ACCEPTED, w.accept(5_000_000, NO_LIMIT));
        w.reset();
        assertEquals(ACCEPTED, w.accept(0, NO_LIMIT));
        assertEquals(ACCEPTED, w.accept(5_000_000, NO_LIMIT));
        assertEquals(REPLAYED, w.accept(5_000_000, NO_LIMIT));
    }

    /** The table of wireguard-go's replay_test.go, with each refusal's reason spelled out. */
    @Test
    void wireguardGoTable() {
        ReplayWindow w = new ReplayWindow();
        long r = REJECT_AFTER_MESSAGES;
        Object[][] table = {
            {0L, ACCEPTED}, {1L, ACCEPTED}, {1L, REPLAYED}, {9L, ACCEPTED}, {8L, ACCEPTED},
            {7L, ACCEPTED}, {7L, REPLAYED}, {T_LIM, ACCEPTED}, {T_LIM - 1, ACCEPTED},
            {T_LIM - 1, REPLAYED}, {T_LIM - 2, ACCEPTED}, {2L, ACCEPTED}, {2L, REPLAYED},
            {T_LIM + 16, ACCEPTED}, {3L, TOO_OLD}, {T_LIM + 16, REPLAYED}, {T_LIM * 4, ACCEPTED},
            {T_LIM * 4 - (T_LIM - 1), ACCEPTED}, {10L, TOO_OLD}, {T_LIM * 4 - T_LIM, TOO_OLD},
            {T_LIM * 4 - (T_LIM + 1), TOO_OLD}, {T_LIM * 4 - (T_LIM - 2), ACCEPTED},
            {T_LIM * 4 + 1 - T_LIM, REPLAYED}, {0L, TOO_OLD}, {r, LIMIT_REACHED},
            {r - 1, ACCEPTED}, {r, LIMIT_REACHED}, {r - 1, REPLAYED}, {r - 2, ACCEPTED},
            {r + 1, LIMIT_REACHED}, {r + 2, LIMIT_REACHED}, {r - 2, REPLAYED}, {r - 3, ACCEPTED},
            {0L, TOO_OLD},
        };
        for (int i = 0; i < table.length; i++) {
            long n = (Long) table[i][0];
            assertEquals(table[i][1], w.accept(n, r), "case " + (i + 1));
        }
    }

    @Test
    void wireguardGoBulk() {
        ReplayWindow w = new ReplayWindow();
        for (long i = 1; i <= W; i++) {
            assertEquals(ACCEPTED, w.accept(i, NO_LIMIT));
        }
        assertEquals(ACCEPTED, w.accept(0, NO_LIMIT));
        assertEquals(REPLAYED, w.accept(0, NO_LIMIT));

        w.reset();
        for (long i = 2; i <= W + 1; i++) {
            assertEquals(ACCEPTED, w.accept(i, NO_LIMIT));
        }
        assertEquals(ACCEPTED, w.accept(1, NO_LIMIT));
        assertEquals(TOO_OLD, w.accept(0, NO_LIMIT));

        w.reset();
        for (long i = W + 1; i > 0; i--) {
            assertEquals(ACCEPTED, w.accept(i, NO_LIMIT));
        }

        w.reset();
        for (long i = W + 2; i > 1; i--) {
            assertEquals(ACCEPTED, w.accept(i, NO_LIMIT));
        }
        assertEquals(TOO_OLD, w.accept(0, NO_LIMIT));

        w.reset();
        for (long i = W; i > 0; i--) {
            assertEquals(ACCEPTED, w.accept(i, NO_LIMIT));
        }
        assertEquals(ACCEPTED, w.accept(W + 1, NO_LIMIT));
        assertEquals(TOO_OLD, w.accept(0, NO_LIMIT));

        w.reset();
        for (long i = W; i > 0; i--) {
            assertEquals(ACCEPTED, w.accept(i, NO_LIMIT));
        }
        assertEquals(ACCEPTED, w.accept(0, NO_LIMIT));
        assertEquals(ACCEPTED, w.accept(W + 1, NO_LIMIT));
    }

    /** Reference model: every counter ever accepted, plus the "highest − window" rule. */
    private static final class Model {
        final Set<Long> seen = new HashSet<>();
        long highest;

        Verdict accept(long counter, long limit) {
            if (Long.compareUnsigned(counter, limit) >= 0) {
                return LIMIT_REACHED;
            }
            if (Long.compareUnsigned(counter, highest) <= 0
                    && Long.compareUnsigned(highest - counter, W) > 0) {
                return TOO_OLD;
            }
            if (!seen.add(counter)) {
                return REPLAYED;
            }
            if (Long.compareUnsigned(counter, highest) > 0) {
                highest = counter;
            }
            return ACCEPTED;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 0xC0FFEEL})
    void matchesReferenceModel(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ReplayWindow w = new ReplayWindow();
        Model m = new Model();
        long base = rnd.nextBoolean() ? 0 : -(1L << 20); // also run near the unsigned top
        long cursor = base;
        for (int op = 0; op < 20_000; op++) {
            long counter;
            int kind = rnd.nextInt(100);
            if (kind < 50) {
                counter = cursor + rnd.nextInt(-200, 200);
            } else if (kind < 80) {
                counter = cursor - rnd.nextLong(W - 300, W + 300);
            } else if (kind < 95) {
                counter = cursor + rnd.nextLong(1, 3 * W);
            } else if (kind < 99) {
                counter = cursor + rnd.nextLong(1L << 32, 1L << 34);
            } else {
                counter = base; // an early counter, usually long gone
            }
            long limit = rnd.nextInt(50) == 0 ? counter + rnd.nextInt(-3, 3) : NO_LIMIT;
            Verdict expected = m.accept(counter, limit);
            assertEquals(expected, w.accept(counter, limit), "op " + op + " counter " + counter);
            if (expected == ACCEPTED && Long.compareUnsigned(counter, cursor) > 0) {
                cursor = counter;
            }
        }
    }
}
