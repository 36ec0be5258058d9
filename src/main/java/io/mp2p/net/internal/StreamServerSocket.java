package io.mp2p.net.internal;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

import io.mp2p.net.PeerResolver;

/**
 * A real {@link ServerSocket} that accepts mp2p streams to its port, made by {@link StreamServerSocketFactory}.
 *
 * <p>{@code ServerSocket.accept()} would make a {@code Socket} with no impl, and the JDK (17 to 25) accepts into
 * such a socket only with its own platform impl or a global {@code SocketImplFactory}. So {@link #accept()} makes
 * an {@link StreamSocket} over a fresh {@link StreamSocketImpl} and passes it to {@link #implAccept(Socket)}, the
 * hook the JDK keeps for subclasses: for a custom impl it calls our {@link StreamServerSocketImpl#accept} with the
 * socket's impl, then marks the socket connected.
 */
final class StreamServerSocket extends ServerSocket {
    private final PeerResolver resolver;

    StreamServerSocket(StreamServerSocketImpl impl, PeerResolver resolver) {
        super(impl);
        this.resolver = resolver;
    }

    @Override
    public Socket accept() throws IOException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        if (!isBound()) {
            throw new SocketException("Socket is not bound yet");
        }
        StreamSocket s = new StreamSocket(new StreamSocketImpl(null, resolver));
        implAccept(s);
        return s;
    }

    @Override
    public String toString() {
        return isBound() ? "mp2p server socket[addr=" + getInetAddress() + ",localport=" + getLocalPort() + "]"
                : "mp2p server socket[unbound]";
    }
}
