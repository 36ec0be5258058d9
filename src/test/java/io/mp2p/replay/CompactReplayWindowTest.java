package io.mp2p.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The compact ring (2 blocks while nothing is missing further back) gives exactly the verdicts of
 * the full 128-block RFC 6479 ring, and holds 16 bytes for a session that received in order.
 */
class CompactReplayWindowTest {
    private static final long LIMIT = Long.MAX_VALUE;

    /** The full-ring algorithm as it was before the compact ring: the reference. */
    private static final class FullRing {
        private final long[] ring = new long[ReplayWindow.RING_BLOCKS];
        private long last;

        ReplayWindow.Verdict accept(long counter) {
            long indexBlock = counter >>> 6;
            boolean advances = Long.compareUnsigned(counter, last) > 0;
            if (!advances && Long.compareUnsigned(last - counter, ReplayWindow.WINDOW_SIZE) > 0) {
                return ReplayWindow.Verdict.TOO_OLD;
            }
            int slot = (int) (indexBlock & 127);
            long bit = 1L << (counter & 63);
            if (!advances) {
                if ((ring[slot] & bit) != 0) {
                    return ReplayWindow.Verdict.REPLAYED;
                }
                ring[slot] |= bit;
                return ReplayWindow.Verdict.ACCEPTED;
            }
            long current = last >>> 6;
            long diff = Math.min(indexBlock - current, 128);
            for (long i = 1; i <= diff; i++) {
                ring[(int) ((current + i) & 127)] = 0;
            }
            last = counter;
            ring[slot] |= bit;
            return ReplayWindow.Verdict.ACCEPTED;
        }
    }

    @Test
    void sameVerdictsAsTheFullRingUnderLossReorderingAndReplay() {
        for (long seed = 0; seed < 12; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            ReplayWindow w = new ReplayWindow();
            FullRing ref = new FullRing();
            long next = 0;
            int widened = 0;
            int narrowed = 0;
            for (int i = 0; i < 100_000; i++) {
                long c;
                // Phases of 20,000 counters: without loss (the ring narrows), then with (it widens).
                boolean lossy = (i / 20_000) % 2 == 1;
                int kind = r.nextInt(100);
                if (!lossy && kind >= 80 && kind < 85 || !lossy && kind >= 97) {
                    kind = 0;
                }
                if (kind < 80) {
                    c = next++;                                   // in order
                } else if (kind < 85) {
                    next += 1 + r.nextInt(seed % 2 == 0 ? 3 : 300); // loss, sometimes whole blocks
                    c = next++;
                } else if (kind < 97) {
                    c = Math.max(0, next - 1 - r.nextInt(9_000)); // late, replayed, or too old
                } else {
                    next += r.nextInt(20_000);                    // a jump past the window
                    c = next++;
                }
                assertEquals(ref.accept(c), w.accept(c, LIMIT), "seed " + seed + " step " + i + " counter " + c);
                if (w.ringBlocks() == ReplayWindow.RING_BLOCKS) {
                    widened++;
                } else if (i > 20_000) {
                    narrowed++;
                }
            }
            // The runs did exercise both sizes.
            org.junit.jupiter.api.Assertions.assertTrue(widened > 0, "never widened, seed " + seed);
            org.junit.jupiter.api.Assertions.assertTrue(narrowed > 0, "never narrowed again, seed " + seed);
        }
    }

    @Test
    void inOrderTrafficKeepsTheCompactRingAndOneLossIsForgottenOnceFilledOrPassed() {
        ReplayWindow w = new ReplayWindow();
        assertEquals(0, w.ringBlocks());
        for (long c = 0; c < 100_000; c++) {
            assertEquals(ReplayWindow.Verdict.ACCEPTED, w.accept(c, LIMIT));
        }
        assertEquals(ReplayWindow.COMPACT_BLOCKS, w.ringBlocks());
        // Counter 100,000 is lost: once its block leaves the compact ring, the ring must widen.
        for (long c = 100_001; c < 100_200; c++) {
            w.accept(c, LIMIT);
        }
        assertEquals(ReplayWindow.RING_BLOCKS, w.ringBlocks());
        assertEquals(ReplayWindow.Verdict.ACCEPTED, w.accept(100_000, LIMIT));
        assertEquals(ReplayWindow.Verdict.REPLAYED, w.accept(100_000, LIMIT));
        // The hole is filled: at the next block boundary the ring narrows again.
        for (long c = 100_200; c < 100_300; c++) {
            w.accept(c, LIMIT);
        }
        assertEquals(ReplayWindow.COMPACT_BLOCKS, w.ringBlocks());
        assertEquals(ReplayWindow.Verdict.REPLAYED, w.accept(100_000, LIMIT));
        assertEquals(ReplayWindow.Verdict.REPLAYED, w.accept(100_150, LIMIT));
    }
}
