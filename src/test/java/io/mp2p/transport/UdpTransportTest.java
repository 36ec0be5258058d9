package io.mp2p.transport;

import io.mp2p.TransportMetrics;

import io.mp2p.IpFamily;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.mp2p.LoopbackPorts;

/** The UDP layer on the loopback interface (TTL 0: nothing leaves the host). */
class UdpTransportTest {
    private static final byte FLOOD = 'F';
    private static final byte REPLY = 'R';

    @Test
    void aFloodOnTheGroupDoesNotStarveTheUnicastSocket() throws Exception {
        NetworkInterface lo = InterfaceSelector.select("lo", IpFamily.IPV4);
        InetAddress group = InetAddress.getByName("239.192.77.78");
        int port = LoopbackPorts.free();
        int flood = 2000;
        try (UdpTransport t = UdpTransport.open(new UdpTransport.Settings(lo, IpFamily.IPV4, group, port, 0, true,
                Duration.ofSeconds(60)));
             DatagramChannel attacker = DatagramChannel.open(StandardProtocolFamily.INET)) {
            attacker.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
            attacker.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
            attacker.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            for (int i = 0; i < flood; i++) {
                attacker.send(ByteBuffer.wrap(new byte[] {FLOOD}), new InetSocketAddress(group, port));
            }
            // The cookie reply a node waits for arrives on its unicast socket, after the flood.
            attacker.send(ByteBuffer.wrap(new byte[] {REPLY}), t.unicastAddress());
            ByteBuffer buf = ByteBuffer.allocate(64);
            int reads = 0;
            boolean replySeen = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!replySeen && System.nanoTime() < deadline) {
                t.await(100);
                InetSocketAddress from = t.receive(buf.clear());
                if (from == null) {
                    continue;
                }
                reads++;
                replySeen = buf.get(0) == REPLY;
            }
            assertTrue(replySeen, "the unicast datagram was read");
            assertTrue(reads <= 2, "the unicast datagram waited behind " + (reads - 1) + " flood datagrams");
            assertEquals(reads, t.metrics().datagramsReceived());
        }
    }

    @Test
    void sendsAreCountedWhereTheKernelTookThem() throws Exception {
        NetworkInterface lo = InterfaceSelector.select("lo", IpFamily.IPV4);
        InetAddress group = InetAddress.getByName("239.192.77.79");
        int port = LoopbackPorts.free();
        try (UdpTransport t = UdpTransport.open(new UdpTransport.Settings(lo, IpFamily.IPV4, group, port, 0, true,
                Duration.ofSeconds(60)))) {
            for (int i = 0; i < 100; i++) {
                assertEquals(SendQueue.Result.SENT, t.send(ByteBuffer.allocate(1200), new InetSocketAddress(group, port)));
            }
            TransportMetrics m = t.metrics();
            assertEquals(100, m.datagramsSent());
            assertEquals(120_000, m.bytesSent());
            assertEquals(0, m.datagramsDropped() + m.sendErrors() + m.sendQueueLength());
            ByteBuffer buf = ByteBuffer.allocate(2000);
            int got = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (got < 100 && System.nanoTime() < deadline) {
                t.await(100);
                for (InetSocketAddress from; (from = t.receive(buf.clear())) != null; ) {
                    assertNotNull(from);
                    got++;
                }
            }
            assertEquals(100, got, "our own multicast looped back to our group socket");
        }
    }

    @Test
    void listensOnSeveralGroupsAndMovesToNewOnes() throws Exception {
        NetworkInterface lo = InterfaceSelector.select("lo", IpFamily.IPV4);
        InetAddress g1 = InetAddress.getByName("239.192.77.81");
        InetAddress g2 = InetAddress.getByName("239.192.77.82");
        InetAddress g3 = InetAddress.getByName("239.192.77.83");
        InetAddress g4 = InetAddress.getByName("239.192.77.84");
        int port = LoopbackPorts.free();
        try (UdpTransport t = UdpTransport.open(new UdpTransport.Settings(lo, IpFamily.IPV4, g1, port, 0, true,
                Duration.ofSeconds(60)));
             DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
            sender.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
            sender.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
            sender.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            t.listenOn(List.of(g2, g1, g3));
            assertEquals(List.of(g2, g1, g3), t.groups());
            assertEquals(new InetSocketAddress(g2, port), t.groupAddress());
            assertEquals(Set.of(1, 2, 3), tagsReceived(t, sender, port, g1, g2, g3, g4));

            // A day later: g1 is left, g4 joined; a datagram to g1 no longer arrives.
            t.listenOn(List.of(g3, g2, g4));
            assertEquals(new InetSocketAddress(g3, port), t.groupAddress());
            t.refreshMembership();
            assertEquals(Set.of(2, 3, 4), tagsReceived(t, sender, port, g1, g2, g3, g4));
            assertThrows(IllegalArgumentException.class, () -> t.listenOn(List.of(InetAddress.getByName("ff15::1"))));
            assertThrows(IllegalArgumentException.class, () -> t.listenOn(List.of()));
        }
    }

    /** Sends one datagram tagged i to each group gi (1-based) and returns the tags that arrived. */
    private static Set<Integer> tagsReceived(UdpTransport t, DatagramChannel sender, int port, InetAddress... groups)
            throws Exception {
        for (int i = 0; i < groups.length; i++) {
            sender.send(ByteBuffer.wrap(new byte[] {(byte) (i + 1)}), new InetSocketAddress(groups[i], port));
        }
        // A marker to a group we listen on (the first) closes the batch: loopback keeps the order.
        sender.send(ByteBuffer.wrap(new byte[] {0}), t.groupAddress());
        Set<Integer> tags = new HashSet<>();
        ByteBuffer buf = ByteBuffer.allocate(16);
        boolean done = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done && System.nanoTime() < deadline) {
            t.await(100);
            for (InetSocketAddress from; (from = t.receive(buf.clear())) != null; ) {
                if (buf.get(0) == 0) {
                    done = true;
                } else {
                    tags.add((int) buf.get(0));
                }
            }
        }
        assertTrue(done, "the marker arrived");
        return tags;
    }
}
