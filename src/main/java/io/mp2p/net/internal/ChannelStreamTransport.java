package io.mp2p.net.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.mp2p.ChannelOptions;
import io.mp2p.HandshakeTimeoutException;
import io.mp2p.Mp2pStream;
import io.mp2p.PeerRefusedException;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.StreamListener;
import io.mp2p.identity.PeerKey;
import io.mp2p.net.PeerAddresses;

/**
 * Sockets' streams over a {@link SecureMulticastChannel}: {@link StreamConnector#open} makes (or
 * reuses) the session with the peer and opens an {@link Mp2pStream} to the port; {@link #listen}
 * is {@link SecureMulticastChannel#listenStreams}. Many sockets to one peer share its session.
 */
public final class ChannelStreamTransport implements StreamConnector, StreamAcceptor, AutoCloseable {
    private final SecureMulticastChannel channel;
    private final ChannelOptions options;
    private final boolean ownsChannel;

    /** Streams over {@code channel}, opened with {@code options}; {@link #close} closes it if {@code ownsChannel}. */
    public ChannelStreamTransport(SecureMulticastChannel channel, ChannelOptions options, boolean ownsChannel) {
        this.channel = channel;
        this.options = options;
        this.ownsChannel = ownsChannel;
    }

    public SecureMulticastChannel channel() {
        return channel;
    }

    @Override
    public CompletableFuture<ByteStream> open(PeerKey peer, InetAddress peerAddress, int port) {
        CompletableFuture<ByteStream> result = new CompletableFuture<>();
        InetSocketAddress group = peerAddress == null ? null : new InetSocketAddress(peerAddress, options.peerPort());
        CompletableFuture<PeerSession> session = PeerAddresses.connect(channel, options, peer, group);
        result.whenComplete((s, e) -> {
            if (result.isCancelled()) {
                session.cancel(false);
            }
        });
        session.whenComplete((s, e) -> {
            if (e != null) {
                result.completeExceptionally(connectFailure(peer, e));
                return;
            }
            if (result.isDone()) {
                return;
            }
            try {
                Mp2pStream stream = s.openStream(port);
                if (!result.complete(new StreamAdapter(stream))) {
                    // The socket gave up (closed, or its connect timeout passed) meanwhile.
                    stream.abort();
                }
            } catch (IOException ex) {
                result.completeExceptionally(ex);
            }
        });
        return result;
    }

    private static IOException connectFailure(PeerKey peer, Throwable e) {
        if (e instanceof HandshakeTimeoutException h) {
            ConnectException c = new ConnectException("no answer from " + peer.toHex() + " after " + h.attempts()
                    + " handshake attempt(s): " + h.getMessage());
            c.initCause(h);
            return c;
        }
        if (e instanceof PeerRefusedException r) {
            ConnectException c = new ConnectException(r.getMessage());
            c.initCause(r);
            return c;
        }
        return e instanceof IOException io ? io : new IOException("could not reach " + peer.toHex() + ": " + e, e);
    }

    @Override
    public PortListener listen(int port, int backlog) throws IOException {
        StreamListener l = channel.listenStreams(port, backlog);
        return new PortListener() {
            @Override
            public int port() {
                return l.port();
            }

            @Override
            public ByteStream accept(Duration timeout) throws IOException {
                return new StreamAdapter(l.accept(timeout));
            }

            @Override
            public void close() {
                l.close();
            }
        };
    }

    @Override
    public InetAddress localAddress() {
        return PeerAddresses.address(channel.localKey(), channel.localGroup().getAddress());
    }

    @Override
    public void close() {
        if (ownsChannel) {
            channel.close();
        }
    }

    /** {@link Mp2pStream} already keeps {@link ByteStream}'s contract; this only names it so. */
    private record StreamAdapter(Mp2pStream s) implements ByteStream {
        @Override
        public int read(byte[] b, int off, int len, Duration timeout) throws IOException {
            return s.read(b, off, len, timeout);
        }

        @Override
        public int available() throws IOException {
            return s.available();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            s.write(b, off, len);
        }

        @Override
        public void shutdownOutput() throws IOException {
            s.shutdownOutput();
        }

        @Override
        public void shutdownInput() throws IOException {
            s.shutdownInput();
        }

        @Override
        public void close() {
            s.close();
        }

        @Override
        public void abort() {
            s.abort();
        }

        @Override
        public PeerKey peer() {
            return s.peer();
        }

        @Override
        public int localPort() {
            return s.localPort();
        }

        @Override
        public int remotePort() {
            return s.remotePort();
        }

        @Override
        public boolean isOpen() {
            return s.isOpen();
        }
    }
}
