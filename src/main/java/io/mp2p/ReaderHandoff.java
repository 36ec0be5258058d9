package io.mp2p;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Who reads a channel's sockets: its I/O thread, or an application thread that waits in
 * {@code receive} and reads them itself (one at a time), so that a datagram wakes only the thread
 * waiting for it. While such a reader reads, the I/O thread stops watching the sockets and looks
 * again after a grace period; a reader leaving after a long grace wakes it at once.
 *
 * <pre>{@code
 * if (handoff.enter()) { try { ...wait on the sockets, read... } finally { if (handoff.leave()) wakeIoThread(); } }
 * // I/O thread, before it sleeps:
 * long grace = handoff.ioGraceMillis();   // -1: no reader, read the sockets yourself
 * }</pre>
 */
final class ReaderHandoff {
    /**
     * How long the I/O thread sleeps, at first, while an application thread reads: the longest a
     * datagram waits unread after that reader left. Doubles while the same reader keeps waiting (an
     * idle channel stays idle), up to {@link #MAX_GRACE_MILLIS}.
     */
    static final long GRACE_MILLIS = 1;
    static final long MAX_GRACE_MILLIS = 256;

    private final ReentrantLock lock = new ReentrantLock();
    /** The reading thread, or null. */
    private volatile Thread reader;
    /** Counts readers, so that the I/O thread tells a reader that waits on from a new one. */
    private volatile long turns;
    /** The grace the I/O thread sleeps with now (0: it reads itself); read by a leaving reader. */
    private volatile long ioGrace;
    /** Owned by the I/O thread. */
    private long lastTurn = -1;
    private long grace = GRACE_MILLIS;

    /** Makes the calling thread the reader; false, at once, if another thread is. */
    boolean enter() {
        if (!lock.tryLock()) {
            return false;
        }
        reader = Thread.currentThread();
        turns = turns + 1;
        return true;
    }

    /** The reader stops reading; true if the I/O thread sleeps long trusting it and must be woken now. */
    boolean leave() {
        reader = null;
        lock.unlock();
        return ioGrace > GRACE_MILLIS;
    }

    /** The reading thread, or null. */
    Thread reader() {
        return reader;
    }

    /**
     * For the I/O thread before it sleeps: the grace in milliseconds to sleep at most while an
     * application thread reads, or -1 when none does (the I/O thread reads the sockets itself).
     */
    long ioGraceMillis() {
        if (reader == null) {
            ioGrace = 0;
            return -1;
        }
        long turn = turns;
        grace = turn == lastTurn ? Math.min(grace * 2, MAX_GRACE_MILLIS) : GRACE_MILLIS;
        lastTurn = turn;
        ioGrace = grace;
        // Dekker with leave() (reader = null, then reads ioGrace): either the leaving reader sees
        // this grace and wakes the I/O thread, or the I/O thread sees it gone here and reads itself.
        if (reader == null) {
            ioGrace = 0;
            return -1;
        }
        return grace;
    }
}
