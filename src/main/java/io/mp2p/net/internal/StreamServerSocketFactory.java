package io.mp2p.net.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Objects;

import javax.net.ServerSocketFactory;

import io.mp2p.net.PeerResolver;

/**
 * Makes server sockets that accept the streams peers open to their port, through {@code acceptor}. Every overload
 * works; the bind address is the wildcard, or our own peer address. Accepted sockets name their peer as
 * {@code resolver} does.
 */
public final class StreamServerSocketFactory extends ServerSocketFactory {
    /** What {@code ServerSocket} uses when no backlog is given. */
    static final int DEFAULT_BACKLOG = 50;

    private final StreamAcceptor acceptor;
    private final PeerResolver resolver;

    public StreamServerSocketFactory(StreamAcceptor acceptor, PeerResolver resolver) {
        this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
        return new StreamServerSocket(new StreamServerSocketImpl(acceptor, resolver), resolver);
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return createServerSocket(port, DEFAULT_BACKLOG, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return createServerSocket(port, backlog, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
        ServerSocket s = createServerSocket();
        try {
            s.bind(new InetSocketAddress(ifAddress, port), backlog);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }
}
