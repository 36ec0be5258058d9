package io.mp2p.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;

import org.apache.commons.net.DatagramSocketFactory;
import org.apache.commons.net.echo.EchoUDPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.ChannelOptions;
import io.mp2p.LoopbackPorts;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.provider.IdentityKeyManager;
import io.mp2p.provider.Mp2pProvider;
import io.mp2p.provider.SecureChannelContext;

/**
 * A real third-party UDP client, Apache Commons Net's {@link EchoUDPClient}, unmodified, given mp2p sockets through
 * its {@code DatagramSocketFactory}; the server is an echo loop written against {@code DatagramSocket} and given a
 * {@link SecureDatagramSocket}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommonsNetEchoTest {
    /** An RFC 862 echo server, written against DatagramSocket only; records who it heard from. */
    private static void echo(DatagramSocket socket, List<InetAddress> senders) {
        byte[] buf = new byte[4096];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        try {
            while (true) {
                socket.receive(packet);
                senders.add(packet.getAddress());
                socket.send(new DatagramPacket(packet.getData(), packet.getOffset(), packet.getLength(),
                        packet.getSocketAddress()));
                packet.setLength(buf.length);
            }
        } catch (SocketException closed) {
            // Closed by the test.
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void echoUdpClientRunsOverMp2p() throws Exception {
        int port = LoopbackPorts.free();
        ChannelOptions options = ChannelOptions.builder().networkInterface("lo").ttl(0).port(port).build();
        Mp2pIdentity server = Mp2pIdentity.generate();
        Mp2pIdentity client = Mp2pIdentity.generate();
        SecureChannelContext ctx = SecureChannelContext.getInstance("mp2p", new Mp2pProvider());
        ctx.init(new KeyManager[] {IdentityKeyManager.of(client)}, null, null);
        SecureDatagramSocketFactory mp2p = ctx.getDatagramSocketFactory(options);
        // The adapter README shows: Commons Net's interface, delegated method for method.
        DatagramSocketFactory adapter = new DatagramSocketFactory() {
            @Override
            public DatagramSocket createDatagramSocket() throws SocketException {
                return mp2p.createDatagramSocket();
            }

            @Override
            public DatagramSocket createDatagramSocket(int p) throws SocketException {
                return mp2p.createDatagramSocket(p);
            }

            @Override
            public DatagramSocket createDatagramSocket(int p, InetAddress laddr) throws SocketException {
                return mp2p.createDatagramSocket(p, laddr);
            }
        };

        List<InetAddress> senders = new CopyOnWriteArrayList<>();
        try (SecureDatagramSocket serverSocket = SecureDatagramSocket.open(server, options)) {
            Thread t = new Thread(() -> echo(serverSocket, senders), "echo-server");
            t.start();
            InetSocketAddress serverAddress = (InetSocketAddress) serverSocket.getLocalSocketAddress();

            EchoUDPClient echo = new EchoUDPClient();
            echo.setDatagramSocketFactory(adapter);
            echo.setDefaultTimeout(5000);
            echo.open();
            try {
                assertEquals(port, echo.getLocalPort(), "the client's socket came from our factory");
                for (int i = 0; i < 5; i++) {
                    byte[] data = ("echo #" + i + " over mp2p").getBytes(StandardCharsets.UTF_8);
                    echo.send(data, data.length, serverAddress.getAddress(), serverAddress.getPort());
                    byte[] back = new byte[data.length];
                    int n = echo.receive(back, back.length);
                    assertEquals(data.length, n);
                    assertArrayEquals(data, back);
                }
            } finally {
                echo.close();
            }
            serverSocket.close();
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertEquals(5, senders.size());
        for (InetAddress from : senders) {
            PeerKey sender = PeerAddresses.peerKey(from).orElseThrow();
            assertEquals(client.publicKey(), sender, "the server saw the client's authenticated key");
        }
        assertTrue(senders.get(0).isMulticastAddress(), "a peer's address is its group");
    }
}
