package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A peer that vanishes ends the connection at the configured idle timeout, never later (spec/STREAMS.md §6.4). */
class StreamTimeoutTest {
    private static final long IDLE = TimeUnit.SECONDS.toNanos(5);
    private static final StreamConfig CONFIG = StreamConfig.builder().idleTimeout(IDLE)
            .keepAliveInterval(TimeUnit.SECONDS.toNanos(2)).build();

    @Test
    void aPeerThatVanishesMidStreamTimesOutAtTheIdleTimeout() {
        SimPair sim = new SimPair(CONFIG, SimLink.Profile.tenMbit(0.01), 21);
        Transfers.install(sim.a);
        Transfers.install(sim.b);
        Transfers.Transfer t = Transfers.start(sim, sim.a, sim.b, 80, 1, 100L << 20);
        assertTrue(sim.runUntil(() -> t.read > (1 << 20), SimPair.seconds(60)));

        long vanished = sim.now;
        sim.b.alive = false; // B is gone: it neither receives nor sends
        sim.a.out.down = true;
        sim.b.out.down = true;
        assertTrue(sim.runUntil(() -> sim.a.conn.closeReason() != null, SimPair.seconds(3600)), "A never gave up");

        long closedAt = sim.timeOf(sim.a, StreamEvent.ConnectionClosed.class);
        assertEquals(List.of(new StreamEvent.ConnectionClosed(ConnectionError.IDLE_TIMEOUT)),
                sim.events(sim.a, StreamEvent.ConnectionClosed.class));
        // The timer runs from the last packet A received (B's packets already on the wire still arrive).
        assertEquals(sim.a.lastArrival + IDLE, closedAt);
        assertTrue(sim.a.lastArrival <= vanished + SimPair.seconds(0.011), "one-way delay 10 ms");
        assertEquals(StreamConnection.CONNECTION_CLOSED, sim.a.conn.write(t.writerId, new byte[1], 0, 1));
        assertEquals(StreamConstants.NO_TIMEOUT, sim.a.conn.pollTimeout(), "nothing more to do: no hang, no busy loop");
        System.out.printf("[stream] peer vanished mid-stream: IDLE_TIMEOUT %.0f ms after it vanished, %.0f ms after its"
                        + " last packet (idle timeout %d ms), %d PTOs meanwhile%n", SimPair.millis(closedAt - vanished),
                SimPair.millis(closedAt - sim.a.lastArrival), TimeUnit.NANOSECONDS.toMillis(IDLE),
                sim.a.conn.stats().ptoCount());
    }

    @Test
    void aQuietOpenStreamIsKeptAliveAndItsVanishedPeerDetected() {
        SimPair sim = new SimPair(CONFIG, SimLink.Profile.tenMbit(0), 22);
        long id = sim.a.conn.openStream(80);
        assertTrue(sim.runUntil(() -> !sim.events(sim.b, StreamEvent.StreamOpened.class).isEmpty(), SimPair.seconds(5)));
        // Nothing is written for a minute: PINGs keep the association alive past the idle timeout.
        sim.runUntil(() -> false, SimPair.seconds(60));
        assertEquals(null, sim.a.conn.closeReason());
        assertEquals(null, sim.b.conn.closeReason());
        assertTrue(sim.a.conn.stats().packetsSent() >= 60 / 2, "keepalive PINGs were sent");

        long vanished = sim.now;
        sim.b.alive = false;
        sim.a.out.down = true;
        assertTrue(sim.runUntil(() -> sim.a.conn.closeReason() != null, SimPair.seconds(3600)));
        long closedAt = sim.timeOf(sim.a, StreamEvent.ConnectionClosed.class);
        assertEquals(sim.a.lastArrival + IDLE, closedAt);
        assertTrue(sim.a.lastArrival <= vanished + SimPair.seconds(0.011), "one-way delay 10 ms");
        assertEquals(ConnectionError.IDLE_TIMEOUT, sim.a.conn.closeReason());
        assertEquals(StreamConnection.CONNECTION_CLOSED, sim.a.conn.read(id, new byte[1], 0, 1));
    }

    @Test
    void anAssociationWithoutStreamsNeverTimesOutOrSendsAnything() {
        SimPair sim = new SimPair(CONFIG, SimLink.Profile.tenMbit(0), 23);
        sim.runUntil(() -> false, SimPair.seconds(600));
        assertEquals(null, sim.a.conn.closeReason());
        assertEquals(0, sim.a.conn.stats().packetsSent());
        assertEquals(StreamConstants.NO_TIMEOUT, sim.a.conn.pollTimeout());
    }
}
