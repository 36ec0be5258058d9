package io.mp2p.net.internal;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

import io.mp2p.identity.PeerKey;

/**
 * Opens {@link ByteStream}s to ports on peers: the client half of what sockets need from the stream layer.
 * {@link StreamSocketFactory} calls it for every {@code Socket.connect}.
 */
public interface StreamConnector {
    /**
     * Opens a stream to {@code port} on {@code peer}, setting up a session with it first if there is none.
     *
     * <p>The future completes with the open stream, or exceptionally with an {@code IOException}:
     * {@code ConnectException} when the peer refuses the stream (nothing listens on that port) or does not allow
     * our key, {@code SocketTimeoutException} when it does not answer within the implementation's own bound. A
     * refusal may also come later, as an {@code IOException} on the stream's first read or write (the peer says
     * so only once the stream's first frame arrives).
     *
     * <p>Cancelling the future withdraws the request: the socket does so when it is closed, or its connect timeout
     * passes, while the stream is being opened. A stream that opens after that must be aborted by the
     * implementation (a {@code complete} that returns false tells it so).
     *
     * @param peerAddress where the peer listens, as {@code PeerAddresses} names it ({@code <base32>.mp2p} at its
     *                    group); its group is derived from the key, or one the peer chose
     */
    CompletableFuture<ByteStream> open(PeerKey peer, InetAddress peerAddress, int port);

    /** Our own peer address ({@code <our base32>.mp2p} at our group): what sockets report as their local address. */
    InetAddress localAddress();
}
