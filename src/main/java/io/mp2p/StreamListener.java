package io.mp2p;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Streams that peers open to one port of ours, as a bound {@code ServerSocket} takes connections.
 * Made by {@link SecureMulticastChannel#listenStreams}; streams to a port nobody listens on are refused.
 *
 * <pre>{@code
 * try (StreamListener web = channel.listenStreams(80, 50)) {
 *     while (true) {
 *         Mp2pStream s = web.accept(Duration.ZERO);           // waits for the next stream
 *         pool.submit(() -> serve(s));                        // s.peer() is the authenticated client
 *     }
 * }
 * }</pre>
 */
public final class StreamListener implements AutoCloseable {
    private final ChannelStreams owner;
    private final int port;
    private final int backlog;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Mp2pStream> waiting = new ArrayDeque<>();
    private boolean closed;

    StreamListener(ChannelStreams owner, int port, int backlog) {
        this.owner = owner;
        this.port = port;
        this.backlog = backlog;
    }

    /** The port listened on. */
    public int port() {
        return port;
    }

    /**
     * The next stream opened to this port, waiting up to {@code timeout} ({@link Duration#ZERO}: no limit).
     *
     * @throws SocketTimeoutException when none arrived in time (the listener stays usable)
     * @throws SocketException        once the listener or its channel is closed, also to callers waiting here
     */
    public Mp2pStream accept(Duration timeout) throws IOException {
        long deadline = timeout.isZero() ? 0 : System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (waiting.isEmpty()) {
                if (closed) {
                    throw new SocketException("Socket is closed");
                }
                if (deadline == 0) {
                    arrived.await();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("Accept timed out");
                    }
                    arrived.await(left, TimeUnit.NANOSECONDS);
                }
            }
            return waiting.pollFirst();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while accepting a stream");
        } finally {
            lock.unlock();
        }
    }

    /** Stops listening: waiting and later accepts throw, streams not yet accepted are reset. Idempotent. */
    @Override
    public void close() {
        ArrayDeque<Mp2pStream> dropped;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            dropped = new ArrayDeque<>(waiting);
            waiting.clear();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        owner.unlisten(this);
        for (Mp2pStream s : dropped) {
            s.abort();
        }
    }

    /** A stream opened to our port (I/O thread); false when the backlog is full or we are closed: refuse it. */
    boolean offer(Mp2pStream s) {
        lock.lock();
        try {
            if (closed || waiting.size() >= backlog) {
                return false;
            }
            waiting.addLast(s);
            arrived.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }
}
