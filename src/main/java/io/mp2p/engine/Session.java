package io.mp2p.engine;

import io.mp2p.CipherSuite;

import io.mp2p.crypto.SharedCiphers;
import io.mp2p.noise.CipherState;
import io.mp2p.noise.CipherStatePair;
import io.mp2p.replay.ReplayWindow;

/**
 * One established Noise session with a peer: its two indices, its transport keys, its send counter
 * and its replay window (spec §6.4, §6.6).
 */
final class Session {
    final Peer peer;
    final int localIndex;
    final int remoteIndex;
    final boolean initiator;
    final CipherSuite suite;
    final long created;
    private final CipherState sender;
    private final CipherState receiver;
    final ReplayWindow replay = new ReplayWindow();
    long sendCounter;
    private boolean wiped;

    Session(Peer peer, int localIndex, int remoteIndex, boolean initiator, CipherSuite suite, CipherStatePair keys,
            long created, SharedCiphers ciphers) {
        this.peer = peer;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.initiator = initiator;
        this.suite = suite;
        this.sender = keys.sender();
        this.receiver = keys.receiver();
        // The engine's Cipher objects, re-keyed per packet: a session holds its key bytes only.
        sender.shareCiphers(ciphers);
        receiver.shareCiphers(ciphers);
        this.created = created;
    }

    CipherState sender() {
        return sender;
    }

    CipherState receiver() {
        return receiver;
    }

    long age(long now) {
        return now - created;
    }

    /** Whether this session may still be used to send (spec §6.5 expiry, §6.6 counter limit). */
    boolean canSend(long now) {
        return !wiped && age(now) < Constants.REJECT_AFTER_TIME
                && Long.compareUnsigned(sendCounter, Constants.REJECT_AFTER_MESSAGES) < 0;
    }

    boolean canReceive(long now) {
        return !wiped && age(now) < Constants.REJECT_AFTER_TIME;
    }

    /** Whether the initiator of this session should start a rekey before sending on it. */
    boolean needsRekeyOnSend(long now) {
        return initiator && (age(now) >= Constants.REKEY_AFTER_TIME
                || Long.compareUnsigned(sendCounter, Constants.REKEY_AFTER_MESSAGES) >= 0);
    }

    boolean needsRekeyOnReceive(long now) {
        return initiator
                && age(now) >= Constants.REJECT_AFTER_TIME - Constants.KEEPALIVE_TIMEOUT - Constants.REKEY_TIMEOUT;
    }

    boolean isWiped() {
        return wiped;
    }

    /** Overwrites both keys with zeros. */
    void wipe() {
        wiped = true;
        sender.destroy();
        receiver.destroy();
    }
}
