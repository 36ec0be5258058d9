package io.mp2p.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.ChannelOptions;
import io.mp2p.LoopbackPorts;
import io.mp2p.PeerRefusedException;
import io.mp2p.PeerTrustPolicy;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.IpFamily;

/** What only an mp2p socket does: peer addresses, the handshake queue's bound, refusals, fixed TTL and groups. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecureDatagramSocketTest {
    private final int port = LoopbackPorts.free();
    private final ChannelOptions.Builder lo = ChannelOptions.builder().networkInterface("lo").ttl(0).port(port)
            .connectTimeout(Duration.ofSeconds(2));

    @Test
    void theLocalAddressIsOurPeerAddress() throws Exception {
        Mp2pIdentity me = Mp2pIdentity.generate();
        try (SecureDatagramSocket socket = SecureDatagramSocket.open(me, lo.build())) {
            InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
            assertEquals(me.publicKey().hostName(), local.getHostString());
            assertEquals(port, local.getPort());
            assertEquals(me.publicKey(), PeerAddresses.peerKey(local).orElseThrow());
            assertEquals(me.publicKey(), socket.localKey());
            assertThrows(SocketException.class, () -> socket.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 5),
                    "the TTL is fixed once bound");
            assertEquals(0, socket.getOption(StandardSocketOptions.IP_MULTICAST_TTL));
            assertThrows(SocketException.class, () -> socket.joinGroup(
                    new InetSocketAddress(InetAddress.getByName("224.0.230.1"), port), null));
        }
    }

    @Test
    void peerAddressesRoundTripWithoutDns() throws Exception {
        PeerKey key = Mp2pIdentity.generate().publicKey();
        InetSocketAddress v4 = PeerAddresses.socketAddress(key, IpFamily.IPV4, 4000);
        assertEquals(key.hostName(), v4.getHostString());
        assertTrue(v4.getAddress().isMulticastAddress());
        assertEquals(key, PeerAddresses.peerKey(v4.getAddress()).orElseThrow());
        assertEquals(key, PeerAddresses.peerKey(new InetSocketAddress(key.hostName(), 1)).orElseThrow(),
                "an unresolved address names the peer too");
        InetSocketAddress v6 = PeerAddresses.socketAddress(key, IpFamily.IPV6, 4000);
        assertEquals(16, v6.getAddress().getAddress().length);
        assertTrue(PeerAddresses.peerKey(InetAddress.getLoopbackAddress()).isEmpty());
        assertTrue(PeerAddresses.peerKey(InetAddress.getByAddress("example.mp2p", new byte[4])).isEmpty(),
                "a .mp2p name that is not a key");
    }

    @Test
    void onlyPeerAddressesCanBeSentTo() throws Exception {
        try (SecureDatagramSocket socket = SecureDatagramSocket.open(Mp2pIdentity.generate(), lo.build())) {
            NoRouteToHostException e = assertThrows(NoRouteToHostException.class, () -> socket.send(
                    new DatagramPacket(new byte[1], 1, InetAddress.getLoopbackAddress(), port)));
            assertTrue(e.getMessage().contains("not an mp2p peer address"), e.getMessage());
        }
    }

    @Test
    void datagramsWaitingForAHandshakeAreBounded() throws Exception {
        PeerKey silent = Mp2pIdentity.generate().publicKey();
        InetSocketAddress to = PeerAddresses.socketAddress(silent, IpFamily.IPV4, port);
        try (SecureDatagramSocket socket = SecureDatagramSocket.open(Mp2pIdentity.generate(),
                lo.connectTimeout(Duration.ofSeconds(30)).build())) {
            for (int i = 0; i < SecureDatagramSocketImpl.MAX_AWAITING_HANDSHAKE; i++) {
                socket.send(new DatagramPacket(new byte[] {(byte) i}, 1, to));
            }
            SocketException full = assertThrows(SocketException.class,
                    () -> socket.send(new DatagramPacket(new byte[1], 1, to)));
            assertTrue(full.getMessage().startsWith("No buffer space available"), full.getMessage());
        }
    }

    @Test
    void datagramsToASilentPeerAreDroppedAndCounted() throws Exception {
        PeerKey silent = Mp2pIdentity.generate().publicKey();
        InetSocketAddress to = PeerAddresses.socketAddress(silent, IpFamily.IPV4, port);
        try (SecureDatagramSocket socket = SecureDatagramSocket.open(Mp2pIdentity.generate(), lo.build())) {
            for (int i = 0; i < 3; i++) {
                socket.send(new DatagramPacket(new byte[] {(byte) i}, 1, to));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (socket.droppedDatagrams() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(3, socket.droppedDatagrams(), "dropped once the 2 s connect timeout passed");
        }
    }

    @Test
    void ourOwnTrustPolicyRefusesBeforeAnyPacket() throws Exception {
        PeerKey stranger = Mp2pIdentity.generate().publicKey();
        try (SecureDatagramSocket socket = SecureDatagramSocket.open(Mp2pIdentity.generate(),
                lo.trustPolicy(PeerTrustPolicy.allowList(List.of())).build())) {
            assertThrows(PeerRefusedException.class, () -> socket.send(new DatagramPacket(new byte[1], 1,
                    PeerAddresses.socketAddress(stranger, IpFamily.IPV4, port))));
        }
    }

    @Test
    void anUnboundSocketBindsOnFirstUse() throws Exception {
        try (SecureDatagramSocket socket = SecureDatagramSocket.open(Mp2pIdentity.generate(), lo.build(), null)) {
            assertEquals(null, socket.getLocalSocketAddress());
            socket.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
            socket.setSoTimeout(50);
            assertThrows(java.net.SocketTimeoutException.class,
                    () -> socket.receive(new DatagramPacket(new byte[1], 1)));
            assertEquals(port, socket.getLocalPort(), "port 0 means the configured port");
        }
    }
}
