package io.mp2p.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Sends datagrams through a non-blocking socket without losing any silently: when the socket's send
 * buffer is full (the kernel takes 0 bytes), a copy waits here, in order, until the socket is
 * writable again; when this queue is full too, the datagram is dropped and counted. One thread at a
 * time: the caller serialises its calls (the channel holds its engine lock), so threads may take turns.
 *
 * <pre>{@code
 * SendQueue q = new SendQueue(channel::send, SendQueue.DEFAULT_CAPACITY);
 * if (q.send(datagram, destination) == SendQueue.Result.DEFERRED) { ...wait for OP_WRITE, then q.flush() }
 * }</pre>
 */
public final class SendQueue {
    /**
     * Datagrams held while the send buffer is full. At about 1,232 bytes each this is 2.5 MiB more than
     * the socket buffer; past it a sender is outrunning the link, and dropping (counted) is honest.
     */
    public static final int DEFAULT_CAPACITY = 2048;

    /** The socket: returns the bytes sent, 0 when its send buffer is full (as {@code DatagramChannel.send}). */
    @FunctionalInterface
    public interface DatagramSink {
        int send(ByteBuffer datagram, InetSocketAddress destination) throws IOException;
    }

    /** What {@link #send} did with a datagram. */
    public enum Result {
        /** The kernel took it. */
        SENT,
        /** The send buffer was full: it waits in the queue for room. */
        DEFERRED,
        /** The send buffer and the queue were full: dropped, and counted. */
        DROPPED
    }

    private record Pending(ByteBuffer data, InetSocketAddress destination) {
    }

    private final DatagramSink sink;
    private final int capacity;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long sent;
    private long bytesSent;
    private long deferred;
    private long dropped;
    private long errors;

    public SendQueue(DatagramSink sink, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.sink = sink;
        this.capacity = capacity;
    }

    /**
     * Sends {@code datagram} now, or queues a copy behind those already waiting (order is kept).
     *
     * @throws IOException when the socket refuses it (no route, unreachable, another address family);
     *                     counted as an error
     */
    public Result send(ByteBuffer datagram, InetSocketAddress destination) throws IOException {
        if (pending.isEmpty()) {
            int length = datagram.remaining();
            if (trySend(datagram, destination)) {
                sent++;
                bytesSent += length;
                return Result.SENT;
            }
        }
        if (pending.size() >= capacity) {
            dropped++;
            return Result.DROPPED;
        }
        ByteBuffer copy = ByteBuffer.allocate(datagram.remaining());
        copy.put(datagram).flip();
        pending.addLast(new Pending(copy, destination));
        deferred++;
        return Result.DEFERRED;
    }

    /**
     * Sends waiting datagrams while the socket takes them. One the socket refuses is dropped (counted
     * as an error), so that a bad destination cannot block those behind it.
     *
     * @return how many the socket refused
     */
    public int flush() {
        int refused = 0;
        while (!pending.isEmpty()) {
            Pending p = pending.peekFirst();
            int length = p.data().remaining();
            try {
                if (!trySend(p.data(), p.destination())) {
                    return refused;
                }
                sent++;
                bytesSent += length;
            } catch (IOException e) {
                refused++;
            }
            pending.pollFirst();
        }
        return refused;
    }

    private boolean trySend(ByteBuffer datagram, InetSocketAddress destination) throws IOException {
        try {
            return sink.send(datagram, destination) > 0;
        } catch (IOException e) {
            errors++;
            throw e;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // UnsupportedAddressTypeException and friends: a destination of the other IP family.
            errors++;
            throw new TransportException("cannot send to " + SocketAddresses.format(destination) + ": " + e, e);
        }
    }

    /** Whether datagrams wait for room. */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    public int pendingCount() {
        return pending.size();
    }

    public long sent() {
        return sent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    /** Datagrams that had to wait for room (whether or not they were sent since). */
    public long deferred() {
        return deferred;
    }

    public long dropped() {
        return dropped;
    }

    public long errors() {
        return errors;
    }
}
