package io.mp2p.stream;

/**
 * Bytes addressed by absolute stream offset, held in a ring that covers {@code [start, start + limit)}.
 * The ring is allocated lazily and grows by doubling up to {@code limit}, so an idle stream costs
 * little; {@link #release} drops it again when nothing is held. This is the only storage of stream
 * data, and {@code limit} is its bound.
 */
final class OffsetBuffer {
    private static final int INITIAL_CAPACITY = 4096;
    private static final byte[] EMPTY = new byte[0];

    private final int limit;
    private byte[] ring = EMPTY;
    private long start;

    OffsetBuffer(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("buffer limit must be positive: " + limit);
        }
        this.limit = limit;
    }

    /** Lowest offset the buffer can hold. */
    long start() {
        return start;
    }

    /** The bound: the buffer never holds offsets at or past {@code start() + limit()}. */
    int limit() {
        return limit;
    }

    /** Bytes of memory the ring takes now. */
    int capacity() {
        return ring.length;
    }

    /** Stores {@code src[off..off+len)} at stream offsets {@code offset..offset+len}, inside the window. */
    void put(long offset, byte[] src, int off, int len) {
        if (offset < start || offset - start > limit - len) {
            throw new IllegalArgumentException("offsets " + offset + "+" + len + " outside [" + start + ", "
                    + (start + limit) + ")");
        }
        ensureCapacity((int) (offset + len - start));
        int cap = ring.length;
        int at = (int) (offset % cap);
        int first = Math.min(len, cap - at);
        System.arraycopy(src, off, ring, at, first);
        System.arraycopy(src, off + first, ring, 0, len - first);
    }

    /** Copies stream offsets {@code offset..offset+len} (which must be held) into {@code dst}. */
    void get(long offset, byte[] dst, int off, int len) {
        if (len == 0) {
            return;
        }
        if (offset < start || offset - start > ring.length - len) {
            throw new IllegalArgumentException("offsets " + offset + "+" + len + " not held");
        }
        int cap = ring.length;
        int at = (int) (offset % cap);
        int first = Math.min(len, cap - at);
        System.arraycopy(ring, at, dst, off, first);
        System.arraycopy(ring, 0, dst, off + first, len - first);
    }

    /** Forgets everything below {@code newStart}; {@code empty}: nothing above is held, so the ring may go. */
    void advance(long newStart, boolean empty) {
        if (newStart > start) {
            start = newStart;
        }
        if (empty) {
            ring = EMPTY;
        }
    }

    private void ensureCapacity(int needed) {
        if (needed <= ring.length) {
            return;
        }
        int cap = Math.max(ring.length, INITIAL_CAPACITY);
        while (cap < needed) {
            cap = cap > limit / 2 ? limit : cap * 2;
        }
        cap = Math.min(Math.max(cap, needed), limit);
        byte[] old = ring;
        byte[] grown = new byte[cap];
        if (old.length > 0) {
            // Re-lay the window [start, start + old.length) at its positions in the larger ring.
            byte[] linear = new byte[old.length];
            int at = (int) (start % old.length);
            System.arraycopy(old, at, linear, 0, old.length - at);
            System.arraycopy(old, 0, linear, old.length - at, at);
            int to = (int) (start % cap);
            int first = Math.min(linear.length, cap - to);
            System.arraycopy(linear, 0, grown, to, first);
            System.arraycopy(linear, first, grown, 0, linear.length - first);
        }
        ring = grown;
    }
}
