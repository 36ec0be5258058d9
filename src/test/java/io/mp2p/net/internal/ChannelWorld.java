package io.mp2p.net.internal;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.mp2p.ChannelOptions;
import io.mp2p.LoopbackPorts;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.net.PeerResolver;
import io.mp2p.stream.StreamConfig;

/** Two real channels on the loopback interface (TTL 0), with streams between them: the contracts' real world. */
final class ChannelWorld implements StreamWorld {
    private final Mp2pIdentity client = Mp2pIdentity.generate();
    private final Mp2pIdentity server = Mp2pIdentity.generate();
    private final ChannelOptions options;
    private final ChannelStreamTransport clientSide;
    private final ChannelStreamTransport serverSide;

    ChannelWorld() {
        options = ChannelOptions.builder().networkInterface("lo").ttl(0).port(LoopbackPorts.free()).build();
        try {
            clientSide = new ChannelStreamTransport(SecureMulticastChannel.open(client, options), options, true);
            serverSide = new ChannelStreamTransport(SecureMulticastChannel.open(server, options), options, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public StreamConnector clientConnector() {
        return clientSide;
    }

    @Override
    public StreamAcceptor serverAcceptor() {
        return serverSide;
    }

    @Override
    public PeerKey clientKey() {
        return client.publicKey();
    }

    @Override
    public PeerKey serverKey() {
        return server.publicKey();
    }

    @Override
    public PeerResolver resolver() {
        return PeerResolver.of(options);
    }

    @Override
    public long maxBufferedBytes() {
        // The writer's send buffer plus the reader's stream window (spec/STREAMS.md §6.3).
        return StreamConfig.DEFAULT_SEND_BUFFER + StreamConfig.DEFAULT_STREAM_RECEIVE_WINDOW;
    }

    @Override
    public void close() {
        clientSide.close();
        serverSide.close();
        client.destroy();
        server.destroy();
    }
}
