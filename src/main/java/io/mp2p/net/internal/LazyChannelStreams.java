package io.mp2p.net.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.mp2p.ChannelOptions;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.address.GroupSchedule;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.net.PeerAddresses;

/**
 * The streams of a context's socket factories: one channel for the context's identity and options,
 * opened at the first socket that needs it and shared by the client and server factories (one identity
 * listens once on a port). It lives as long as the context; {@link #close()} ends it.
 */
public final class LazyChannelStreams implements StreamConnector, StreamAcceptor, AutoCloseable {
    private final Supplier<Mp2pIdentity> identity;
    private final ChannelOptions options;
    private ChannelStreamTransport transport;

    public LazyChannelStreams(Supplier<Mp2pIdentity> identity, ChannelOptions options) {
        this.identity = identity;
        this.options = options;
    }

    private synchronized ChannelStreamTransport transport() throws IOException {
        if (transport == null || transport.channel().isClosed()) {
            transport = new ChannelStreamTransport(SecureMulticastChannel.open(identity.get(), options), options, true);
        }
        return transport;
    }

    @Override
    public CompletableFuture<ByteStream> open(PeerKey peer, InetAddress peerAddress, int port) {
        try {
            return transport().open(peer, peerAddress, port);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public PortListener listen(int port, int backlog) throws IOException {
        return transport().listen(port, backlog);
    }

    @Override
    public InetAddress localAddress() {
        PeerKey me = identity.get().publicKey();
        if (options.group() != null) {
            return PeerAddresses.address(me, options.group());
        }
        return PeerAddresses.address(me, GroupSchedule.of(options.ipVersion().protocolFamily(), options.ipv6Scope(),
                !options.staticGroup()), Instant.now());
    }

    @Override
    public synchronized void close() {
        if (transport != null) {
            transport.close();
            transport = null;
        }
    }
}
