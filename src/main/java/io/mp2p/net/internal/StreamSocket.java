package io.mp2p.net.internal;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;

import io.mp2p.identity.PeerKey;

/**
 * A real {@link Socket} over one mp2p stream, as {@code SSLSocket} is a socket over TLS: code written against
 * {@code Socket} runs on it unchanged. Made by {@link StreamSocketFactory} and {@link StreamServerSocket}; the
 * public way to its peer is {@link io.mp2p.net.Mp2pSockets#peerKey(Socket)}.
 */
public final class StreamSocket extends Socket {
    private final StreamSocketImpl impl;

    StreamSocket(StreamSocketImpl impl) throws SocketException {
        super(impl);
        this.impl = impl;
    }

    /**
     * Connects, or closes the socket and throws: JDK 25 closes a socket whose connect failed, JDK 17 left it open;
     * an mp2p socket is closed on every JDK, so pools see one behaviour.
     */
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        try {
            super.connect(endpoint, timeout);
        } catch (IOException | RuntimeException e) {
            try {
                close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The authenticated peer at the other end, once connected or accepted; null before. */
    public PeerKey peerKey() {
        return impl.peer();
    }

    @Override
    public String toString() {
        return impl.toString() + (isClosed() ? " (closed)" : "");
    }
}
