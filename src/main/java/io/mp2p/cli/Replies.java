package io.mp2p.cli;

/**
 * What a reader thread has printed of the peer's messages, for a command that waits for replies
 * once it has nothing more to send: how many, when the last one came, and whether the session ended.
 */
final class Replies {
    private int count;
    private long lastNanos;
    private boolean ended;
    private boolean closing;

    /** A message was received and printed. */
    synchronized void printed() {
        count++;
        lastNanos = System.nanoTime();
        notifyAll();
    }

    /** The session ended: no more messages can come. */
    synchronized void ended() {
        ended = true;
        notifyAll();
    }

    /** This side is about to close the session: its end is no news to the user. */
    synchronized void closing() {
        closing = true;
    }

    synchronized boolean isClosing() {
        return closing;
    }

    synchronized int count() {
        return count;
    }

    /** Waits until {@code n} messages in all were printed, the session ended, or {@code deadline} (nanoTime). */
    synchronized void awaitCount(int n, long deadline) throws InterruptedException {
        while (count < n && !ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000L));
        }
    }

    /**
     * Waits until no message has come for {@code quietNanos} since {@code since} or the last message,
     * whichever is later; or the session ended; or {@code deadline} (all in nanoTime).
     */
    synchronized void awaitQuiet(long since, long quietNanos, long deadline) throws InterruptedException {
        while (!ended) {
            long now = System.nanoTime();
            long last = count > 0 && lastNanos - since > 0 ? lastNanos : since;
            long until = Math.min(last + quietNanos - now, deadline - now);
            if (until <= 0) {
                return;
            }
            wait(Math.max(1, until / 1_000_000L));
        }
    }
}
