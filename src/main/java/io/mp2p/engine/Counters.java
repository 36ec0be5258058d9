package io.mp2p.engine;

import io.mp2p.EngineMetrics;

import io.mp2p.DropReason;

/** The engine's mutable counters; {@link #snapshot} copies them into an {@link EngineMetrics}. */
final class Counters {
    long packetsIn;
    long packetsOut;
    long bytesIn;
    long bytesOut;
    final long[] drops = new long[DropReason.values().length];
    long handshakesInitiated;
    long handshakesCompleted;
    long handshakesFailed;
    long noiseMessagesProcessed;
    long dhOperations;
    long cookieRepliesSent;
    long messagesSent;
    long messagesDelivered;
    long messagesDroppedUnsent;
    long fragmentsRefused;
    long fragmentedMessagesExpired;
    long keepalivesSent;

    void drop(DropReason r) {
        drops[r.ordinal()]++;
    }

    EngineMetrics snapshot(int sessionsLive, int peers, int handshakesPending, long reassemblyBytes,
                           long fragmentedMessagesEvicted) {
        return new EngineMetrics(packetsIn, packetsOut, bytesIn, bytesOut, drops.clone(), handshakesInitiated,
                handshakesCompleted, handshakesFailed, noiseMessagesProcessed, cookieRepliesSent, messagesSent,
                messagesDelivered, messagesDroppedUnsent, fragmentsRefused, fragmentedMessagesExpired,
                keepalivesSent, sessionsLive, peers, handshakesPending, reassemblyBytes,
                fragmentedMessagesEvicted, dhOperations);
    }
}
