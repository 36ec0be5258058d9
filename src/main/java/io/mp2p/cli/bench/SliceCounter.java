package io.mp2p.cli.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The receiving side's count, slice by slice. Every message starts with the number of the slice it
 * was sent in, and arrivals are counted under that number whenever they come: a message that is
 * still on its way when its slice's turn ends (a busy machine can hold a receiving thread back for
 * a good fraction of a second) still counts for its own slice, never for the next contender, and
 * is lost only if it never arrives. Reading a slice's figure waits for the end of the phase.
 *
 * <p>One thread (the benchmark's) starts slices, one thread (the receiver's) counts.
 */
final class SliceCounter {
    /** The slice number at the start of each message. */
    static final int TAG_LENGTH = Integer.BYTES;
    /** More slices than any run has: a contender gets at most a few dozen. */
    private static final int MAX_SLICES = 4096;
    /**
     * A turn ends once nothing has moved for this long after the sender stopped. An mp2p channel
     * shows progress once per turn of its I/O thread (up to 1,024 datagrams), which on a busy
     * machine can take tens of milliseconds. Ending a turn early costs no message (see above); it
     * only lets the tail overlap the next contender's turn.
     */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Written by the benchmark's thread only. */
    private int current;
    /** Written by the receiving thread only. */
    private final AtomicLongArray counts = new AtomicLongArray(MAX_SLICES);
    /** Written by the receiving thread only. */
    private final AtomicLongArray lastArrival = new AtomicLongArray(MAX_SLICES);
    /** Every message counted so far, whatever its slice; written by the receiving thread only. */
    private volatile long total;

    /** Starts a new slice; returns its tag, to be written at the start of every message. */
    int begin() {
        if (current + 1 >= MAX_SLICES) {
            throw new IllegalStateException("more than " + MAX_SLICES + " slices for one contender");
        }
        return ++current;
    }

    long total() {
        return total;
    }

    void onMessage(byte[] message) {
        if (message.length >= TAG_LENGTH) {
            count(ByteBuffer.wrap(message).getInt(0));
        }
    }

    /** {@code b} from position 0 to its limit. */
    void onMessage(ByteBuffer b) {
        if (b.limit() >= TAG_LENGTH) {
            count(b.getInt(0));
        }
    }

    private void count(int tag) {
        if (tag > 0 && tag < MAX_SLICES) {
            lastArrival.set(tag, System.nanoTime());
            counts.set(tag, counts.get(tag) + 1);
            total = total + 1;
        }
    }

    /** A slice whose sending is over; its figure is read later with {@link Run#slice()}. */
    final class Run {
        private final int tag;
        private final long sent;
        private final long start;
        private final long sendEnd;

        private Run(int tag, long sent, long start, long sendEnd) {
            this.tag = tag;
            this.sent = sent;
            this.start = start;
            this.sendEnd = sendEnd;
        }

        /** Messages sent, messages arrived so far, and the time from the first send to the last arrival. */
        Slice slice() {
            long delivered = counts.get(tag);
            long end = delivered > 0 ? Math.max(sendEnd, lastArrival.get(tag)) : sendEnd;
            return new Slice(sent, delivered, end - start);
        }
    }

    /**
     * Ends a slice's turn: waits until every sent message arrived, or {@code drainDeadline} passed,
     * or the pipeline went still: for {@link #QUIET_NANOS} neither the count nor {@code progress} (a
     * contender's own counter of packets moving, which keeps rising while a backlog is worked off
     * before any message completes) changed, and {@code senderIdle} says nothing is left to send.
     */
    Run finish(int tag, long sent, long start, long sendEnd, long drainDeadline, LongSupplier progress,
               BooleanSupplier senderIdle) {
        long lastCount = counts.get(tag);
        long lastProgress = progress.getAsLong();
        long changedAt = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            long c = counts.get(tag);
            if (c >= sent || now - drainDeadline >= 0) {
                break;
            }
            long p = progress.getAsLong();
            if (c != lastCount || p != lastProgress) {
                lastCount = c;
                lastProgress = p;
                changedAt = now;
            } else if (now - changedAt >= QUIET_NANOS && senderIdle.getAsBoolean()) {
                break;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return new Run(tag, sent, start, sendEnd);
    }

    /** {@link #finish(int, long, long, long, long, LongSupplier, BooleanSupplier)} for a contender whose sends leave at once. */
    Run finish(int tag, long sent, long start, long sendEnd, long drainDeadline) {
        return finish(tag, sent, start, sendEnd, drainDeadline, () -> 0, () -> true);
    }
}
