package io.mp2p.net.internal;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

import io.mp2p.identity.PeerKey;
import io.mp2p.net.PeerResolver;

/**
 * A client and a server with streams between them: what {@link SocketContract} and {@link OkHttpContract} run on.
 * {@link #memory()} is the in-memory stand-in; a world over real mp2p channels (two channels on lo) implements the
 * same five methods, and a subclass of each contract whose {@code newWorld()} returns it runs every test there.
 */
interface StreamWorld extends AutoCloseable {
    /** Each direction of an in-memory stream holds this much: small, so that large bodies exercise blocking. */
    int MEMORY_BUFFER_BYTES = 64 * 1024;

    /** Opens streams from the client's key. */
    StreamConnector clientConnector();

    /** Listens for streams to the server's key. */
    StreamAcceptor serverAcceptor();

    PeerKey clientKey();

    PeerKey serverKey();

    /** Names peers as the world's channels derive their groups. */
    PeerResolver resolver();

    /**
     * The most bytes one direction of a stream takes from a writer whose reader does not read (send buffer plus
     * receive window), for the test that writes block.
     */
    long maxBufferedBytes();

    /** Releases the world's channels and threads. */
    @Override
    void close();

    default SocketFactory socketFactory() {
        return new StreamSocketFactory(clientConnector(), resolver());
    }

    default ServerSocketFactory serverSocketFactory() {
        return new StreamServerSocketFactory(serverAcceptor(), resolver());
    }

    /** Two peers on an in-memory network with {@link #MEMORY_BUFFER_BYTES} per direction of a stream. */
    static StreamWorld memory() {
        io.mp2p.identity.Mp2pIdentity client = io.mp2p.identity.Mp2pIdentity.generate();
        io.mp2p.identity.Mp2pIdentity server = io.mp2p.identity.Mp2pIdentity.generate();
        PeerKey clientKey = client.publicKey();
        PeerKey serverKey = server.publicKey();
        client.destroy();
        server.destroy();
        PeerResolver resolver = PeerResolver.standard();
        MemoryStreams net = new MemoryStreams(MEMORY_BUFFER_BYTES, resolver);
        return new StreamWorld() {
            @Override
            public StreamConnector clientConnector() {
                return net.node(clientKey);
            }

            @Override
            public StreamAcceptor serverAcceptor() {
                return net.node(serverKey);
            }

            @Override
            public PeerKey clientKey() {
                return clientKey;
            }

            @Override
            public PeerKey serverKey() {
                return serverKey;
            }

            @Override
            public PeerResolver resolver() {
                return resolver;
            }

            @Override
            public long maxBufferedBytes() {
                return net.bufferBytes();
            }

            @Override
            public void close() {
                // Nothing runs: the streams are plain objects.
            }
        };
    }
}
