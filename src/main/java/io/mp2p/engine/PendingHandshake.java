package io.mp2p.engine;

import io.mp2p.CipherSuite;

import io.mp2p.noise.HandshakeState;

/**
 * An initiation we sent and whose response we await (spec §6.2, step 1 and 3). The Noise state is
 * never advanced in place: each response is tried on a copy, so a response that fails cannot spoil
 * it; and a response reaches Noise only with a correct response_auth under {@link #responseKey}.
 */
final class PendingHandshake {
    final Peer peer;
    final int localIndex;
    final CipherSuite suite;
    final HandshakeState state;
    /** The initiation's timestamp: once answered, the responder's bar is at least this (spec §6.3). */
    final byte[] timestamp;
    /** The response_key the initiation carried (spec §4.3); zeroed by {@link #destroy()}. */
    final byte[] responseKey;

    PendingHandshake(Peer peer, int localIndex, CipherSuite suite, HandshakeState state, byte[] timestamp,
                     byte[] responseKey) {
        this.timestamp = timestamp;
        this.responseKey = responseKey;
        this.peer = peer;
        this.localIndex = localIndex;
        this.suite = suite;
        this.state = state;
    }

    void destroy() {
        state.destroy();
        java.util.Arrays.fill(responseKey, (byte) 0);
    }
}
