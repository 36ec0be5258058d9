package io.mp2p.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.mp2p.ChannelOptions;
import io.mp2p.LoopbackPorts;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.IpFamily;

/**
 * {@link UppercaseProtocol}, a program written purely against {@code java.net.DatagramSocket}, run once over plain
 * UDP sockets on 127.0.0.1 and once over {@link SecureDatagramSocket}s on lo (TTL 0), with the same assertions:
 * replies, the sender's address, truncation, timeouts, connect, errors on a closed or unreachable peer, close.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatagramDropInTest {
    /** What the program runs on: a server socket, a client socket, and where a closed port / silent peer is. */
    interface Sockets extends AutoCloseable {
        DatagramSocket server();

        DatagramSocket client() throws IOException;

        SocketAddress nobody();

        @Override
        void close();
    }

    static final class Plain implements Sockets {
        private final DatagramSocket server;

        Plain() throws IOException {
            server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }

        @Override
        public DatagramSocket server() {
            return server;
        }

        @Override
        public DatagramSocket client() throws IOException {
            return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }

        @Override
        public SocketAddress nobody() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), LoopbackPorts.free());
        }

        @Override
        public void close() {
            server.close();
        }

        @Override
        public String toString() {
            return "plain UDP";
        }
    }

    static final class Secure implements Sockets {
        private final int port = LoopbackPorts.free();
        private final ChannelOptions options = ChannelOptions.builder().networkInterface("lo").ttl(0).port(port)
                .connectTimeout(Duration.ofSeconds(2)).build();
        private final Mp2pIdentity bob = Mp2pIdentity.generate();
        private final DatagramSocket server;

        Secure() throws IOException {
            server = SecureDatagramSocket.open(bob, options);
        }

        @Override
        public DatagramSocket server() {
            return server;
        }

        @Override
        public DatagramSocket client() throws IOException {
            return SecureDatagramSocket.open(Mp2pIdentity.generate(), options);
        }

        @Override
        public SocketAddress nobody() {
            return PeerAddresses.socketAddress(Mp2pIdentity.generate().publicKey(), IpFamily.IPV4, port);
        }

        @Override
        public void close() {
            server.close();
        }

        @Override
        public String toString() {
            return "mp2p";
        }
    }

    static Stream<Arguments> sockets() {
        return Stream.of(Arguments.of(Named.of("plain UDP", (SocketsMaker) Plain::new)),
                Arguments.of(Named.of("mp2p SecureDatagramSocket", (SocketsMaker) Secure::new)));
    }

    @FunctionalInterface
    interface SocketsMaker {
        Sockets make() throws IOException;
    }

    /** Blocking tasks get threads of their own: the common pool may have a single thread on 2 cores. */
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private Sockets sockets;
    private CompletableFuture<Void> serverRun;

    private Sockets start(SocketsMaker maker) throws IOException {
        sockets = maker.make();
        serverRun = CompletableFuture.runAsync(() -> UppercaseProtocol.serve(sockets.server()), threads);
        return sockets;
    }

    @AfterEach
    void stop() throws Exception {
        if (sockets != null) {
            sockets.close();
            serverRun.get(10, TimeUnit.SECONDS);
        }
        threads.shutdownNow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sockets")
    void requestsGetReplies(SocketsMaker maker) throws Exception {
        Sockets s = start(maker);
        SocketAddress server = s.server().getLocalSocketAddress();
        assertNotNull(server, "a bound server reports its address");
        try (DatagramSocket client = s.client()) {
            client.setReceiveBufferSize(1 << 16);
            assertTrue(client.getReceiveBufferSize() >= 1 << 16);
            DatagramPacket first = UppercaseProtocol.ask(client, server, "hi", UppercaseProtocol.BUFFER);
            assertEquals("HI", UppercaseProtocol.text(first));
            assertEquals(server, first.getSocketAddress(), "the reply comes from the server's address");
            // The server reuses one packet: a longer question after a short one arrives whole.
            String longer = "hello, this is a longer question than the first one";
            assertEquals(longer.toUpperCase(), UppercaseProtocol.text(
                    UppercaseProtocol.ask(client, server, longer, UppercaseProtocol.BUFFER)));
            // A reply longer than the buffer is cut to the buffer, as UDP cuts it.
            DatagramPacket cut = UppercaseProtocol.ask(client, server, "abcdefghijklmnopqrstuvwxyz", 10);
            assertEquals(10, cut.getLength());
            assertEquals("ABCDEFGHIJ", UppercaseProtocol.text(cut));

            client.setSoTimeout(300);
            DatagramPacket none = new DatagramPacket(new byte[10], 10);
            assertThrows(SocketTimeoutException.class, () -> client.receive(none));
            assertThrows(IOException.class, () -> client.send(new DatagramPacket(new byte[70_000], 70_000, server)),
                    "a datagram over the size limit is refused");

            client.connect(server);
            assertTrue(client.isConnected());
            assertEquals("CONNECTED", UppercaseProtocol.text(
                    UppercaseProtocol.ask(client, null, "connected", UppercaseProtocol.BUFFER)));
            client.disconnect();
            assertEquals("AGAIN", UppercaseProtocol.text(
                    UppercaseProtocol.ask(client, server, "again", UppercaseProtocol.BUFFER)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sockets")
    void aConnectedSocketLearnsThatNobodyIsThere(SocketsMaker maker) throws Exception {
        Sockets s = start(maker);
        try (DatagramSocket client = s.client()) {
            client.connect(s.nobody());
            client.setSoTimeout(UppercaseProtocol.TIMEOUT_MILLIS);
            assertThrows(PortUnreachableException.class, () -> {
                client.send(new DatagramPacket(new byte[] {1}, 1));
                client.receive(new DatagramPacket(new byte[10], 10));
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sockets")
    void aConnectedSocketLearnsThatTheServerClosed(SocketsMaker maker) throws Exception {
        Sockets s = start(maker);
        SocketAddress server = s.server().getLocalSocketAddress();
        try (DatagramSocket client = s.client()) {
            client.connect(server);
            assertEquals("UP", UppercaseProtocol.text(UppercaseProtocol.ask(client, null, "up", 100)));
            s.server().close();
            // A plain socket's port is released only when its blocked receiver has left: wait for the server.
            serverRun.get(10, TimeUnit.SECONDS);
            assertThrows(PortUnreachableException.class, () -> {
                client.send(new DatagramPacket(new byte[] {1}, 1));
                client.receive(new DatagramPacket(new byte[10], 10));
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sockets")
    void closeWakesABlockedReceiveAndLaterCallsFail(SocketsMaker maker) throws Exception {
        Sockets s = start(maker);
        DatagramSocket client = s.client();
        client.setSoTimeout(0);
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                client.receive(new DatagramPacket(new byte[10], 10));
                return null;
            } catch (IOException e) {
                return e;
            }
        }, threads);
        // Let the receiver block first; if it has not yet, it finds the socket closed: the same outcome.
        Thread.sleep(200);
        client.close();
        assertTrue(blocked.get(10, TimeUnit.SECONDS) instanceof SocketException, "a blocked receive ends");
        assertTrue(client.isClosed());
        assertThrows(SocketException.class,
                () -> client.send(new DatagramPacket(new byte[1], 1, s.server().getLocalSocketAddress())));
        assertThrows(SocketException.class, () -> client.receive(new DatagramPacket(new byte[1], 1)));
    }
}
