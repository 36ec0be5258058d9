package io.mp2p.fragment;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reassembles messages sent as FRAGMENT frames (spec/PROTOCOL.md §5 "Fragments"), within the
 * memory and time bounds of §8.
 *
 * <p>Fragments are grouped by a caller-chosen key (typically the session) and a 32-bit message id.
 * They may arrive in any order, overlap and repeat; a message is delivered exactly once, when
 * every byte {@code 0 .. totalLength} is present. Memory is charged at the full
 * {@code totalLength} of a partial message as soon as its first fragment arrives, because that is
 * what is allocated; a new partial message that would exceed the per-key or the total bound is
 * refused, and the partial messages already held are kept (so a flood of fresh message ids cannot
 * evict messages that are about to complete). A message is dropped if it does not complete within
 * {@code timeoutNanos} of its first fragment. Completed (key, message id) pairs are remembered for
 * the same time so that a late copy of one of their fragments is answered
 * {@link Status#DUPLICATE} instead of starting a second delivery.
 *
 * <pre>{@code
 * Reassembler<Session> reassembler =
 *         new Reassembler<>(1 << 20, 16 << 20, TimeUnit.SECONDS.toNanos(10));
 * Reassembler.Result r = reassembler.accept(session, id, total, offset, buf, off, len, now);
 * if (r.status() == Reassembler.Status.COMPLETE) {
 *     deliver(r.message());
 * }
 * // on a timer, at reassembler.nextExpiry():
 * droppedCounter += reassembler.expire(now);
 * }</pre>
 *
 * <p>Times are readings of a monotonic nanosecond clock and are compared by subtraction, so they
 * may be negative or wrap. Methods are synchronized.
 *
 * @param <K> the key grouping message ids; it needs {@code equals} and {@code hashCode}
 */
public final class Reassembler<K> {

    /** Largest {@code total_length} a FRAGMENT frame can carry (a 2-byte field). */
    public static final int MAX_TOTAL_LENGTH = 0xFFFF;
    /**
     * Completed message ids remembered per key; beyond it the oldest is forgotten. A peer can
     * complete at most this many messages per timeout before its oldest late duplicates could be
     * delivered again, which bounds memory per key at a few tens of KiB.
     */
    public static final int MAX_COMPLETED_PER_KEY = 4096;

    private static final int WORD_BITS_LOG = 6;
    private static final int WORD_BIT_MASK = (1 << WORD_BITS_LOG) - 1;

    /** What became of a fragment. */
    public enum Status {
        /** Stored; the message still lacks bytes. */
        INCOMPLETE,
        /** This fragment completed the message; {@link Result#message()} holds it. */
        COMPLETE,
        /** Adds no byte: already present, or the message was already delivered. */
        DUPLICATE,
        /**
         * Disagrees with the partial message's {@code totalLength}, or is malformed (bounds
         * outside the message or the buffer); not stored.
         */
        INCONSISTENT,
        /** Would start a partial message beyond the per-key byte bound; not stored. */
        REFUSED_PEER_LIMIT,
        /** Would start a partial message beyond the total byte bound; not stored. */
        REFUSED_TOTAL_LIMIT
    }

    /**
     * The outcome of {@link #accept}: a status, and for {@link Status#COMPLETE} the message.
     * The message array is handed over to the caller; the reassembler keeps no reference to it.
     */
    public static final class Result {
        private static final Result INCOMPLETE = new Result(Status.INCOMPLETE, null);
        private static final Result DUPLICATE = new Result(Status.DUPLICATE, null);
        private static final Result INCONSISTENT = new Result(Status.INCONSISTENT, null);
        private static final Result REFUSED_PEER = new Result(Status.REFUSED_PEER_LIMIT, null);
        private static final Result REFUSED_TOTAL = new Result(Status.REFUSED_TOTAL_LIMIT, null);

        private final Status status;
        private final byte[] message;

        private Result(Status status, byte[] message) {
            this.status = status;
            this.message = message;
        }

        /** What became of the fragment. */
        public Status status() {
            return status;
        }

        /** The reassembled message for {@link Status#COMPLETE}, else {@code null}. */
        public byte[] message() {
            return message;
        }

        @Override
        public String toString() {
            return message == null ? status.toString() : status + "(" + message.length + " bytes)";
        }
    }

    private record Slot<K>(K key, int messageId) {}

    private static final class Partial<K> {
        final Slot<K> slot;
        final int totalLength;
        final byte[] data;
        /** One bit per byte of the message: set once that byte has arrived. */
        final long[] present;
        int missing;
        final long deadline;

        Partial(Slot<K> slot, int totalLength, long deadline) {
            this.slot = slot;
            this.totalLength = totalLength;
            this.data = new byte[totalLength];
            this.present = new long[(totalLength + WORD_BIT_MASK) >>> WORD_BITS_LOG];
            this.missing = totalLength;
            this.deadline = deadline;
        }
    }

    private static final class PerKey<K> {
        final Map<Integer, Partial<K>> partials = new HashMap<>();
        /** Completed message id → the time it may be forgotten, oldest first. */
        final LinkedHashMap<Integer, Long> completed = new LinkedHashMap<>();
        long bytes;

        boolean isEmpty() {
            return partials.isEmpty() && completed.isEmpty();
        }
    }

    private final long maxBytesPerKey;
    private final long maxBytesTotal;
    private final long timeoutNanos;

    private final Map<K, PerKey<K>> keys = new HashMap<>();
    /** All partial messages in order of first fragment, which is the order of their deadlines. */
    private final LinkedHashMap<Slot<K>, Partial<K>> partials = new LinkedHashMap<>();
    /** All completed memories in order of completion, which is the order of their deadlines. */
    private final LinkedHashMap<Slot<K>, Long> completedOrder = new LinkedHashMap<>();
    private long bytesTotal;
    private long inconsistent;

    /**
     * @param maxBytesPerKey bound on the summed {@code totalLength} of one key's partial messages
     * @param maxBytesTotal bound on the summed {@code totalLength} of all partial messages
     * @param timeoutNanos time from a message's first fragment after which it is dropped; also how
     *     long a completed message id is remembered
     * @throws IllegalArgumentException if a bound is negative or the timeout is not positive
     */
    public Reassembler(long maxBytesPerKey, long maxBytesTotal, long timeoutNanos) {
        if (maxBytesPerKey < 0 || maxBytesTotal < 0 || timeoutNanos <= 0) {
            throw new IllegalArgumentException("bounds must be >= 0 and the timeout > 0, got "
                    + maxBytesPerKey + ", " + maxBytesTotal + ", " + timeoutNanos);
        }
        this.maxBytesPerKey = maxBytesPerKey;
        this.maxBytesTotal = maxBytesTotal;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Takes one fragment: bytes {@code buf[off .. off+len)} are bytes {@code [offset, offset+len)}
     * of message {@code messageId} of {@code key}, which is {@code totalLength} bytes long. The
     * bytes are copied; {@code buf} may be reused at once.
     *
     * @return the status, and the message if this fragment completed it
     */
    public synchronized Result accept(K key, int messageId, int totalLength, int offset,
            byte[] buf, int off, int len, long now) {
        if (!wellFormed(key, totalLength, offset, buf, off, len)) {
            inconsistent++;
            return Result.INCONSISTENT;
        }
        PerKey<K> pk = keys.get(key);
        if (pk != null && pk.completed.containsKey(messageId)) {
            return Result.DUPLICATE;
        }
        Partial<K> p = pk == null ? null : pk.partials.get(messageId);
        if (p != null) {
            if (p.totalLength != totalLength) {
                inconsistent++;
                return Result.INCONSISTENT;
            }
            int added = markRange(p.present, offset, offset + len);
            if (added == 0) {
                return Result.DUPLICATE;
            }
            // Overlapping bytes are overwritten; an authenticated sender that sends two
            // different contents for one byte only corrupts its own message.
            System.arraycopy(buf, off, p.data, offset, len);
            p.missing -= added;
            if (p.missing > 0) {
                return Result.INCOMPLETE;
            }
            partials.remove(p.slot);
            pk.partials.remove(messageId);
            release(pk, p.totalLength);
            remember(key, pk, messageId, now);
            return new Result(Status.COMPLETE, p.data);
        }
        if (len == totalLength) {
            // A whole message in one fragment needs no partial state, hence no memory charge.
            if (pk == null) {
                pk = new PerKey<>();
                keys.put(key, pk);
            }
            remember(key, pk, messageId, now);
            return new Result(Status.COMPLETE, Arrays.copyOfRange(buf, off, off + len));
        }
        long held = pk == null ? 0 : pk.bytes;
        if (held + totalLength > maxBytesPerKey) {
            return Result.REFUSED_PEER;
        }
        if (bytesTotal + totalLength > maxBytesTotal) {
            return Result.REFUSED_TOTAL;
        }
        if (pk == null) {
            pk = new PerKey<>();
            keys.put(key, pk);
        }
        Slot<K> slot = new Slot<>(key, messageId);
        p = new Partial<>(slot, totalLength, now + timeoutNanos);
        System.arraycopy(buf, off, p.data, offset, len);
        p.missing -= markRange(p.present, offset, offset + len);
        pk.partials.put(messageId, p);
        pk.bytes += totalLength;
        bytesTotal += totalLength;
        partials.put(slot, p);
        return Result.INCOMPLETE;
    }

    private static boolean wellFormed(Object key, int totalLength, int offset, byte[] buf, int off,
            int len) {
        return key != null && buf != null
                && totalLength >= 1 && totalLength <= MAX_TOTAL_LENGTH
                && len >= 1 && offset >= 0 && (long) offset + len <= totalLength
                && off >= 0 && (long) off + len <= buf.length;
    }

    /** Sets bits {@code [from, to)} and returns how many were not set before. */
    private static int markRange(long[] bits, int from, int to) {
        int firstWord = from >>> WORD_BITS_LOG;
        int lastWord = (to - 1) >>> WORD_BITS_LOG;
        int added = 0;
        for (int w = firstWord; w <= lastWord; w++) {
            long mask = -1L;
            if (w == firstWord) {
                mask &= -1L << (from & WORD_BIT_MASK);
            }
            if (w == lastWord) {
                mask &= -1L >>> (WORD_BIT_MASK - ((to - 1) & WORD_BIT_MASK));
            }
            long old = bits[w];
            added += Long.bitCount(mask & ~old);
            bits[w] = old | mask;
        }
        return added;
    }

    private void release(PerKey<K> pk, int totalLength) {
        pk.bytes -= totalLength;
        bytesTotal -= totalLength;
    }

    private void remember(K key, PerKey<K> pk, int messageId, long now) {
        long deadline = now + timeoutNanos;
        pk.completed.put(messageId, deadline);
        completedOrder.put(new Slot<>(key, messageId), deadline);
        if (pk.completed.size() > MAX_COMPLETED_PER_KEY) {
            Iterator<Integer> oldest = pk.completed.keySet().iterator();
            int forgotten = oldest.next();
            oldest.remove();
            completedOrder.remove(new Slot<>(key, forgotten));
        }
    }

    /**
     * Drops the partial messages whose first fragment is {@code timeoutNanos} or more before
     * {@code now}, and forgets completed message ids as old.
     *
     * @return how many partial messages were dropped (the "reassembly timed out" count)
     */
    public synchronized int expire(long now) {
        int dropped = 0;
        Iterator<Partial<K>> it = partials.values().iterator();
        while (it.hasNext()) {
            Partial<K> p = it.next();
            if (now - p.deadline < 0) {
                break;
            }
            it.remove();
            PerKey<K> pk = keys.get(p.slot.key());
            pk.partials.remove(p.slot.messageId());
            release(pk, p.totalLength);
            // Application plaintext should not linger in freed buffers.
            Arrays.fill(p.data, (byte) 0);
            dropUnused(p.slot.key(), pk);
            dropped++;
        }
        Iterator<Map.Entry<Slot<K>, Long>> mem = completedOrder.entrySet().iterator();
        while (mem.hasNext()) {
            Map.Entry<Slot<K>, Long> e = mem.next();
            if (now - e.getValue() < 0) {
                break;
            }
            mem.remove();
            K key = e.getKey().key();
            PerKey<K> pk = keys.get(key);
            pk.completed.remove(e.getKey().messageId());
            dropUnused(key, pk);
        }
        return dropped;
    }

    private void dropUnused(K key, PerKey<K> pk) {
        if (pk.isEmpty()) {
            keys.remove(key);
        }
    }

    /**
     * The earliest time at which {@link #expire} has something to do, or {@link Long#MAX_VALUE}
     * if nothing is held.
     */
    public synchronized long nextExpiry() {
        Iterator<Partial<K>> p = partials.values().iterator();
        Iterator<Long> c = completedOrder.values().iterator();
        if (!p.hasNext()) {
            return c.hasNext() ? c.next() : Long.MAX_VALUE;
        }
        long first = p.next().deadline;
        if (!c.hasNext()) {
            return first;
        }
        long other = c.next();
        return other - first < 0 ? other : first;
    }

    /** Drops every partial message and completed memory of {@code key}, e.g. when its session ends. */
    public synchronized void removeKey(K key) {
        PerKey<K> pk = keys.remove(key);
        if (pk == null) {
            return;
        }
        for (Partial<K> p : pk.partials.values()) {
            partials.remove(p.slot);
            bytesTotal -= p.totalLength;
            Arrays.fill(p.data, (byte) 0);
        }
        for (Integer id : pk.completed.keySet()) {
            completedOrder.remove(new Slot<>(key, id));
        }
    }

    /** Bytes charged for partial messages (their summed {@code totalLength}). */
    public synchronized long bytesHeld() {
        return bytesTotal;
    }

    /** Number of partial messages held. */
    public synchronized int partialCount() {
        return partials.size();
    }

    /** Bytes charged for the partial messages of {@code key}. */
    public synchronized long bytesHeld(K key) {
        PerKey<K> pk = keys.get(key);
        return pk == null ? 0 : pk.bytes;
    }

    /** Fragments answered {@link Status#INCONSISTENT} since creation. */
    public synchronized long inconsistentCount() {
        return inconsistent;
    }
}
