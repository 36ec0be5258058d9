package io.mp2p.engine;

import io.mp2p.noise.HandshakeState;

/**
 * An initiation we sent and whose response we await (spec §6.2, step 1 and 3). The Noise state is
 * never advanced in place: each response is tried on a copy, so a forged response cannot spoil it.
 */
final class PendingHandshake {
    final Peer peer;
    final int localIndex;
    final CipherSuite suite;
    final HandshakeState state;
    /** The initiation's timestamp: once answered, the responder's bar is at least this (spec §6.3). */
    final byte[] timestamp;
    int failedResponses;

    PendingHandshake(Peer peer, int localIndex, CipherSuite suite, HandshakeState state, byte[] timestamp) {
        this.timestamp = timestamp;
        this.peer = peer;
        this.localIndex = localIndex;
        this.suite = suite;
        this.state = state;
    }

    boolean acceptsResponses() {
        return failedResponses < Constants.MAX_FAILED_RESPONSES;
    }

    void destroy() {
        state.destroy();
    }
}
