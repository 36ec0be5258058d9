package io.mp2p.provider;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.ChannelClosedException;
import io.mp2p.ChannelOptions;
import io.mp2p.LoopbackPorts;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.provider.SecureChannelEngineResult.HandshakeStatus;

/**
 * A {@link SecureChannelEngine} driven by a hand-written UDP loop (the "custom transport") against a real
 * {@link SecureMulticastChannel}, on the loopback interface with TTL 0. The engine's datagrams go to the channel's
 * group from a unicast socket; the channel answers that socket's address (the initiation names no reply group).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineOverLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;

    /** The caller's own transport: one unicast UDP socket on lo, talking to one group. */
    private static final class Transport implements AutoCloseable {
        final DatagramChannel udp;
        final Selector selector;
        final InetSocketAddress peerGroup;

        Transport(InetSocketAddress peerGroup) throws Exception {
            this.peerGroup = peerGroup;
            udp = DatagramChannel.open(StandardProtocolFamily.INET);
            udp.setOption(StandardSocketOptions.IP_MULTICAST_IF, NetworkInterface.getByName("lo"));
            udp.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
            udp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            udp.configureBlocking(false);
            selector = Selector.open();
            udp.register(selector, SelectionKey.OP_READ);
        }

        @Override
        public void close() throws Exception {
            selector.close();
            udp.close();
        }
    }

    /** Runs the engine (wrap, send, receive, unwrap, timers) until {@code done}, handing messages to {@code out}. */
    private static void drive(SecureChannelEngine engine, Transport t, java.util.List<byte[]> out,
                              BooleanSupplier done) throws Exception {
        ByteBuffer packet = ByteBuffer.allocate(engine.getPacketBufferSize());
        ByteBuffer datagram = ByteBuffer.allocate(engine.getPacketBufferSize());
        ByteBuffer message = ByteBuffer.allocate(engine.getApplicationBufferSize());
        long giveUp = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < giveUp, "timed out; engine " + engine);
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    packet.clear();
                    engine.wrap(ByteBuffer.allocate(0), packet);
                    t.udp.send(packet.flip(), t.peerGroup);
                }
                case NEED_TIMER -> engine.onTimer();
                default -> {
                    Duration untilTimer = engine.timeUntilDeadline();
                    long wait = untilTimer == null ? POLL_MILLIS : Math.max(1, Math.min(POLL_MILLIS, untilTimer.toMillis()));
                    t.selector.select(wait);
                    t.selector.selectedKeys().clear();
                    datagram.clear();
                    while (t.udp.receive(datagram) != null) {
                        datagram.flip();
                        message.clear();
                        SecureChannelEngineResult r = engine.unwrap(datagram, message);
                        while (r.bytesProduced() > 0) {
                            out.add(java.util.Arrays.copyOf(message.array(), message.position()));
                            message.clear();
                            r = engine.unwrap(ByteBuffer.allocate(0), message);
                        }
                        datagram.clear();
                    }
                }
            }
        }
    }

    @Test
    void engineTalksToAChannel() throws Exception {
        Mp2pIdentity alice = Mp2pIdentity.generate();
        Mp2pIdentity bob = Mp2pIdentity.generate();
        ChannelOptions options = ChannelOptions.builder().networkInterface("lo").ttl(0).port(LoopbackPorts.free())
                .connectTimeout(WAIT).build();
        try (SecureMulticastChannel channel = SecureMulticastChannel.open(bob, options);
             Transport transport = new Transport(channel.localGroup());
             SecureChannelEngine engine = SecureChannelEngine.builder(alice, bob.publicKey()).clientMode(true)
                     .build()) {
            java.util.List<byte[]> received = new java.util.ArrayList<>();
            ByteBuffer packet = ByteBuffer.allocate(engine.getPacketBufferSize());
            byte[] hello = "hello bob, from an engine".getBytes(StandardCharsets.UTF_8);
            engine.wrap(ByteBuffer.wrap(hello), packet);
            transport.udp.send(packet.flip(), transport.peerGroup);

            drive(engine, transport, received, engine::isEstablished);
            // The held message goes out now, and confirms the session to bob's channel.
            drive(engine, transport, received, () -> engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP);
            PeerSession atBob = channel.accept(WAIT);
            assertNotNull(atBob, "bob's channel accepted the engine's handshake");
            assertEquals(alice.publicKey(), atBob.peer());
            assertArrayEquals(hello, atBob.receive(WAIT));

            byte[] big = new byte[20_000];
            new SplittableRandom(3).nextBytes(big);
            atBob.send("hi engine".getBytes(StandardCharsets.UTF_8));
            atBob.send(big);
            drive(engine, transport, received, () -> received.size() >= 2);
            assertEquals("hi engine", new String(received.get(0), StandardCharsets.UTF_8));
            assertArrayEquals(big, received.get(1), "a 20,000-byte message, reassembled by the engine");

            engine.closeOutbound();
            drive(engine, transport, received, () -> engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP);
            // receive(timeout) returns null on a timeout: only the peer's CLOSE makes it throw.
            assertThrows(ChannelClosedException.class, () -> atBob.receive(WAIT),
                    "bob's session is closed by the engine's CLOSE");
        }
    }
}
