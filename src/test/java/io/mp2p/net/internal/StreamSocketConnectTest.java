package io.mp2p.net.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.net.PeerResolver;

/**
 * Connecting while the stream layer is slow: a connect timeout or a close from another thread (what OkHttp's
 * cancel does) ends {@code connect} at once and withdraws the request, and the connector's own error is the one
 * thrown.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamSocketConnectTest {
    private static final int SHORT_TIMEOUT_MILLIS = 100;
    private static final int PORT = 80;

    private final PeerResolver resolver = PeerResolver.standard();
    private final PeerKey peer = key();
    private final InetSocketAddress address = new InetSocketAddress(resolver.address(peer), PORT);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    /** Hands out the future it is given, and remembers what it was asked. */
    private static final class SlowConnector implements StreamConnector {
        final CompletableFuture<ByteStream> future;
        volatile PeerKey askedPeer;
        volatile int askedPort;

        SlowConnector(CompletableFuture<ByteStream> future) {
            this.future = future;
        }

        @Override
        public CompletableFuture<ByteStream> open(PeerKey p, InetAddress peerAddress, int port) {
            askedPeer = p;
            askedPort = port;
            return future;
        }

        @Override
        public InetAddress localAddress() {
            return InetAddress.getLoopbackAddress();
        }
    }

    private static PeerKey key() {
        Mp2pIdentity id = Mp2pIdentity.generate();
        try {
            return id.publicKey();
        } finally {
            id.destroy();
        }
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void aConnectTimeoutWithdrawsTheRequestAndClosesTheSocket() throws Exception {
        SlowConnector c = new SlowConnector(new CompletableFuture<>());
        Socket s = new StreamSocketFactory(c, resolver).createSocket();
        assertThrows(SocketTimeoutException.class, () -> s.connect(address, SHORT_TIMEOUT_MILLIS));
        assertTrue(c.future.isCancelled(), "the stream layer is told to give up");
        assertTrue(s.isClosed());
        assertEquals(peer, c.askedPeer);
        assertEquals(PORT, c.askedPort);
    }

    @Test
    void closeFromAnotherThreadEndsAConnectAtOnce() throws Exception {
        SlowConnector c = new SlowConnector(new CompletableFuture<>());
        Socket s = new StreamSocketFactory(c, resolver).createSocket();
        CompletableFuture<Thread> connecting = new CompletableFuture<>();
        Future<?> connect = threads.submit(() -> {
            connecting.complete(Thread.currentThread());
            s.connect(address);   // no timeout: only the close can end it
            return null;
        });
        WorldFixture.awaitParked(connecting.get(WorldFixture.WAIT_SECONDS, TimeUnit.SECONDS));
        s.close();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> connect.get(WorldFixture.WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof SocketException, String.valueOf(e.getCause()));
        assertTrue(c.future.isCancelled());
    }

    @Test
    void theConnectorsErrorIsTheOneThrown() throws Exception {
        ConnectException refused = new ConnectException("Connection refused: nothing listens there");
        SlowConnector c = new SlowConnector(CompletableFuture.failedFuture(refused));
        Socket s = new StreamSocketFactory(c, resolver).createSocket();
        assertSame(refused, assertThrows(ConnectException.class, () -> s.connect(address, SHORT_TIMEOUT_MILLIS)));
        assertTrue(s.isClosed());
    }
}
