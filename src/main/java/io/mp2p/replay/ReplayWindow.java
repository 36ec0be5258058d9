package io.mp2p.replay;

import java.util.Arrays;

/**
 * Sliding anti-replay window over unsigned 64-bit packet counters, as specified by RFC 6479
 * ("IPsec Anti-Replay Algorithm without Bit Shifting") and used by WireGuard (wireguard-go
 * {@code replay.go}).
 *
 * <p>The bitmap is a ring of {@value #RING_BLOCKS} blocks of 64 bits. Moving the window forward
 * clears whole blocks instead of shifting bits, so an advance costs at most one pass over the
 * ring however far it jumps. One block is kept as slack so that the block holding the oldest
 * counter still inside the window is never the block being cleared; hence the usable window is
 * {@value #WINDOW_SIZE} counters.
 *
 * <p>The window changes only when a counter is {@link Verdict#ACCEPTED}: a caller may therefore
 * check a counter <em>after</em> authenticating the packet, and an unauthenticated packet can
 * never move the window.
 *
 * <pre>{@code
 * ReplayWindow window = new ReplayWindow();
 * if (window.accept(counter, REJECT_AFTER_MESSAGES) != ReplayWindow.Verdict.ACCEPTED) {
 *     return; // drop the packet
 * }
 * }</pre>
 *
 * <p>Methods are synchronized, so one window may be shared by receiving threads of a session.
 */
public final class ReplayWindow {

    /** Why a counter was accepted or refused. */
    public enum Verdict {
        /** Not seen before and inside the window; the window now records it. */
        ACCEPTED,
        /** Inside the window and already seen. */
        REPLAYED,
        /** So far behind the highest accepted counter that the window no longer tracks it. */
        TOO_OLD,
        /** At or beyond the caller's limit (unsigned); the session must not use it. */
        LIMIT_REACHED
    }

    private static final int BLOCK_BIT_LOG = 6;
    private static final int BLOCK_BITS = 1 << BLOCK_BIT_LOG;
    /** Number of 64-bit blocks in the ring (a power of two so a mask replaces a modulo). */
    public static final int RING_BLOCKS = 128;
    private static final int BLOCK_MASK = RING_BLOCKS - 1;
    private static final int BIT_MASK = BLOCK_BITS - 1;
    /** Counters behind the highest accepted one that are still tracked: (128 − 1) × 64. */
    public static final int WINDOW_SIZE = (RING_BLOCKS - 1) * BLOCK_BITS;

    /**
     * Allocated at the first accepted counter: a session that is answered but never confirmed
     * (a half-open peer, spec §8) then costs no kilobyte for it.
     */
    private long[] ring;
    /** Highest accepted counter (unsigned); 0 before anything is accepted, as in RFC 6479. */
    private long last;

    /** Creates an empty window: the first counter accepted may be 0. */
    public ReplayWindow() {
        // nothing to do: all fields start empty
    }

    /**
     * Checks {@code counter} and records it if it is accepted.
     *
     * @param counter the packet counter, unsigned
     * @param limit the first counter that may not be used, unsigned
     * @return {@link Verdict#ACCEPTED} if the counter is new, else why it is refused
     */
    public synchronized Verdict accept(long counter, long limit) {
        if (Long.compareUnsigned(counter, limit) >= 0) {
            return Verdict.LIMIT_REACHED;
        }
        long indexBlock = counter >>> BLOCK_BIT_LOG;
        boolean advances = Long.compareUnsigned(counter, last) > 0;
        if (!advances && Long.compareUnsigned(last - counter, WINDOW_SIZE) > 0) {
            return Verdict.TOO_OLD;
        }
        int slot = (int) (indexBlock & BLOCK_MASK);
        long bit = 1L << (counter & BIT_MASK);
        if (ring == null) {
            ring = new long[RING_BLOCKS];
        }
        if (!advances) {
            long old = ring[slot];
            if ((old & bit) != 0) {
                return Verdict.REPLAYED;
            }
            ring[slot] = old | bit;
            return Verdict.ACCEPTED;
        }
        long current = last >>> BLOCK_BIT_LOG;
        long diff = indexBlock - current;
        // A jump of a full ring or more clears every block; capping also keeps the loop short
        // for jumps beyond 2^32.
        if (Long.compareUnsigned(diff, RING_BLOCKS) > 0) {
            diff = RING_BLOCKS;
        }
        for (long i = 1; i <= diff; i++) {
            ring[(int) ((current + i) & BLOCK_MASK)] = 0;
        }
        last = counter;
        ring[slot] |= bit;
        return Verdict.ACCEPTED;
    }

    /** Forgets every counter, as for a fresh session. */
    public synchronized void reset() {
        last = 0;
        if (ring != null) {
            Arrays.fill(ring, 0L);
        }
    }
}
