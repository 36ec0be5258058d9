package io.mp2p;

import java.time.Duration;

import io.mp2p.engine.Constants;
import io.mp2p.identity.PeerKey;

/**
 * An encrypted conversation with one peer over a {@link SecureMulticastChannel}: send and receive
 * whole messages of up to 65,535 bytes. Datagram semantics: messages arrive intact, at most once,
 * possibly out of order, possibly not at all.
 *
 * <p>Thread-safe: any number of threads may send and receive at once. Rekeys, keepalives and
 * re-handshakes after an idle expiry happen underneath; the session ends only when either side
 * closes it or the channel closes. When it ends, every message received before the end is still
 * returned by {@link #receive()}, in order, and only then does {@code receive} throw
 * {@link ChannelClosedException} (to every reader, every time). The blocking calls may not be made
 * on the channel's I/O thread (from a {@link PeerTrustPolicy}): they throw
 * {@link IllegalStateException} there instead of waiting on themselves.
 *
 * <pre>{@code
 * try (PeerSession s = channel.connect(peer)) {
 *     s.send("ping".getBytes(UTF_8));
 *     byte[] reply = s.receive(Duration.ofSeconds(5));   // null on timeout
 * }
 * }</pre>
 */
public final class PeerSession implements AutoCloseable {
    private final SecureMulticastChannel channel;
    private final PeerKey peer;
    private final SessionInbox inbox;
    private volatile String closedBecause;
    /**
     * Whether the channel holds this session as the one with its peer (a send may go on it), under
     * the channel's engine lock: a flag rather than a map look-up on every send.
     */
    boolean current;
    /** Set when this side asked to close, before the I/O thread has carried it out. */
    private volatile boolean closeRequested;

    PeerSession(SecureMulticastChannel channel, PeerKey peer, int capacity) {
        this.channel = channel;
        this.peer = peer;
        this.inbox = new SessionInbox(capacity);
    }

    /** The peer at the other end. */
    public PeerKey peer() {
        return peer;
    }

    /**
     * Where this session's packets to the peer go now: its group, or a unicast address (spec/PROTOCOL.md
     * §6.10). Changes if the peer moves to a new unicast source; null before the channel heard of the
     * session's path.
     */
    public SessionPath path() {
        return channel.pathOf(peer);
    }

    /**
     * Sends one message, encrypted. The message is sealed and given to the socket on the calling
     * thread, as a UDP socket's send is, so it may be reused once this returns; delivery is not
     * acknowledged. When the socket's send buffer is full, the datagram waits in a bounded queue that
     * the channel's I/O thread drains. A send that returns normally was taken by the engine before any
     * close of this session or the channel: close() carries it out before it tells the peer.
     *
     * @throws MessageTooLargeException over 65,535 bytes
     * @throws ChannelClosedException   after either side closed the session, or the channel closed
     *                                  (also when the close raced this call: the message was not sent)
     */
    public void send(byte[] message) throws Mp2pException {
        if (message.length > Constants.MAX_MESSAGE_LENGTH) {
            throw new MessageTooLargeException(message.length, Constants.MAX_MESSAGE_LENGTH);
        }
        checkOpen();
        // No copy: the engine seals it now, and copies what it must keep (a message held for a handshake).
        channel.send(this, message);
    }

    /**
     * The next message, waiting as long as it takes.
     *
     * @throws ChannelClosedException once the session is closed and every message received before was read
     */
    public byte[] receive() throws InterruptedException, ChannelClosedException {
        return take(-1);
    }

    /**
     * The next message, or null if none arrives within {@code timeout}.
     *
     * @throws ChannelClosedException once the session is closed and every message received before was read
     */
    public byte[] receive(Duration timeout) throws InterruptedException, ChannelClosedException {
        return take(Math.max(0, timeout.toNanos()));
    }

    private byte[] take(long timeoutNanos) throws InterruptedException, ChannelClosedException {
        channel.requireNotIoThread("PeerSession.receive");
        try {
            return channel.receive(inbox, timeoutNanos);
        } catch (SessionInbox.EndOfInbox end) {
            throw new ChannelClosedException("the session with " + peer.toHex() + " is closed: " + closedBecause);
        }
    }

    /**
     * Opens a reliable, ordered byte stream to {@code port} on the peer, where it must be listening
     * ({@link SecureMulticastChannel#listenStreams}); a refusal shows as an {@code IOException} on the
     * stream's first read or write. Streams survive rekeys and end when the session ends.
     *
     * @throws java.io.IOException when the session is closed, or the peer allows no more streams now
     */
    public Mp2pStream openStream(int port) throws java.io.IOException {
        return channel.openStream(this, port);
    }

    /** Whether messages can still be sent. */
    public boolean isOpen() {
        return closedBecause == null;
    }

    /**
     * Messages received but dropped: the receive queue was full (a reader too slow for the sender,
     * see {@link ChannelOptions.Builder#receiveQueueCapacity}), or they arrived after this side closed.
     */
    public long droppedMessages() {
        return inbox.dropped();
    }

    /** Ends the session, telling the peer. Idempotent; never blocks. */
    @Override
    public void close() {
        closeRequested = true;
        if (markClosed("closed by this side")) {
            channel.closeSession(this);
        }
    }

    void deliver(byte[] message) {
        inbox.offer(message);
        channel.wakePoller();
    }

    /** Whether this side asked to close (the I/O thread may not have carried it out yet). */
    boolean closeRequested() {
        return closeRequested;
    }

    /** Marks the session closed; true the first time. Messages already received stay readable. */
    boolean markClosed(String reason) {
        synchronized (this) {
            if (closedBecause != null) {
                return false;
            }
            closedBecause = reason;
        }
        inbox.close();
        channel.wakePoller();
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
