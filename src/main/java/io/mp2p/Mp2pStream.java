package io.mp2p;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.mp2p.identity.PeerKey;
import io.mp2p.stream.StreamConnection;

/**
 * A reliable, ordered, bidirectional byte stream to a port on a peer, inside an mp2p session
 * (spec/STREAMS.md): what a TCP connection is to a socket, with the peer authenticated by its key.
 * Streams survive rekeys; many run at once in one session, each independent of the others' losses.
 *
 * <pre>{@code
 * try (PeerSession peer = channel.connect(serverKey);
 *      Mp2pStream s = peer.openStream(80)) {
 *     s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(US_ASCII));
 *     s.shutdownOutput();                                   // FIN: the server sees the end of the request
 *     byte[] reply = s.getInputStream().readAllBytes();     // until the server's FIN
 * }
 * // the other side: try (StreamListener l = channel.listenStreams(80, 50)) { Mp2pStream s = l.accept(Duration.ZERO); ... }
 * }</pre>
 *
 * <p>Semantics are a TCP socket's: each direction ends on its own ({@link #shutdownOutput()} is a
 * FIN, half-close works both ways); {@link #close()} is orderly when every received byte was read and
 * an abort (RST) otherwise; {@link #abort()} always resets; buffers are bounded, so a writer waits
 * while the peer does not read. Blocking calls end with an {@code IOException} when the stream is
 * reset, the session or the channel closes, or {@link #close()} is called from another thread.
 * Thread-safe; one reader and one writer at a time is the intended use.
 */
public final class Mp2pStream implements AutoCloseable {
    /** Reads and writes hand the I/O thread at most this much per call, so a call never holds it long. */
    private static final int MAX_CHUNK = 64 * 1024;
    /** Error code of the RESET_STREAM / STOP_SENDING a close with unread data sends. */
    private static final long ABORT_CODE = 1;
    /** Local ports of opened streams are numbered from here, as ephemeral TCP ports are. */
    private static final int EPHEMERAL_FIRST = 49_152;
    private static final int EPHEMERAL_COUNT = 16_384;

    private final ChannelStreams owner;
    private final PeerKey peer;
    private final long id;
    private final int localPort;
    private final int remotePort;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Incremented by the I/O thread on every event of this stream: a waiter compares it with what it saw. */
    private long events;
    private boolean outputShut;
    private boolean inputShut;
    private boolean inputEnded;
    private volatile boolean closedHere;
    private volatile String broken;

    Mp2pStream(ChannelStreams owner, PeerKey peer, long id, int localPort, int remotePort) {
        this.owner = owner;
        this.peer = peer;
        this.id = id;
        this.localPort = localPort;
        this.remotePort = remotePort;
    }

    /** The local port of a stream this side opened: a number in the ephemeral range, from its id. */
    static int ephemeralPort(long streamId) {
        return EPHEMERAL_FIRST + (int) (streamId % EPHEMERAL_COUNT);
    }

    /** The authenticated peer at the other end. */
    public PeerKey peer() {
        return peer;
    }

    /** This end's port: the listener's on an accepted stream, an ephemeral number on an opened one. */
    public int localPort() {
        return localPort;
    }

    /** The other end's port: the port opened to, on an opened stream. */
    public int remotePort() {
        return remotePort;
    }

    long id() {
        return id;
    }

    /** False once this side closed or aborted the stream, it was reset, or its session ended. */
    public boolean isOpen() {
        return !closedHere && broken == null;
    }

    /**
     * Reads at least one byte, waiting until some arrive, the peer finishes, or {@code timeout} passes
     * ({@link Duration#ZERO}: no limit).
     *
     * @return bytes read, or -1 once the peer finished and everything was read (at once after {@link #shutdownInput()})
     * @throws SocketTimeoutException when {@code timeout} passed first (the stream stays usable)
     * @throws SocketException        "Connection reset" after a reset; another message when the session or channel ended
     */
    public int read(byte[] b, int off, int len, Duration timeout) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        long deadline = timeout.isZero() ? 0 : System.nanoTime() + timeout.toNanos();
        while (true) {
            if (inputShut || inputEnded) {
                return -1;
            }
            checkNotClosedHere();
            long seen = eventCount();
            int n = owner.read(this, b, off, Math.min(len, MAX_CHUNK));
            if (n > 0) {
                return n;
            }
            if (n == StreamConnection.END_OF_STREAM) {
                inputEnded = true;
                return -1;
            }
            if (n < 0) {
                throw failure(n);
            }
            awaitEvent(seen, deadline);
        }
    }

    /** Bytes that {@link #read} returns without waiting. */
    public int available() throws IOException {
        checkNotClosedHere();
        return inputShut ? 0 : owner.available(this);
    }

    /**
     * Writes all of {@code len} bytes, waiting while the peer's window and the send buffer are full.
     * Returns once the stream holds them (not once the peer has them).
     *
     * @throws SocketException after a reset (by either side), a close, {@link #shutdownOutput()}, or the end of the session
     */
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            if (outputShut) {
                throw new SocketException("Socket output is shut down");
            }
            checkNotClosedHere();
            long seen = eventCount();
            int n = owner.write(this, b, off, Math.min(len, MAX_CHUNK));
            if (n < 0) {
                throw failure(n);
            }
            off += n;
            len -= n;
            if (n == 0) {
                awaitEvent(seen, 0);
            }
        }
    }

    /** Sends FIN after the bytes already written; later writes throw. Idempotent. */
    public void shutdownOutput() throws IOException {
        if (!outputShut) {
            outputShut = true;
            owner.finish(this);
        }
    }

    /** Later reads return -1; the peer is asked to stop sending, and what arrives is discarded. Idempotent. */
    public void shutdownInput() throws IOException {
        if (!inputShut) {
            inputShut = true;
            if (!inputEnded) {
                owner.stopSending(this, 0);
            }
        }
    }

    /** Closes both ways: FIN when every received byte was read, a reset otherwise. Never blocks long; idempotent. */
    @Override
    public void close() {
        if (closedHere) {
            return;
        }
        closedHere = true;
        owner.close(this, outputShut, inputShut || inputEnded);
        signal();
    }

    /** Resets the stream both ways, dropping what is buffered. Idempotent. */
    public void abort() {
        if (closedHere) {
            return;
        }
        closedHere = true;
        owner.abort(this, ABORT_CODE);
        signal();
    }

    /** The stream as an {@link InputStream}; its reads wait without limit (use {@link #read} for a timeout). */
    public InputStream getInputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return Mp2pStream.this.read(one, 0, 1, Duration.ZERO) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return Mp2pStream.this.read(b, off, len, Duration.ZERO);
            }

            @Override
            public int available() throws IOException {
                return Mp2pStream.this.available();
            }

            @Override
            public void close() throws IOException {
                shutdownInput();
            }
        };
    }

    /** The stream as an {@link OutputStream}; {@code close()} on it sends FIN. */
    public OutputStream getOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                Mp2pStream.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Mp2pStream.this.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                shutdownOutput();
            }
        };
    }

    // ------------------------------------------------------------------ called by the I/O thread

    /** Something happened to this stream (data, room, reset, end): waiters look again. */
    void signal() {
        lock.lock();
        try {
            events++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The stream cannot be used any more (session or channel ended, connection failed). */
    void broken(String why) {
        if (broken == null) {
            broken = why;
        }
        signal();
    }

    // ------------------------------------------------------------------ waiting

    private long eventCount() {
        lock.lock();
        try {
            return events;
        } finally {
            lock.unlock();
        }
    }

    private void awaitEvent(long seen, long deadline) throws IOException {
        lock.lock();
        try {
            while (events == seen) {
                if (closedHere || broken != null) {
                    return;
                }
                if (deadline == 0) {
                    changed.await();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("Read timed out");
                    }
                    changed.await(left, TimeUnit.NANOSECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting on a stream");
        } finally {
            lock.unlock();
        }
    }

    private void checkNotClosedHere() throws SocketException {
        if (closedHere) {
            throw new SocketException("Socket closed");
        }
    }

    private IOException failure(int code) {
        String why = broken;
        if (code == StreamConnection.STREAM_RESET) {
            return new SocketException("Connection reset");
        }
        return new SocketException(why != null ? why : "the stream with " + peer.toHex() + " is closed");
    }

    @Override
    public String toString() {
        return "Mp2pStream[" + peer.toHex().substring(0, 16) + "…:" + remotePort + ", id " + id
                + (isOpen() ? "" : ", closed") + "]";
    }
}
