package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

import org.apache.commons.net.DatagramSocketFactory;
import org.apache.commons.net.echo.EchoUDPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.net.PeerAddresses;
import io.mp2p.net.SecureDatagramSocket;
import io.mp2p.net.SecureDatagramSocketFactory;
import io.mp2p.provider.IdentityKeyManager;
import io.mp2p.provider.PeerTrustManager;
import io.mp2p.provider.SecureChannelContext;
import io.mp2p.provider.SecureChannelEngine;

/**
 * The snippets of README.md's "Using mp2p from existing code", compiled and run. Each test method says which block
 * it mirrors; the lines between "README block" and "end of block" are the README's, except that files live in the
 * test's temporary folder. Everything runs on lo with TTL 0.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeSnippetsTest {
    private static final String PASSWORD = "readme-password";

    @TempDir
    Path dir;

    private final Mp2pIdentity me = Mp2pIdentity.generate();
    private final Mp2pIdentity server = Mp2pIdentity.generate();
    private final PeerKey serverKey = server.publicKey();
    /** Blocking tasks get threads of their own: the common pool may have a single thread on 2 cores. */
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private ChannelOptions options;
    private SecureChannelContext ctx;

    @BeforeEach
    void context() throws Exception {
        options = ChannelOptions.builder().networkInterface("lo").ttl(0).port(LoopbackPorts.free()).build();
        ctx = SecureChannelContext.getInstance("mp2p");
        ctx.init(new KeyManager[] {IdentityKeyManager.of(me)}, null, null);
    }

    @AfterEach
    void wipe() {
        threads.shutdownNow();
        me.destroy();
        server.destroy();
    }

    /** Mirrors the first block: "Through the JCA". */
    @Test
    void throughTheJca() throws Exception {
        me.savePkcs12(dir.resolve("node.p12"), PASSWORD.toCharArray(), false);
        Files.writeString(dir.resolve("allowed_peers"), serverKey.toHex() + "   # the server\n");
        char[] password = PASSWORD.toCharArray();
        // README block
        SecureChannelContext ctx = SecureChannelContext.getInstance("mp2p");
        try {
            ctx.init(new KeyManager[] {IdentityKeyManager.fromPkcs12(dir.resolve("node.p12"), password)},
                     new TrustManager[] {PeerTrustManager.allowList(dir.resolve("allowed_peers"))},
                     null);
        } finally {
            Arrays.fill(password, '\0');
        }
        SecureMulticastChannel channel = ctx.openChannel(options);   // or createDatagramSocket, createEngine
        // end of block
        try (channel) {
            assertEquals(me.publicKey(), channel.localKey(), "the identity came from the PKCS12 store");
            assertTrue(Arrays.equals(new char[PASSWORD.length()], password), "the password was cleared");
        }
    }

    /** An echo server written against DatagramSocket, on an mp2p socket for the server identity. */
    private CompletableFuture<Void> echoServer(DatagramSocket socket) {
        return CompletableFuture.runAsync(() -> {
            byte[] buf = new byte[2048];
            try {
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] answer = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8)
                            .toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
                    socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                }
            } catch (SocketException closed) {
                // The test is over.
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, threads);
    }

    /** Mirrors the second block: "As a java.net.DatagramSocket". */
    @Test
    void asADatagramSocket() throws Exception {
        try (SecureDatagramSocket serverSocket = SecureDatagramSocket.open(server, options)) {
            CompletableFuture<Void> running = echoServer(serverSocket);
            PeerKey from;
            DatagramPacket reply;
            // README block
            try (DatagramSocket socket = ctx.createDatagramSocket(options)) {
                InetSocketAddress server = PeerAddresses.socketAddress(serverKey, IpFamily.IPV4, options.port());
                byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(hello, hello.length, server));      // starts the handshake
                reply = new DatagramPacket(new byte[2048], 2048);
                socket.setSoTimeout(5000);
                socket.receive(reply);                                             // SocketTimeoutException if none
                from = PeerAddresses.peerKey(reply.getAddress()).orElseThrow();   // authenticated sender
            }
            // end of block
            assertEquals(serverKey, from);
            assertEquals("HELLO", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
            serverSocket.close();
            running.get(10, TimeUnit.SECONDS);
        }
    }

    /** Mirrors the third block: "Libraries that take a socket factory". */
    @Test
    void commonsNetThroughTheFactory() throws Exception {
        try (SecureDatagramSocket serverSocket = SecureDatagramSocket.open(server, options)) {
            CompletableFuture<Void> running = echoServer(serverSocket);
            InetSocketAddress server = PeerAddresses.socketAddress(serverKey, IpFamily.IPV4, options.port());
            byte[] data = "via commons net".getBytes(StandardCharsets.UTF_8);
            // README block
            SecureDatagramSocketFactory mp2p = ctx.getDatagramSocketFactory(options);
            EchoUDPClient client = new EchoUDPClient();
            client.setDatagramSocketFactory(new DatagramSocketFactory() {
                public DatagramSocket createDatagramSocket() throws SocketException { return mp2p.createDatagramSocket(); }
                public DatagramSocket createDatagramSocket(int port) throws SocketException { return mp2p.createDatagramSocket(port); }
                public DatagramSocket createDatagramSocket(int port, InetAddress laddr) throws SocketException {
                    return mp2p.createDatagramSocket(port, laddr);
                }
            });
            client.open();
            client.send(data, data.length, server.getAddress(), server.getPort());
            // end of block
            try {
                client.setSoTimeout(5000);
                byte[] back = new byte[data.length];
                assertEquals(data.length, client.receive(back));
                assertEquals("VIA COMMONS NET", new String(back, StandardCharsets.UTF_8));
            } finally {
                client.close();
            }
            serverSocket.close();
            running.get(10, TimeUnit.SECONDS);
        }
    }

    /** The README's {@code transport}: one unicast UDP socket on lo, to the server channel's group. */
    private static final class Transport implements AutoCloseable {
        private static final long POLL_MILLIS = 50;
        private final DatagramChannel udp;
        private final Selector selector;
        private final InetSocketAddress to;

        Transport(InetSocketAddress to) throws IOException {
            this.to = to;
            udp = DatagramChannel.open(StandardProtocolFamily.INET);
            udp.setOption(StandardSocketOptions.IP_MULTICAST_IF, NetworkInterface.getByName("lo"));
            udp.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
            udp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            udp.configureBlocking(false);
            selector = Selector.open();
            udp.register(selector, SelectionKey.OP_READ);
        }

        void send(ByteBuffer datagram) throws IOException {
            udp.send(datagram, to);
        }

        ByteBuffer receive(Duration timeout) throws IOException {
            long millis = timeout == null ? POLL_MILLIS : Math.max(1, Math.min(POLL_MILLIS, timeout.toMillis()));
            selector.select(millis);
            selector.selectedKeys().clear();
            ByteBuffer b = ByteBuffer.allocate(65_536);
            return udp.receive(b) == null ? null : b.flip();
        }

        @Override
        public void close() throws IOException {
            selector.close();
            udp.close();
        }
    }

    private SecureChannelEngine engine;
    private byte[] handled;

    /** The README's {@code handle}: keeps the reply, then ends the session so that the loop ends. */
    private void handle(ByteBuffer message) {
        handled = new byte[message.remaining()];
        message.get(handled);
        engine.closeOutbound();
    }

    /** Mirrors the fourth block: "Bring your own transport". */
    @Test
    void bringYourOwnTransport() throws Exception {
        try (SecureMulticastChannel serverChannel = SecureMulticastChannel.open(server, options);
             Transport transport = new Transport(serverChannel.localGroup())) {
            CompletableFuture<Void> answering = CompletableFuture.runAsync(() -> {
                try {
                    PeerSession s = serverChannel.accept(Duration.ofSeconds(10));
                    s.send(new String(s.receive(), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT)
                            .getBytes(StandardCharsets.UTF_8));
                } catch (InterruptedException | Mp2pException e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
            // README block
            SecureChannelEngine engine = ctx.createEngine(serverKey, true);       // true: this side starts
            this.engine = engine;
            ByteBuffer packet = ByteBuffer.allocate(engine.getPacketBufferSize());
            ByteBuffer message = ByteBuffer.allocate(engine.getApplicationBufferSize());
            engine.wrap(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), packet);   // held until the handshake is done
            transport.send(packet.flip());
            while (!engine.isClosed()) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> { packet.clear(); engine.wrap(ByteBuffer.allocate(0), packet); transport.send(packet.flip()); }
                    case NEED_TIMER -> engine.onTimer();
                    default -> {
                        ByteBuffer datagram = transport.receive(engine.timeUntilDeadline());   // null: time is up
                        if (datagram != null && engine.unwrap(datagram, message.clear()).bytesProduced() > 0) {
                            handle(message.flip());
                        }
                    }
                }
            }
            // end of block
            answering.get(10, TimeUnit.SECONDS);
            assertNotNull(handled);
            assertArrayEquals("HELLO".getBytes(StandardCharsets.UTF_8), handled);
        }
    }
}
