package io.mp2p.net;

import java.net.Socket;
import java.util.Optional;

import io.mp2p.identity.PeerKey;
import io.mp2p.net.internal.StreamSocket;

/**
 * What an mp2p {@link Socket} knows beyond {@code java.net}: who is at the other end, authenticated by the
 * handshake, as {@code SSLSocket.getSession()} tells a TLS peer's certificate.
 *
 * <pre>{@code
 * ServerSocket server = ctx.getServerSocketFactory(options).createServerSocket(8080);
 * try (Socket s = server.accept()) {
 *     PeerKey who = Mp2pSockets.peerKey(s).orElseThrow();   // the client's public key
 *     ...
 * }
 * }</pre>
 */
public final class Mp2pSockets {
    private Mp2pSockets() {
    }

    /**
     * The authenticated peer of a connected (or accepted) mp2p socket; empty for a socket of another kind or one not
     * connected yet. It stays known after the socket closes.
     */
    public static Optional<PeerKey> peerKey(Socket socket) {
        if (socket instanceof StreamSocket s) {
            return Optional.ofNullable(s.peerKey());
        }
        return Optional.empty();
    }

    /** Whether {@code socket} is an mp2p socket (made by the context's socket factories). */
    public static boolean isMp2pSocket(Socket socket) {
        return socket instanceof StreamSocket;
    }
}
