package io.mp2p;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The messages a session received and the application has not read yet, bounded, with an end: once
 * closed, every message queued before is still returned, then {@link #take} reports the end to
 * every reader, and nothing is accepted any more. (A queue with an end-marker element cannot keep
 * that order when several readers race the marker.)
 */
final class SessionInbox {
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<byte[]> messages = new ArrayDeque<>();
    private boolean closed;
    private long dropped;

    SessionInbox(int capacity) {
        this.capacity = capacity;
    }

    /** Queues a message; false (and counted) when full or closed. */
    boolean offer(byte[] m) {
        lock.lock();
        try {
            if (closed || messages.size() >= capacity) {
                dropped++;
                return false;
            }
            messages.addLast(m);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next message; waits up to {@code timeoutNanos} (negative: without limit until a message
     * or the close). Returns null on timeout; throws {@link EndOfInbox} once closed and drained.
     */
    byte[] take(long timeoutNanos) throws InterruptedException, EndOfInbox {
        lock.lockInterruptibly();
        try {
            long left = timeoutNanos;
            while (messages.isEmpty()) {
                if (closed) {
                    throw EndOfInbox.INSTANCE;
                }
                if (timeoutNanos < 0) {
                    notEmpty.await();
                } else {
                    if (left <= 0) {
                        return null;
                    }
                    left = notEmpty.awaitNanos(left);
                }
            }
            return messages.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next message without waiting, or null when none is queued.
     *
     * @throws EndOfInbox once closed and drained
     */
    byte[] poll() throws EndOfInbox {
        lock.lock();
        try {
            byte[] m = messages.pollFirst();
            if (m == null && closed) {
                throw EndOfInbox.INSTANCE;
            }
            return m;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #poll} has an answer now: a message, or the end. */
    boolean ready() {
        lock.lock();
        try {
            return closed || !messages.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the inbox: wakes every waiting reader. */
    void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Thrown by {@link #take} when the inbox is closed and empty; carries no stack (it is control flow). */
    static final class EndOfInbox extends Exception {
        private static final long serialVersionUID = 1L;
        static final EndOfInbox INSTANCE = new EndOfInbox();

        private EndOfInbox() {
            super("end of inbox", null, false, false);
        }
    }
}
