package io.mp2p.fragment;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reassembles messages sent as FRAGMENT frames (spec/PROTOCOL.md §5 "Fragments"), within the
 * memory and time bounds of §8, fairly between the accounts (peers) that hold partial messages.
 *
 * <p>Fragments are grouped by a caller-chosen key (typically the session) and a 32-bit message id;
 * keys are charged to an account (typically the peer owning the session). Fragments may arrive in
 * any order, overlap and repeat; a message is delivered exactly once, when every byte
 * {@code 0 .. totalLength} is present.
 *
 * <p><b>Memory.</b> Only bytes not yet held are stored, so a partial message is charged for what
 * actually arrived: {@link #PARTIAL_OVERHEAD} per partial message plus, per stored piece, its length
 * and {@link #PIECE_OVERHEAD} (the overheads approximate the heap the structures take). A fragment
 * whose charge would take its account past the per-account bound is refused. When it would take
 * the total past its bound, an account holding less than its fair share (the total bound divided
 * by the accounts holding partial messages, counting this one) makes room by evicting the oldest
 * partial messages of the account holding the most; an account at or above its fair share is
 * refused. So however many accounts an attacker holds, one more account can always get a fair
 * share, and what an account holds is bounded by the bytes it sent within the timeout.
 *
 * <p>A message is dropped if it does not complete within {@code timeoutNanos} of its first
 * fragment. Completed (key, message id) pairs are remembered for the same time so that a late copy
 * of one of their fragments is answered {@link Status#DUPLICATE} instead of starting a second
 * delivery.
 *
 * <pre>{@code
 * Reassembler<Session> reassembler = new Reassembler<>(1 << 20, 16 << 20,
 *         TimeUnit.SECONDS.toNanos(10), session -> session.peer);
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
    /**
     * Bytes charged for holding a partial message at all: its object, its piece map and its
     * entries in the indexes, about 256 bytes of heap on a 64-bit JVM with compressed pointers.
     */
    public static final int PARTIAL_OVERHEAD = 256;
    /** Bytes charged per stored piece besides its data: a map entry, a boxed offset and an array header. */
    public static final int PIECE_OVERHEAD = 80;

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
        /** Would take its account past the per-account byte bound; not stored. */
        REFUSED_PEER_LIMIT,
        /** Would take the total past its bound while its account holds its fair share or more; not stored. */
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

    /** What one account holds, and its partial messages oldest first (the eviction order). */
    static final class Account {
        final Object id;
        final long seq;
        long bytes;
        final LinkedHashSet<PartialMessage> partials = new LinkedHashSet<>();

        Account(Object id, long seq) {
            this.id = id;
            this.seq = seq;
        }
    }

    private record Slot(Object key, int messageId) {}

    private static final class PerKey {
        final Map<Integer, PartialMessage> partials = new HashMap<>();
        /** Completed message id → the time it may be forgotten, oldest first. */
        final LinkedHashMap<Integer, Long> completed = new LinkedHashMap<>();
        long bytes;

        boolean isEmpty() {
            return partials.isEmpty() && completed.isEmpty();
        }
    }

    private final long maxBytesPerAccount;
    private final long maxBytesTotal;
    private final long timeoutNanos;
    private final Function<? super K, ?> accountOf;

    private final Map<K, PerKey> keys = new HashMap<>();
    /** All partial messages in order of first fragment, which is the order of their deadlines. */
    private final LinkedHashMap<Slot, PartialMessage> partials = new LinkedHashMap<>();
    /** All completed memories in order of completion, which is the order of their deadlines. */
    private final LinkedHashMap<Slot, Long> completedOrder = new LinkedHashMap<>();
    private final Map<Object, Account> accounts = new HashMap<>();
    /** Accounts holding bytes, the largest first. */
    private final TreeSet<Account> byBytes = new TreeSet<>((a, b) ->
            a.bytes != b.bytes ? Long.compare(b.bytes, a.bytes) : Long.compare(a.seq, b.seq));
    private long accountSeq;
    private long bytesTotal;
    private long inconsistent;
    private long evicted;

    /**
     * A reassembler whose accounts are its keys.
     *
     * @see #Reassembler(long, long, long, Function)
     */
    public Reassembler(long maxBytesPerKey, long maxBytesTotal, long timeoutNanos) {
        this(maxBytesPerKey, maxBytesTotal, timeoutNanos, Function.identity());
    }

    /**
     * @param maxBytesPerAccount bound on the bytes charged to one account's partial messages
     * @param maxBytesTotal bound on the bytes charged to all partial messages
     * @param timeoutNanos time from a message's first fragment after which it is dropped; also how
     *     long a completed message id is remembered
     * @param accountOf the account a key is charged to (e.g. a session's peer)
     * @throws IllegalArgumentException if a bound is negative or the timeout is not positive
     */
    public Reassembler(long maxBytesPerAccount, long maxBytesTotal, long timeoutNanos,
            Function<? super K, ?> accountOf) {
        if (maxBytesPerAccount < 0 || maxBytesTotal < 0 || timeoutNanos <= 0) {
            throw new IllegalArgumentException("bounds must be >= 0 and the timeout > 0, got "
                    + maxBytesPerAccount + ", " + maxBytesTotal + ", " + timeoutNanos);
        }
        this.maxBytesPerAccount = maxBytesPerAccount;
        this.maxBytesTotal = maxBytesTotal;
        this.timeoutNanos = timeoutNanos;
        this.accountOf = accountOf;
    }

    /**
     * Takes one fragment: bytes {@code buf[off .. off+len)} are bytes {@code [offset, offset+len)}
     * of message {@code messageId} of {@code key}, which is {@code totalLength} bytes long. The
     * new bytes are copied; {@code buf} may be reused at once.
     *
     * @return the status, and the message if this fragment completed it
     */
    public synchronized Result accept(K key, int messageId, int totalLength, int offset,
            byte[] buf, int off, int len, long now) {
        if (!wellFormed(key, totalLength, offset, buf, off, len)) {
            inconsistent++;
            return Result.INCONSISTENT;
        }
        PerKey pk = keys.get(key);
        if (pk != null && pk.completed.containsKey(messageId)) {
            return Result.DUPLICATE;
        }
        PartialMessage p = pk == null ? null : pk.partials.get(messageId);
        if (p != null) {
            if (p.totalLength != totalLength) {
                inconsistent++;
                return Result.INCONSISTENT;
            }
            int[] gaps = new int[2 * (p.pieceCount() + 1)];
            int n = p.gaps(offset, offset + len, gaps);
            if (n == 0) {
                return Result.DUPLICATE;
            }
            Result refused = admit(p.account, PartialMessage.chargeOf(gaps, n));
            if (refused != null) {
                return refused;
            }
            long before = p.charge;
            p.fill(gaps, n, offset, buf, off);
            charge(p.account, pk, p.charge - before);
            if (!p.isComplete()) {
                return Result.INCOMPLETE;
            }
            drop(p);
            remember(key, pk, messageId, now);
            return new Result(Status.COMPLETE, p.assemble());
        }
        if (len == totalLength) {
            // A whole message in one fragment needs no partial state, hence no memory charge.
            if (pk == null) {
                pk = new PerKey();
                keys.put(key, pk);
            }
            remember(key, pk, messageId, now);
            return new Result(Status.COMPLETE, Arrays.copyOfRange(buf, off, off + len));
        }
        Object accountId = accountOf.apply(key);
        Account account = accounts.get(accountId);
        long charge = PARTIAL_OVERHEAD + len + PIECE_OVERHEAD;
        Result refused = admit(account, charge);
        if (refused != null) {
            return refused;
        }
        if (account == null) {
            account = new Account(accountId, accountSeq++);
            accounts.put(accountId, account);
        }
        if (pk == null) {
            pk = new PerKey();
            keys.put(key, pk);
        }
        p = new PartialMessage(key, messageId, totalLength, now + timeoutNanos, account);
        int[] whole = {offset, offset + len};
        p.fill(whole, whole.length, offset, buf, off);
        pk.partials.put(messageId, p);
        partials.put(new Slot(key, messageId), p);
        account.partials.add(p);
        charge(account, pk, p.charge);
        return Result.INCOMPLETE;
    }

    /**
     * Null if {@code charge} more bytes may be held for {@code account} (null: one holding
     * nothing), evicting other accounts' partial messages if it is below its fair share; else why not.
     */
    private Result admit(Account account, long charge) {
        long held = account == null ? 0 : account.bytes;
        if (held + charge > maxBytesPerAccount) {
            return Result.REFUSED_PEER;
        }
        if (bytesTotal + charge <= maxBytesTotal) {
            return null;
        }
        int holders = byBytes.size() + (held == 0 ? 1 : 0);
        if (held + charge > maxBytesTotal / holders) {
            return Result.REFUSED_TOTAL;
        }
        while (bytesTotal + charge > maxBytesTotal) {
            Account largest = byBytes.isEmpty() ? null : byBytes.first();
            if (largest == null || largest == account) {
                return Result.REFUSED_TOTAL;
            }
            PartialMessage oldest = largest.partials.iterator().next();
            drop(oldest);
            oldest.wipe();
            evicted++;
        }
        return null;
    }

    private void charge(Account account, PerKey pk, long bytes) {
        if (account.bytes > 0) {
            byBytes.remove(account);
        }
        account.bytes += bytes;
        pk.bytes += bytes;
        bytesTotal += bytes;
        if (account.bytes > 0) {
            byBytes.add(account);
        } else if (account.partials.isEmpty()) {
            accounts.remove(account.id);
        }
    }

    /** Forgets partial message {@code p} everywhere and releases its charge (its bytes stay for the caller). */
    @SuppressWarnings("unchecked")
    private void drop(PartialMessage p) {
        partials.remove(new Slot(p.key, p.messageId));
        PerKey pk = keys.get((K) p.key);
        pk.partials.remove(p.messageId);
        p.account.partials.remove(p);
        charge(p.account, pk, -p.charge);
        dropUnused((K) p.key, pk);
    }

    private static boolean wellFormed(Object key, int totalLength, int offset, byte[] buf, int off,
            int len) {
        return key != null && buf != null
                && totalLength >= 1 && totalLength <= MAX_TOTAL_LENGTH
                && len >= 1 && offset >= 0 && (long) offset + len <= totalLength
                && off >= 0 && (long) off + len <= buf.length;
    }

    private void remember(K key, PerKey pk, int messageId, long now) {
        long deadline = now + timeoutNanos;
        if (!keys.containsKey(key)) {
            keys.put(key, pk);
        }
        pk.completed.put(messageId, deadline);
        completedOrder.put(new Slot(key, messageId), deadline);
        if (pk.completed.size() > MAX_COMPLETED_PER_KEY) {
            Iterator<Integer> oldest = pk.completed.keySet().iterator();
            int forgotten = oldest.next();
            oldest.remove();
            completedOrder.remove(new Slot(key, forgotten));
        }
    }

    /**
     * Drops the partial messages whose first fragment is {@code timeoutNanos} or more before
     * {@code now}, and forgets completed message ids as old.
     *
     * @return how many partial messages were dropped (the "reassembly timed out" count)
     */
    @SuppressWarnings("unchecked")
    public synchronized int expire(long now) {
        int dropped = 0;
        for (Iterator<PartialMessage> it = partials.values().iterator(); it.hasNext(); ) {
            PartialMessage p = it.next();
            if (now - p.deadline < 0) {
                break;
            }
            drop(p);
            p.wipe();
            dropped++;
            it = partials.values().iterator();
        }
        Iterator<Map.Entry<Slot, Long>> mem = completedOrder.entrySet().iterator();
        while (mem.hasNext()) {
            Map.Entry<Slot, Long> e = mem.next();
            if (now - e.getValue() < 0) {
                break;
            }
            mem.remove();
            K key = (K) e.getKey().key();
            PerKey pk = keys.get(key);
            pk.completed.remove(e.getKey().messageId());
            dropUnused(key, pk);
        }
        return dropped;
    }

    private void dropUnused(K key, PerKey pk) {
        if (pk.isEmpty()) {
            keys.remove(key);
        }
    }

    /**
     * The earliest time at which {@link #expire} has something to do, or {@link Long#MAX_VALUE}
     * if nothing is held.
     */
    public synchronized long nextExpiry() {
        Iterator<PartialMessage> p = partials.values().iterator();
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
        PerKey pk = keys.get(key);
        if (pk == null) {
            return;
        }
        for (PartialMessage p : pk.partials.values().toArray(new PartialMessage[0])) {
            drop(p);
            p.wipe();
        }
        for (Integer id : pk.completed.keySet()) {
            completedOrder.remove(new Slot(key, id));
        }
        keys.remove(key);
    }

    /** Bytes charged for partial messages in total. */
    public synchronized long bytesHeld() {
        return bytesTotal;
    }

    /** Number of partial messages held. */
    public synchronized int partialCount() {
        return partials.size();
    }

    /** Bytes charged for the partial messages of {@code key}. */
    public synchronized long bytesHeld(K key) {
        PerKey pk = keys.get(key);
        return pk == null ? 0 : pk.bytes;
    }

    /** Bytes charged to the account {@code accountId}. */
    public synchronized long accountBytes(Object accountId) {
        Account a = accounts.get(accountId);
        return a == null ? 0 : a.bytes;
    }

    /** Fragments answered {@link Status#INCONSISTENT} since creation. */
    public synchronized long inconsistentCount() {
        return inconsistent;
    }

    /** Partial messages evicted to give an account below its fair share room, since creation. */
    public synchronized long evictedCount() {
        return evicted;
    }
}
