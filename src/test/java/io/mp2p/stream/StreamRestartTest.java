package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A peer whose stream layer starts again (a new epoch, spec/STREAMS.md §4) is recognised: the old
 * connection ends with PEER_RESTARTED, a new one takes over, and packets of the old one are ignored.
 */
class StreamRestartTest {
    @Test
    void aRestartedPeerGetsAFreshConnectionAndStalePacketsAreIgnored() {
        SimPair sim = new SimPair(StreamConfig.defaults(), SimLink.Profile.tenMbit(0).withReorder(0.2, SimPair.seconds(0.03)), 41);
        Transfers.install(sim.a);
        Transfers.install(sim.b);
        Transfers.Transfer first = Transfers.start(sim, sim.a, sim.b, 80, 1, 4L << 20);
        assertTrue(sim.runUntil(() -> first.read > (1 << 20), SimPair.seconds(60)));

        // A's stream layer starts again in the middle of the transfer (its packets still on the wire
        // stay there: some are reordered by up to 30 ms and arrive after the new ones).
        StreamConnection oldB = sim.b.conn;
        sim.restart(sim.a);
        Transfers.install(sim.a);
        Transfers.install(sim.b);
        Transfers.Transfer second = Transfers.start(sim, sim.a, sim.b, 81, 2, 1L << 20);
        assertTrue(sim.runUntil(second::complete, SimPair.seconds(60)));
        assertEquals(-1, second.firstMismatch);
        assertEquals(1 << 20, second.read);

        assertEquals(1, sim.b.restarts, "B replaced its connection once");
        assertEquals(ConnectionError.PEER_RESTARTED, oldB.closeReason());
        assertEquals(0, sim.a.restarts, "A's new connection adopted B's new epoch without a second restart");
        assertTrue(sim.a.outcomes.getOrDefault(ReceiveOutcome.STALE_EPOCH, 0L) > 0,
                "packets of B's old connection, addressed to A's old epoch, were ignored by A's new one");
        // Settle: nothing else restarts, both sides stay open.
        sim.runUntil(() -> false, SimPair.seconds(5));
        assertEquals(1, sim.b.restarts);
        assertEquals(null, sim.a.conn.closeReason());
        assertEquals(null, sim.b.conn.closeReason());
        assertEquals(List.of(), sim.events(sim.a, StreamEvent.ConnectionClosed.class));
    }
}
