package io.mp2p;

import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of an engine's counters. {@code packetsIn} equals the sum of the packets that were
 * processed and {@link #totalDrops()}: every datagram is accounted for.
 *
 * @param noiseMessagesProcessed handshake messages given to Noise (each costs Diffie-Hellman
 *                               operations); packets dropped before this cost at most a MAC
 * @param reassemblyBytes bytes charged for partial fragmented messages (spec §8)
 * @param fragmentedMessagesEvicted partial messages dropped to give a peer below its fair share
 *                                  of the reassembly pool room (spec §8)
 * @param dhOperations X25519 scalar multiplications (Diffie-Hellman and key generation): the
 *                     costly work of handshakes, which an attacker tries to make a node do
 */
public record EngineMetrics(long packetsIn, long packetsOut, long bytesIn, long bytesOut, long[] dropCounts,
                            long handshakesInitiated, long handshakesCompleted, long handshakesFailed,
                            long noiseMessagesProcessed, long cookieRepliesSent, long messagesSent,
                            long messagesDelivered, long messagesDroppedUnsent, long fragmentsRefused,
                            long fragmentedMessagesExpired, long keepalivesSent, int sessionsLive, int peers,
                            int handshakesPending, long reassemblyBytes, long fragmentedMessagesEvicted,
                            long dhOperations) {

    /** Packets dropped for {@code reason}. */
    public long drops(DropReason reason) {
        return dropCounts[reason.ordinal()];
    }

    /** Packets dropped for any reason. */
    public long totalDrops() {
        long sum = 0;
        for (long d : dropCounts) {
            sum += d;
        }
        return sum;
    }

    /** Drops by reason, omitting zeros. */
    public Map<DropReason, Long> dropsByReason() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            if (dropCounts[r.ordinal()] != 0) {
                m.put(r, dropCounts[r.ordinal()]);
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "packets in " + packetsIn + " out " + packetsOut + ", drops " + dropsByReason()
                + ", handshakes " + handshakesCompleted + " ok / " + handshakesFailed + " failed / "
                + handshakesInitiated + " initiations, sessions " + sessionsLive + ", messages "
                + messagesSent + " sent / " + messagesDelivered + " delivered";
    }
}
