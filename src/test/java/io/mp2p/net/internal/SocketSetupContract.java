package io.mp2p.net.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.net.SocketFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.net.Mp2pSockets;

/**
 * Making, connecting, naming and configuring mp2p sockets and server sockets: every factory overload, the
 * addresses and peer keys both ends report, the options libraries set, and the errors for wrong addresses.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class SocketSetupContract extends WorldFixture {
    private static final int SHORT_TIMEOUT_MILLIS = 100;
    /** A fixed port for the bind tests, far from where in-memory listeners pick theirs. */
    private static final int FIXED_PORT = 8080;
    private static final int BACKLOG = 5;

    @Test
    void anUnconnectedSocketConnectsWithATimeoutAndBothEndsNameEachOther() throws Exception {
        Future<Socket> accepted = acceptAsync();
        Socket client = world.socketFactory().createSocket();
        assertFalse(client.isConnected());
        assertFalse(client.isBound());
        client.setSoTimeout(SHORT_TIMEOUT_MILLIS);   // OkHttp sets it before connecting
        client.connect(serverAddress, CONNECT_TIMEOUT_MILLIS);
        Socket s = await(accepted);
        assertTrue(client.isConnected() && client.isBound() && s.isConnected() && s.isBound());
        assertEquals(SHORT_TIMEOUT_MILLIS, client.getSoTimeout());

        String serverName = world.serverKey().hostName();
        String clientName = world.clientKey().hostName();
        assertEquals(serverName, client.getInetAddress().getHostName(), "named without any lookup");
        assertEquals(serverAddress, client.getRemoteSocketAddress());
        assertEquals(server.getLocalPort(), client.getPort());
        assertEquals(clientName, client.getLocalAddress().getHostName());
        assertTrue(client.getLocalPort() > 0);

        assertEquals(clientName, s.getInetAddress().getHostName());
        assertEquals(client.getLocalPort(), s.getPort());
        assertEquals(server.getLocalPort(), s.getLocalPort());
        assertEquals(serverName, s.getLocalAddress().getHostName());
        assertEquals(new InetSocketAddress(s.getInetAddress(), s.getPort()), s.getRemoteSocketAddress());

        assertEquals(Optional.of(world.serverKey()), Mp2pSockets.peerKey(client), "the client knows the server");
        assertEquals(Optional.of(world.clientKey()), Mp2pSockets.peerKey(s), "the server knows the client");
        assertTrue(Mp2pSockets.isMp2pSocket(client) && Mp2pSockets.isMp2pSocket(s));
        client.close();
        s.close();
        assertEquals(Optional.of(world.serverKey()), Mp2pSockets.peerKey(client), "still known after close");
        assertTrue(client.isClosed());
        assertTrue(client.isConnected(), "as java.net: a closed socket still says it was connected");
    }

    @Test
    void otherSocketsHaveNoPeerKey() {
        assertEquals(Optional.empty(), Mp2pSockets.peerKey(new Socket()));
        assertFalse(Mp2pSockets.isMp2pSocket(new Socket()));
    }

    @Test
    void everyCreateSocketOverloadConnects() throws Exception {
        SocketFactory f = world.socketFactory();
        String host = world.serverKey().hostName();
        InetAddress address = serverAddress.getAddress();
        int port = serverAddress.getPort();
        InetAddress wildcard = new InetSocketAddress(0).getAddress();
        List<SocketMaker> makers = List.of(
                () -> f.createSocket(host, port),
                () -> f.createSocket(host.toUpperCase(java.util.Locale.ROOT), port),
                () -> f.createSocket(address, port),
                () -> f.createSocket(host, port, null, 0),
                () -> f.createSocket(address, port, wildcard, 0),
                () -> f.createSocket(address, port, world.clientConnector().localAddress(), 0));
        for (SocketMaker m : makers) {
            Future<Socket> accepted = acceptAsync();
            try (Socket c = m.make(); Socket s = await(accepted)) {
                assertTrue(c.isConnected());
                c.getOutputStream().write(7);
                assertEquals(7, s.getInputStream().read());
                s.getOutputStream().write(8);
                assertEquals(8, c.getInputStream().read());
                assertEquals(Optional.of(world.clientKey()), Mp2pSockets.peerKey(s));
            }
        }
    }

    @FunctionalInterface
    private interface SocketMaker {
        Socket make() throws IOException;
    }

    @Test
    void aClientSocketTakesNoLocalPortOfItsOwn() {
        SocketFactory f = world.socketFactory();
        assertThrows(BindException.class, () -> f.createSocket(serverAddress.getAddress(), serverAddress.getPort(),
                null, FIXED_PORT));
        assertThrows(BindException.class, () -> f.createSocket(serverAddress.getAddress(), serverAddress.getPort(),
                InetAddress.getLoopbackAddress(), 0));
    }

    @Test
    void aPortNobodyListensOnRefusesTheStream() throws Exception {
        int closedPort = server.getLocalPort() + 1;
        Socket s = world.socketFactory().createSocket();
        try {
            s.connect(new InetSocketAddress(serverAddress.getAddress(), closedPort), CONNECT_TIMEOUT_MILLIS);
            // The stream layer may only learn of the refusal once the stream's first frame arrives there:
            // the first write or the first read after it fails, as on a TCP connection that was reset.
            assertThrows(IOException.class, () -> {
                s.getOutputStream().write(1);
                s.getInputStream().read();
            });
        } catch (ConnectException e) {
            assertTrue(s.isClosed(), "a socket whose connect failed is closed");
        } finally {
            s.close();
        }
    }

    @Test
    void aPlainAddressIsNoPeer() throws IOException {
        Socket s = world.socketFactory().createSocket();
        NoRouteToHostException e = assertThrows(NoRouteToHostException.class,
                () -> s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 80), CONNECT_TIMEOUT_MILLIS));
        assertTrue(e.getMessage().contains("not an mp2p peer address"), e.getMessage());
        assertTrue(s.isClosed());
        assertThrows(UnknownHostException.class, () -> world.socketFactory().createSocket("example.com", 80),
                "no DNS: only <base32>.mp2p names");
    }

    @Test
    void anUnresolvedPeerNameConnects() throws Exception {
        Future<Socket> accepted = acceptAsync();
        try (Socket c = world.socketFactory().createSocket()) {
            c.connect(InetSocketAddress.createUnresolved(world.serverKey().hostName(), serverAddress.getPort()),
                    CONNECT_TIMEOUT_MILLIS);
            await(accepted).close();
            assertEquals(world.serverKey().hostName(), c.getInetAddress().getHostName());
        }
    }

    @Test
    void optionsAreKeptAndReported() throws Exception {
        Socket[] p = pair();
        for (Socket s : p) {
            s.setTcpNoDelay(true);
            assertTrue(s.getTcpNoDelay());
            s.setKeepAlive(true);
            assertTrue(s.getKeepAlive());
            s.setSoLinger(true, 7);
            assertEquals(7, s.getSoLinger());
            s.setSoLinger(false, 0);
            assertEquals(-1, s.getSoLinger());
            s.setReceiveBufferSize(1000);
            assertEquals(1000, s.getReceiveBufferSize());
            s.setSendBufferSize(2000);
            assertEquals(2000, s.getSendBufferSize());
            s.setTrafficClass(0x10);
            assertEquals(0x10, s.getTrafficClass());
            s.setReuseAddress(true);
            assertTrue(s.getReuseAddress());
            s.setOOBInline(true);
            assertTrue(s.getOOBInline());
            s.setOption(StandardSocketOptions.TCP_NODELAY, false);
            assertEquals(false, s.getOption(StandardSocketOptions.TCP_NODELAY));
            s.setOption(StandardSocketOptions.SO_LINGER, 3);
            assertEquals(3, s.getOption(StandardSocketOptions.SO_LINGER));
            assertTrue(s.supportedOptions().containsAll(List.of(StandardSocketOptions.TCP_NODELAY,
                    StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_LINGER)));
            assertThrows(UnsupportedOperationException.class,
                    () -> s.setOption(StandardSocketOptions.SO_REUSEPORT, true), "as the JDK's sockets do");
            assertThrows(SocketException.class, () -> s.sendUrgentData(1));
            s.close();
            assertThrows(SocketException.class, () -> s.setTcpNoDelay(true), "a closed socket has no options");
        }
    }

    @Test
    void serverSocketOverloadsBindAndReport() throws Exception {
        var f = world.serverSocketFactory();
        try (ServerSocket unbound = f.createServerSocket()) {
            assertFalse(unbound.isBound());
            assertEquals(-1, unbound.getLocalPort());
            unbound.setReuseAddress(false);   // MockWebServer does this before binding
            unbound.bind(null);
            assertTrue(unbound.isBound());
            assertTrue(unbound.getLocalPort() > 0, "port 0 picks a free one");
            assertEquals(world.serverKey().hostName(), unbound.getInetAddress().getHostName());
        }
        try (ServerSocket a = f.createServerSocket(FIXED_PORT)) {
            assertEquals(FIXED_PORT, a.getLocalPort());
            assertThrows(BindException.class, () -> f.createServerSocket(FIXED_PORT), "the port is taken");
        }
        try (ServerSocket b = f.createServerSocket(FIXED_PORT, BACKLOG)) {
            assertEquals(FIXED_PORT, b.getLocalPort(), "free again once the first closed");
        }
        try (ServerSocket c = f.createServerSocket(0, BACKLOG, world.serverAcceptor().localAddress())) {
            assertTrue(c.isBound());
        }
        assertThrows(BindException.class, () -> f.createServerSocket(0, BACKLOG, InetAddress.getLoopbackAddress()),
                "a server socket listens at its own peer address only");
    }

    @Test
    void acceptHonoursSoTimeoutAndCloseWakesIt() throws Exception {
        server.setSoTimeout(SHORT_TIMEOUT_MILLIS);
        assertEquals(SHORT_TIMEOUT_MILLIS, server.getSoTimeout());
        assertThrows(SocketTimeoutException.class, server::accept);
        server.setSoTimeout(0);
        CompletableFuture<Thread> acceptor = new CompletableFuture<>();
        Future<Socket> accept = threads.submit(() -> {
            acceptor.complete(Thread.currentThread());
            return server.accept();
        });
        awaitParked(await(acceptor));
        server.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(accept));
        assertTrue(e.getCause() instanceof SocketException, "accept woken by close: " + e.getCause());
        assertTrue(server.isClosed());
    }

    @Test
    void closingTheServerSocketLeavesAcceptedSocketsOpen() throws Exception {
        Socket[] p = pair();
        server.close();
        p[0].getOutputStream().write(9);
        assertEquals(9, p[1].getInputStream().read());
        p[0].close();
        p[1].close();
    }
}
