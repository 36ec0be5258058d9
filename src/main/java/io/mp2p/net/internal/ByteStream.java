package io.mp2p.net.internal;

import java.io.IOException;
import java.time.Duration;

import io.mp2p.identity.PeerKey;

/**
 * One reliable, ordered, bidirectional byte stream to a port on an authenticated peer: what a TCP connection is to
 * a socket. {@link StreamSocketImpl} builds a {@code java.net.Socket} on it; the stream layer implements it.
 *
 * <p>Semantics, as a TCP socket's (every implementation must keep them; the in-memory one in the tests does):
 * <ul>
 *   <li>Each direction ends on its own: {@link #shutdownOutput()} sends FIN after the bytes already written, and
 *       the peer's reads then return -1 once they have read them (half-close); the other direction carries on.</li>
 *   <li>{@link #close()} is orderly (FIN) when every received byte was read, and an abort (RST) otherwise, as
 *       Linux closes a TCP socket with unread data. {@link #abort()} always resets. After a reset, the peer's reads
 *       and writes throw {@code SocketException("Connection reset")}; bytes it had not read may be lost.</li>
 *   <li>Buffers are bounded: {@link #write} blocks while the peer's window and the send buffer are full, so a
 *       reader that stops reading stops the writer.</li>
 *   <li>{@link #close()} and {@link #abort()} wake every blocked {@link #read} and {@link #write} at once (from
 *       any thread); those then throw an {@code IOException}.</li>
 * </ul>
 * All methods are thread-safe; one reader thread and one writer thread at a time is the intended use.
 */
public interface ByteStream {
    /**
     * Reads at least one byte, blocking until some arrive, the peer finishes, or {@code timeout} passes.
     *
     * @param timeout how long to wait; {@link Duration#ZERO} waits without bound (SO_TIMEOUT 0)
     * @return the number of bytes read (0 only when {@code len} is 0), or -1 once the peer has finished sending
     *         and every byte was read, and at once after {@link #shutdownInput()}
     * @throws java.net.SocketTimeoutException when {@code timeout} passed first (the stream stays usable)
     * @throws IOException                     when the stream was reset, the peer is gone, or this side closed it
     */
    int read(byte[] b, int off, int len, Duration timeout) throws IOException;

    /** Bytes that {@link #read} returns without blocking (0 at the end of the stream). */
    int available() throws IOException;

    /**
     * Writes all of {@code len} bytes, blocking while the buffers are full. Returns once the stream holds them (not
     * once the peer has them).
     *
     * @throws IOException when the stream was reset (by either side), this side closed it or shut its output down
     */
    void write(byte[] b, int off, int len) throws IOException;

    /** Sends FIN after the bytes already written; later writes throw. Idempotent. */
    void shutdownOutput() throws IOException;

    /** Later reads return -1; bytes that arrive are discarded (the peer may be told to stop sending). Idempotent. */
    void shutdownInput() throws IOException;

    /** Closes both ways: FIN when every received byte was read, RST otherwise. Never blocks; idempotent. */
    void close();

    /** Resets the stream both ways (RST), dropping what is buffered. Never blocks; idempotent. */
    void abort();

    /** The authenticated peer at the other end. */
    PeerKey peer();

    /** This end's port: the listener's port on an accepted stream, a number the stream layer chose on an opened one. */
    int localPort();

    /** The other end's port: the port opened to, on an opened stream. */
    int remotePort();

    /** False once this side closed or aborted the stream, or it was reset. */
    boolean isOpen();
}
