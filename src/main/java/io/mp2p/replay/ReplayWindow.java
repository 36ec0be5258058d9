package io.mp2p.replay;

/**
 * Sliding anti-replay window over unsigned 64-bit packet counters, as specified by RFC 6479
 * ("IPsec Anti-Replay Algorithm without Bit Shifting") and used by WireGuard (wireguard-go
 * {@code replay.go}).
 *
 * <p>The bitmap is a ring of {@value #RING_BLOCKS} blocks of 64 bits, held compactly as
 * {@value #COMPACT_BLOCKS} blocks while no counter is missing further back (see {@link #ring}). Moving the window forward
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
    /** Number of 64-bit blocks in the full ring (a power of two so a mask replaces a modulo). */
    public static final int RING_BLOCKS = 128;
    /** Blocks in the compact ring a window starts with and returns to while nothing is missing. */
    public static final int COMPACT_BLOCKS = 2;
    private static final int BIT_MASK = BLOCK_BITS - 1;
    private static final long FULL_BLOCK = -1L;
    /** Counters behind the highest accepted one that are still tracked: (128 − 1) × 64. */
    public static final int WINDOW_SIZE = (RING_BLOCKS - 1) * BLOCK_BITS;

    /**
     * The ring: {@link #COMPACT_BLOCKS} blocks, or {@link #RING_BLOCKS} while a counter is missing
     * further back. Invariant, which makes both sizes give the same verdicts: every counter inside
     * the window but older than the ring's blocks was accepted. The compact ring therefore drops a
     * block only when it is full (or was never reached); an advance that would drop a block with a
     * missing counter, or skip whole blocks, first widens the ring to the full size, and the full
     * ring narrows again when every block but the newest {@link #COMPACT_BLOCKS} is full. An idle
     * session that received in order thus holds 16 bytes of ring instead of 1 KiB.
     *
     * <p>Allocated at the first accepted counter: a session that is answered but never confirmed
     * (a half-open peer, spec §8) costs no ring at all.
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
        if (ring == null) {
            ring = new long[COMPACT_BLOCKS];
        }
        long current = last >>> BLOCK_BIT_LOG;
        long bit = 1L << (counter & BIT_MASK);
        if (!advances) {
            if (current - indexBlock >= ring.length) {
                // Older than the compact ring, inside the window: accepted already (the invariant).
                return Verdict.REPLAYED;
            }
            int slot = (int) (indexBlock & (ring.length - 1));
            long old = ring[slot];
            if ((old & bit) != 0) {
                return Verdict.REPLAYED;
            }
            ring[slot] = old | bit;
            return Verdict.ACCEPTED;
        }
        long diff = indexBlock - current;
        if (ring.length < RING_BLOCKS && !dropsOnlyFullBlocks(current, diff)) {
            widen(current);
        }
        int mask = ring.length - 1;
        // A jump of a full ring or more clears every block; capping also keeps the loop short
        // for jumps beyond 2^32.
        long clear = Long.compareUnsigned(diff, ring.length) > 0 ? ring.length : diff;
        for (long i = 1; i <= clear; i++) {
            ring[(int) ((current + i) & mask)] = 0;
        }
        last = counter;
        ring[(int) (indexBlock & mask)] |= bit;
        if (diff != 0 && ring.length == RING_BLOCKS) {
            narrowIfComplete(indexBlock);
        }
        return Verdict.ACCEPTED;
    }

    /** Whether advancing the compact ring by {@code diff} blocks forgets no missing counter. */
    private boolean dropsOnlyFullBlocks(long current, long diff) {
        int n = ring.length;
        if (Long.compareUnsigned(diff, n) >= 0) {
            return false;
        }
        for (long i = 1; i <= diff; i++) {
            long dropped = current + i - n;
            if (dropped >= 0 && ring[(int) (dropped & (n - 1))] != FULL_BLOCK) {
                return false;
            }
        }
        return true;
    }

    /**
     * The compact ring's blocks, copied into a full ring; the older blocks of the full ring are
     * full, as the invariant says they were (without that, a replay of one of them would pass).
     */
    private void widen(long current) {
        int n = ring.length;
        long[] full = new long[RING_BLOCKS];
        for (long b = current - RING_BLOCKS + 1; b <= current; b++) {
            if (b >= 0) {
                full[(int) (b & (RING_BLOCKS - 1))] = current - b < n ? ring[(int) (b & (n - 1))] : FULL_BLOCK;
            }
        }
        ring = full;
    }

    /** Back to the compact ring if every block older than its blocks is full (or was never reached). */
    private void narrowIfComplete(long current) {
        for (long b = current - RING_BLOCKS + 1; b <= current - COMPACT_BLOCKS; b++) {
            if (b >= 0 && ring[(int) (b & (RING_BLOCKS - 1))] != FULL_BLOCK) {
                return;
            }
        }
        long[] compact = new long[COMPACT_BLOCKS];
        for (long b = current - COMPACT_BLOCKS + 1; b <= current; b++) {
            if (b >= 0) {
                compact[(int) (b & (COMPACT_BLOCKS - 1))] = ring[(int) (b & (RING_BLOCKS - 1))];
            }
        }
        ring = compact;
    }

    /** Heap the ring holds now, in 64-bit blocks (0 before the first accepted counter). */
    public synchronized int ringBlocks() {
        return ring == null ? 0 : ring.length;
    }

    /** Forgets every counter, as for a fresh session. */
    public synchronized void reset() {
        last = 0;
        ring = null;
    }
}
