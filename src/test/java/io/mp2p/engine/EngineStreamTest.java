package io.mp2p.engine;

import static io.mp2p.engine.SimNetwork.seconds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mp2p.engine.SimNetwork.Node;
import io.mp2p.stream.StreamConfig;
import io.mp2p.stream.StreamConnection;
import io.mp2p.stream.StreamEvent;

/**
 * Streams inside the engine (spec/STREAMS.md §11) on the simulated network: a stream opened before any
 * session exists, bytes through loss, reordering and duplication, across a rekey, a refused port.
 */
class EngineStreamTest {
    private static final int PORT = 80;

    private static Node listeningNode(SimNetwork net, String name) {
        return net.addNode(name, net.newIdentity(), c -> c.streams(StreamConfig.builder().portAcceptor(p -> p == PORT)));
    }

    /** Moves {@code data} from a to b over one stream, driving the network; returns what b read. */
    private static byte[] transfer(SimNetwork net, Node a, Node b, byte[] data, long limitNanos) {
        long id = a.engine.openStream(b.key(), PORT, net.now);
        assertTrue(id >= 0, "opened");
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int written = 0;
        boolean finished = false;
        long incoming = -1;
        boolean ended = false;
        long deadline = net.now + limitNanos;
        while (!ended && net.now - deadline < 0) {
            if (written < data.length) {
                int n = a.engine.streamWrite(b.key(), id, data, written, data.length - written, net.now);
                assertTrue(n >= 0, "write: " + n);
                written += n;
            } else if (!finished) {
                a.engine.streamFinish(b.key(), id, net.now);
                finished = true;
            }
            net.run(seconds(0.005));
            if (incoming < 0) {
                for (EngineEvent e : b.events) {
                    if (e instanceof EngineEvent.Stream s && s.event() instanceof StreamEvent.StreamOpened o) {
                        assertEquals(PORT, o.port());
                        incoming = o.streamId();
                    }
                }
            }
            if (incoming >= 0) {
                for (int n; (n = b.engine.streamRead(a.key(), incoming, buf, 0, buf.length, net.now)) != 0; ) {
                    if (n == StreamConnection.END_OF_STREAM) {
                        ended = true;
                        break;
                    }
                    assertTrue(n > 0, "read: " + n);
                    got.write(buf, 0, n);
                }
            }
        }
        assertTrue(ended, "the stream ended within the limit; " + got.size() + " of " + data.length + " bytes read");
        return got.toByteArray();
    }

    @Test
    void aStreamOpenedBeforeAnySessionCarriesBytesExactlyThroughLossReorderingAndDuplication() {
        SimNetwork net = new SimNetwork(2026);
        net.setDefaultLink(SimNetwork.LinkProfile.lossy(0.05, 0.02, 0.1));
        Node a = net.addNode("a");
        Node b = listeningNode(net, "b");
        byte[] data = new byte[2 << 20];
        new SplittableRandom(1).nextBytes(data);
        long start = net.now;
        byte[] got = transfer(net, a, b, data, seconds(120));
        assertArrayEquals(data, got);
        System.out.printf("engine stream: 2 MiB byte-exact through 5%% loss, 2%% duplication, 10%% reordering in"
                + " %.1f s simulated; %d handshake(s)%n", (net.now - start) / 1e9, a.engine.metrics().handshakesCompleted());
    }

    @Test
    void aStreamSurvivesRekeys() {
        SimNetwork net = new SimNetwork(7);
        Node a = net.addNode("a");
        Node b = listeningNode(net, "b");
        long id = a.engine.openStream(b.key(), PORT, net.now);
        net.run(seconds(1));
        long incoming = -1;
        for (EngineEvent e : b.events) {
            if (e instanceof EngineEvent.Stream s && s.event() instanceof StreamEvent.StreamOpened o) {
                incoming = o.streamId();
            }
        }
        byte[] buf = new byte[1024];
        int total = 0;
        // 400 s of a message every second: REKEY_AFTER_TIME (120 s) passes three times.
        for (int i = 0; i < 400; i++) {
            byte[] m = ("second " + i + "\n").getBytes();
            assertEquals(m.length, a.engine.streamWrite(b.key(), id, m, 0, m.length, net.now));
            net.run(seconds(1));
            if (incoming < 0) {
                for (EngineEvent e : b.events) {
                    if (e instanceof EngineEvent.Stream s && s.event() instanceof StreamEvent.StreamOpened o) {
                        incoming = o.streamId();
                    }
                }
            }
            for (int n; incoming >= 0 && (n = b.engine.streamRead(a.key(), incoming, buf, 0, buf.length, net.now)) > 0; ) {
                total += n;
            }
        }
        long expected = 0;
        for (int i = 0; i < 400; i++) {
            expected += ("second " + i + "\n").length();
        }
        assertEquals(expected, total, "every byte, in order of arrival, across rekeys");
        assertTrue(a.engine.metrics().handshakesCompleted() >= 3, "rekeys: " + a.engine.metrics().handshakesCompleted());
    }

    @Test
    void aStreamToAPortNobodyListensOnIsRefused() {
        SimNetwork net = new SimNetwork(9);
        Node a = net.addNode("a");
        Node b = net.addNode("b");   // accepts streams on no port
        long id = a.engine.openStream(b.key(), 8080, net.now);
        byte[] hello = "hello".getBytes();
        a.engine.streamWrite(b.key(), id, hello, 0, hello.length, net.now);
        net.run(seconds(2));
        List<StreamEvent> atA = a.events.stream().filter(e -> e instanceof EngineEvent.Stream)
                .map(e -> ((EngineEvent.Stream) e).event()).toList();
        assertTrue(atA.stream().anyMatch(e -> e instanceof StreamEvent.StopSending || e instanceof StreamEvent.StreamReset),
                "the opener learns the refusal: " + atA);
        assertTrue(b.events.stream().noneMatch(e -> e instanceof EngineEvent.Stream s
                && s.event() instanceof StreamEvent.StreamOpened), "nothing was opened at b");
    }
}
