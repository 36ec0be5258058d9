package io.mp2p.net.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.mp2p.identity.PeerKey;
import io.mp2p.net.PeerAddresses;
import io.mp2p.net.PeerResolver;

/**
 * The {@link SocketImpl} under {@link StreamSocket}: one {@link ByteStream}. {@code java.net.Socket} calls it for
 * every operation (JDK 17 to 25 keep a custom impl given to {@code Socket(SocketImpl)}), so this class only keeps
 * the impl contract: connect opens the stream, the socket's streams read and write it, close ends it.
 *
 * <p>An accepted socket gets its stream from {@link StreamServerSocketImpl#accept(SocketImpl)} instead.
 */
final class StreamSocketImpl extends SocketImpl {
    static final String CLOSED = "Socket closed";
    private static final int NO_PORT = 0;
    private static final int MAX_PORT = 65_535;

    /** Null on an accepted socket: it never connects. */
    private final StreamConnector connector;
    private final PeerResolver resolver;
    private final StreamSocketOptions options = new StreamSocketOptions(false);
    private final Object lock = new Object();
    /** Guarded by lock. */
    private ByteStream stream;
    /** Guarded by lock: the stream being opened, cancelled by close. */
    private CompletableFuture<ByteStream> pending;
    /** Guarded by lock. */
    private boolean closed;
    private volatile PeerKey peer;
    private volatile InetAddress localAddress;
    private final InputStream in = new StreamInput();
    private final OutputStream out = new StreamOutput();

    StreamSocketImpl(StreamConnector connector, PeerResolver resolver) {
        this.connector = connector;
        this.resolver = resolver;
    }

    /** The authenticated peer once connected (or accepted); null before. */
    PeerKey peer() {
        return peer;
    }

    /** Called by the server socket's impl with the stream it accepted for this socket. */
    void accepted(ByteStream s, InetAddress peerAddress, InetAddress local) throws SocketException {
        synchronized (lock) {
            if (closed) {
                s.abort();
                throw new SocketException(CLOSED);
            }
            stream = s;
        }
        peer = s.peer();
        address = peerAddress;
        port = s.remotePort();
        localport = s.localPort();
        localAddress = local;
    }

    @Override
    protected void create(boolean isStream) throws IOException {
        if (!isStream) {
            throw new SocketException("an mp2p socket is a stream; for datagrams use SecureDatagramSocket");
        }
    }

    @Override
    protected void connect(String host, int p) throws IOException {
        connect(new InetSocketAddress(resolver.address(host), p), 0);
    }

    @Override
    protected void connect(InetAddress host, int p) throws IOException {
        connect(new InetSocketAddress(host, p), 0);
    }

    @Override
    protected void connect(SocketAddress endpoint, int timeoutMillis) throws IOException {
        if (!(endpoint instanceof InetSocketAddress isa)) {
            throw new IllegalArgumentException("Unsupported address type: " + endpoint);
        }
        if (connector == null) {
            throw new SocketException("an accepted socket cannot connect");
        }
        try {
            ByteStream s = open(isa, timeoutMillis);
            peer = s.peer();
            port = s.remotePort();
            localport = s.localPort();
            localAddress = connector.localAddress();
        } catch (IOException | RuntimeException e) {
            // A socket whose connect failed is closed, as the JDK's own sockets close theirs.
            close();
            throw e;
        }
    }

    private ByteStream open(InetSocketAddress isa, int timeoutMillis) throws IOException {
        InetAddress where = isa.isUnresolved() ? resolver.address(isa.getHostString()) : isa.getAddress();
        PeerKey key = PeerAddresses.peerKey(where).orElseThrow(() -> new NoRouteToHostException(where
                + " is not an mp2p peer address: name the peer <base32>.mp2p (PeerResolver), or use the address"
                + " PeerAddresses gives for its key"));
        if (isa.getPort() == NO_PORT) {
            throw new SocketException("cannot connect to port 0");
        }
        CompletableFuture<ByteStream> f;
        synchronized (lock) {
            checkOpen();
            if (stream != null || pending != null) {
                throw new SocketException("already connected");
            }
            f = connector.open(key, where, isa.getPort());
            pending = f;
            address = where;
        }
        ByteStream s = await(f, timeoutMillis);
        synchronized (lock) {
            pending = null;
            if (closed) {
                s.abort();
                throw new SocketException(CLOSED);
            }
            stream = s;
        }
        return s;
    }

    private static ByteStream await(CompletableFuture<ByteStream> f, int timeoutMillis) throws IOException {
        try {
            return timeoutMillis > 0 ? f.get(timeoutMillis, TimeUnit.MILLISECONDS) : f.get();
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new SocketTimeoutException("Connect timed out");
        } catch (CancellationException e) {
            throw new SocketException(CLOSED);
        } catch (InterruptedException e) {
            f.cancel(false);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new SocketException("the stream could not be opened: " + cause);
        }
    }

    @Override
    protected void bind(InetAddress host, int lport) throws IOException {
        checkOpen();
        if (lport != NO_PORT) {
            throw new BindException("cannot bind an mp2p client socket to port " + lport
                    + ": the stream layer assigns its local port; bind to port 0");
        }
        if (host != null && !host.isAnyLocalAddress() && connector != null
                && !PeerAddresses.peerKey(host).equals(PeerAddresses.peerKey(connector.localAddress()))) {
            throw new BindException("cannot bind to " + host + ": an mp2p socket's local address is its own peer"
                    + " address; bind to the wildcard address");
        }
    }

    @Override
    protected void listen(int backlog) throws IOException {
        throw new SocketException("a client socket cannot listen; use the server socket factory");
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        throw new SocketException("a client socket cannot accept; use the server socket factory");
    }

    @Override
    protected InputStream getInputStream() throws IOException {
        connected();
        return in;
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        connected();
        return out;
    }

    @Override
    protected int available() throws IOException {
        return connected().available();
    }

    @Override
    protected void shutdownInput() throws IOException {
        connected().shutdownInput();
    }

    @Override
    protected void shutdownOutput() throws IOException {
        connected().shutdownOutput();
    }

    @Override
    protected boolean supportsUrgentData() {
        return false;
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data is not supported by mp2p streams");
    }

    @Override
    protected void close() {
        ByteStream s;
        CompletableFuture<ByteStream> f;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            s = stream;
            f = pending;
        }
        if (f != null) {
            f.cancel(false);
        }
        if (s != null) {
            if (options.abortOnClose()) {
                s.abort();
            } else {
                s.close();
            }
        }
    }

    private ByteStream connected() throws SocketException {
        synchronized (lock) {
            checkOpen();
            if (stream == null) {
                throw new SocketException("Socket is not connected");
            }
            return stream;
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void checkOpen() throws SocketException {
        if (closed) {
            throw new SocketException(CLOSED);
        }
    }

    // ------------------------------------------------------------------ options

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        checkOpenLocked();
        options.set(optID, value);
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        checkOpenLocked();
        if (optID == SocketOptions.SO_BINDADDR) {
            InetAddress local = localAddress;
            return local != null ? local : new InetSocketAddress(NO_PORT).getAddress();
        }
        return options.get(optID);
    }

    @Override
    protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
        checkOpenLocked();
        options.set(name, value);
    }

    @Override
    protected <T> T getOption(SocketOption<T> name) throws IOException {
        checkOpenLocked();
        return options.get(name);
    }

    @Override
    protected Set<SocketOption<?>> supportedOptions() {
        return options.supported();
    }

    private void checkOpenLocked() throws SocketException {
        if (isClosed()) {
            throw new SocketException(CLOSED);
        }
    }

    static void checkRange(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
    }

    @Override
    public String toString() {
        PeerKey p = peer;
        return "mp2p stream socket[peer=" + (p == null ? "none" : p.hostName()) + ",port=" + port + ",localport="
                + localport + "]";
    }

    /** Reads the stream with the socket's SO_TIMEOUT. */
    private final class StreamInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n > 0 ? Byte.toUnsignedInt(one[0]) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            checkRange(b, off, len);
            if (len == 0) {
                return 0;
            }
            ByteStream s = connected();
            try {
                return s.read(b, off, len, java.time.Duration.ofMillis(options.soTimeout()));
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                throw closedOr(e);
            }
        }

        @Override
        public int available() throws IOException {
            return connected().available();
        }

        @Override
        public void close() {
            // java.net.Socket's own stream wrapper closes the socket; nothing is held here.
        }
    }

    /** Writes the stream, blocking while its buffers are full. */
    private final class StreamOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkRange(b, off, len);
            if (len == 0) {
                return;
            }
            ByteStream s = connected();
            try {
                s.write(b, off, len);
            } catch (IOException e) {
                throw closedOr(e);
            }
        }

        @Override
        public void close() {
            // As StreamInput.close.
        }
    }

    /** A call woken by this socket's own close says "Socket closed", whatever the stream said. */
    private IOException closedOr(IOException e) {
        if (isClosed()) {
            SocketException c = new SocketException(CLOSED);
            c.initCause(e);
            return c;
        }
        return e;
    }
}
