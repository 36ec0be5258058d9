package io.mp2p;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work handed from callers' threads to the channel's I/O thread, with the guarantee that makes
 * {@code close()} safe to race with anything: every command submitted is either run by the I/O
 * thread or aborted (told the channel closed), exactly once, never neither.
 *
 * <p>Why this cannot lose a command: the I/O thread, when it stops, first runs what is queued,
 * then sets {@code terminated}, then aborts what is queued. A submitter adds its command and then
 * reads {@code terminated}; if it is set, the submitter aborts what is queued itself. Both flags
 * and the queue are volatile, so (as in Dekker's protocol) at least one side sees the other's write:
 * a command added after the last drain is seen by its own submitter.
 */
final class IoCommands {
    private static final Logger LOG = LoggerFactory.getLogger(IoCommands.class);

    /** A unit of work for the I/O thread. */
    abstract static class Command {
        private static final int PENDING = 0;
        private static final int RAN = 1;
        private static final int ABORTED = 2;
        private final AtomicInteger state = new AtomicInteger(PENDING);

        /** Runs on the I/O thread, with the engine alive. */
        protected abstract void run();

        /** Runs on any thread, once the channel can no longer run it. Must not block. */
        protected abstract void abort(ChannelClosedException why);

        /**
         * {@link #run} threw: a bug, or a caller's bad argument that got past the checks. The failure
         * belongs to this command's caller alone; the I/O thread carries on.
         */
        protected void failed(RuntimeException e) {
            LOG.error("a command on the I/O thread failed; the channel carries on", e);
        }

        final void runOnce() {
            if (state.compareAndSet(PENDING, RAN)) {
                try {
                    run();
                } catch (RuntimeException e) {
                    failed(e);
                }
            }
        }

        final void abortOnce(ChannelClosedException why) {
            if (state.compareAndSet(PENDING, ABORTED)) {
                abort(why);
            }
        }

        /** True once the command was aborted: the caller must report the close, not success. */
        final boolean wasAborted() {
            return state.get() == ABORTED;
        }
    }

    private final ConcurrentLinkedQueue<Command> queue = new ConcurrentLinkedQueue<>();
    private volatile boolean terminated;

    /**
     * Queues {@code c}. Returns false if the channel had already stopped and {@code c} was aborted
     * (its {@code abort} has run when this returns); true if it ran or will run on the I/O thread.
     */
    boolean submit(Command c) {
        queue.add(c);
        if (terminated) {
            abortAll();
            c.abortOnce(closed());
            return !c.wasAborted();
        }
        return true;
    }

    /** The next queued command, or null. I/O thread only. */
    Command poll() {
        return queue.poll();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Called once by the I/O thread after its last drain: from now on nothing queued will run. */
    void terminate() {
        terminated = true;
        abortAll();
    }

    boolean isTerminated() {
        return terminated;
    }

    private void abortAll() {
        for (Command c; (c = queue.poll()) != null; ) {
            c.abortOnce(closed());
        }
    }

    private static ChannelClosedException closed() {
        return new ChannelClosedException("the channel is closed");
    }
}
