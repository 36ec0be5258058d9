package io.mp2p.net.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Objects;

import javax.net.SocketFactory;

import io.mp2p.net.PeerResolver;

/**
 * Makes {@link StreamSocket}s whose streams {@code connector} opens. Every overload works; a host is
 * {@code <base32>.mp2p} (looked up with {@code resolver}, never DNS) or a peer's {@code InetAddress}. The
 * unconnected {@link #createSocket()} is what OkHttp and most connection pools call, then
 * {@code connect(address, timeout)}.
 */
public final class StreamSocketFactory extends SocketFactory {
    private final StreamConnector connector;
    private final PeerResolver resolver;

    public StreamSocketFactory(StreamConnector connector, PeerResolver resolver) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    @Override
    public Socket createSocket() throws IOException {
        return new StreamSocket(new StreamSocketImpl(connector, resolver));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return createSocket(resolver.address(host), port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(resolver.address(host), port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket s = createSocket();
        try {
            if (local != null) {
                s.bind(local);
            }
            s.connect(remote);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }
}
