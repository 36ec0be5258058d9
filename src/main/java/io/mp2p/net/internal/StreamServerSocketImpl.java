package io.mp2p.net.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.time.Duration;
import java.util.Set;

import io.mp2p.net.PeerAddresses;
import io.mp2p.net.PeerResolver;

/**
 * The {@link SocketImpl} under {@link StreamServerSocket}: one {@link PortListener}. {@code ServerSocket.bind}
 * calls {@link #bind} then {@link #listen}, which starts listening; {@code accept} hands each accepted stream to
 * the new socket's impl ({@link StreamServerSocket#accept()} says how the JDK gets there).
 */
final class StreamServerSocketImpl extends SocketImpl {
    private static final int NOT_BOUND = -1;
    private static final int MAX_PORT = 65_535;

    private final StreamAcceptor acceptor;
    private final PeerResolver resolver;
    private final StreamSocketOptions options = new StreamSocketOptions(true);
    private final Object lock = new Object();
    /** Guarded by lock. */
    private int bindPort = NOT_BOUND;
    /** Guarded by lock. */
    private PortListener listener;
    /** Guarded by lock. */
    private boolean closed;

    StreamServerSocketImpl(StreamAcceptor acceptor, PeerResolver resolver) {
        this.acceptor = acceptor;
        this.resolver = resolver;
    }

    @Override
    protected void create(boolean isStream) throws IOException {
        if (!isStream) {
            throw new SocketException("an mp2p server socket accepts streams only");
        }
    }

    @Override
    protected void bind(InetAddress host, int lport) throws IOException {
        if (lport < 0 || lport > MAX_PORT) {
            throw new IllegalArgumentException("port out of range: " + lport);
        }
        InetAddress own = acceptor.localAddress();
        if (host != null && !host.isAnyLocalAddress()
                && !PeerAddresses.peerKey(host).equals(PeerAddresses.peerKey(own))) {
            throw new BindException("cannot bind to " + host + ": an mp2p server socket listens at its own peer"
                    + " address (" + own + "); bind to the wildcard address or to that");
        }
        synchronized (lock) {
            checkOpen();
            if (bindPort != NOT_BOUND) {
                throw new SocketException("Already bound");
            }
            bindPort = lport;
        }
        address = own;
    }

    @Override
    protected void listen(int backlog) throws IOException {
        synchronized (lock) {
            checkOpen();
            if (bindPort == NOT_BOUND) {
                throw new SocketException("Socket is not bound yet");
            }
            if (listener != null) {
                return;
            }
            listener = acceptor.listen(bindPort, backlog);
            localport = listener.port();
        }
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        if (!(s instanceof StreamSocketImpl target)) {
            throw new SocketException("an mp2p server socket accepts into mp2p sockets only, not " + s.getClass());
        }
        PortListener l;
        synchronized (lock) {
            checkOpen();
            l = listener;
        }
        if (l == null) {
            throw new SocketException("Socket is not bound yet");
        }
        ByteStream stream;
        try {
            stream = l.accept(Duration.ofMillis(options.soTimeout()));
        } catch (java.net.SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            synchronized (lock) {
                checkOpen();
            }
            throw e;
        }
        target.accepted(stream, resolver.address(stream.peer()), acceptor.localAddress());
    }

    @Override
    protected void close() {
        PortListener l;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            l = listener;
        }
        if (l != null) {
            l.close();
        }
    }

    private void checkOpen() throws SocketException {
        if (closed) {
            throw new SocketException(StreamSocketImpl.CLOSED);
        }
    }

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        synchronized (lock) {
            checkOpen();
        }
        options.set(optID, value);
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        synchronized (lock) {
            checkOpen();
        }
        if (optID == SocketOptions.SO_BINDADDR) {
            return acceptor.localAddress();
        }
        return options.get(optID);
    }

    @Override
    protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
        synchronized (lock) {
            checkOpen();
        }
        options.set(name, value);
    }

    @Override
    protected <T> T getOption(SocketOption<T> name) throws IOException {
        synchronized (lock) {
            checkOpen();
        }
        return options.get(name);
    }

    @Override
    protected Set<SocketOption<?>> supportedOptions() {
        return options.supported();
    }

    // ------------------------------------------------------------------ what a listening socket does not do

    @Override
    protected void connect(String host, int p) throws IOException {
        throw notAConnection();
    }

    @Override
    protected void connect(InetAddress host, int p) throws IOException {
        throw notAConnection();
    }

    @Override
    protected void connect(SocketAddress endpoint, int timeout) throws IOException {
        throw notAConnection();
    }

    @Override
    protected InputStream getInputStream() throws IOException {
        throw notAConnection();
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        throw notAConnection();
    }

    @Override
    protected int available() throws IOException {
        throw notAConnection();
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw notAConnection();
    }

    private static SocketException notAConnection() {
        return new SocketException("a server socket only accepts; read and write the sockets it returns");
    }
}
