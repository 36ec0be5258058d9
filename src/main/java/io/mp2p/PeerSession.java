package io.mp2p;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.mp2p.engine.Constants;
import io.mp2p.identity.PeerKey;

/**
 * An encrypted conversation with one peer over a {@link SecureMulticastChannel}: send and receive
 * whole messages of up to 65,535 bytes. Datagram semantics: messages arrive intact, at most once,
 * possibly out of order, possibly not at all.
 *
 * <p>Thread-safe: any number of threads may send and receive at once. Rekeys, keepalives and
 * re-handshakes after an idle expiry happen underneath; the session ends only when either side
 * closes it or the channel closes.
 *
 * <pre>{@code
 * try (PeerSession s = channel.connect(peer)) {
 *     s.send("ping".getBytes(UTF_8));
 *     byte[] reply = s.receive(Duration.ofSeconds(5));   // null on timeout
 * }
 * }</pre>
 */
public final class PeerSession implements AutoCloseable {
    /** Marks the end of the queue for receivers blocked in {@link #receive()}. */
    private static final byte[] END = new byte[0];

    private final SecureMulticastChannel channel;
    private final PeerKey peer;
    private final int capacity;
    private final LinkedBlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile String closedBecause;

    PeerSession(SecureMulticastChannel channel, PeerKey peer, int capacity) {
        this.channel = channel;
        this.peer = peer;
        this.capacity = capacity;
    }

    /** The peer at the other end. */
    public PeerKey peer() {
        return peer;
    }

    /**
     * Sends one message, encrypted. Returns once the message is handed to the channel's I/O thread;
     * delivery is not acknowledged. When 4,096 sends wait for that thread, this call waits too, so a
     * fast sender is slowed to what the channel can encrypt rather than filling memory.
     *
     * @throws MessageTooLargeException over 65,535 bytes
     * @throws ChannelClosedException   after either side closed the session, or the channel closed
     */
    public void send(byte[] message) throws Mp2pException {
        if (message.length > Constants.MAX_MESSAGE_LENGTH) {
            throw new MessageTooLargeException(message.length, Constants.MAX_MESSAGE_LENGTH);
        }
        checkOpen();
        channel.send(this, message.clone());
    }

    /**
     * The next message, waiting as long as it takes.
     *
     * @throws ChannelClosedException once the session is closed and every message received before was read
     */
    public byte[] receive() throws InterruptedException, ChannelClosedException {
        byte[] m = inbox.take();
        return unlessEnd(m);
    }

    /** The next message, or null if none arrives within {@code timeout}. */
    public byte[] receive(Duration timeout) throws InterruptedException, ChannelClosedException {
        byte[] m = inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return m == null ? null : unlessEnd(m);
    }

    private byte[] unlessEnd(byte[] m) throws ChannelClosedException {
        if (m == END) {
            inbox.offer(END);
            throw new ChannelClosedException("the session with " + peer.toHex() + " is closed: " + closedBecause);
        }
        return m;
    }

    /** Whether messages can still be sent. */
    public boolean isOpen() {
        return closedBecause == null;
    }

    /** Messages dropped because the receive queue was full (a reader too slow for the sender). */
    public long droppedMessages() {
        return dropped.get();
    }

    /** Ends the session, telling the peer. Idempotent. */
    @Override
    public void close() {
        if (markClosed("closed by this side")) {
            channel.closeSession(this);
        }
    }

    void deliver(byte[] message) {
        if (inbox.size() >= capacity) {
            dropped.incrementAndGet();
            return;
        }
        inbox.offer(message);
    }

    /** Marks the session closed; true the first time. */
    boolean markClosed(String reason) {
        synchronized (this) {
            if (closedBecause != null) {
                return false;
            }
            closedBecause = reason;
        }
        inbox.offer(END);
        return true;
    }

    private void checkOpen() throws ChannelClosedException {
        String why = closedBecause;
        if (why != null) {
            throw new ChannelClosedException("the session with " + peer.toHex() + " is closed: " + why);
        }
    }

    @Override
    public String toString() {
        return "PeerSession[" + peer.toHex() + (isOpen() ? "" : ", closed") + "]";
    }
}
