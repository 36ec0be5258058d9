package io.mp2p.engine;

import java.util.SplittableRandom;

import io.mp2p.cookie.Mac1;
import io.mp2p.wire.HandshakeInitiation;

/** Packets an attacker who knows only public keys can make, for the denial-of-service tests. */
final class DosPackets {
    private DosPackets() {
    }

    /**
     * An initiation anyone who knows the receiver's public key can make: a valid mac1 (keyed by that
     * key), no cookie, and random bytes where Noise message 1 should be.
     */
    static byte[] forgedInitiation(SplittableRandom r, byte[] mac1Key) {
        byte[] d = new byte[HandshakeInitiation.LENGTH];
        r.nextBytes(d);
        HandshakeInitiation.writeHeader(d, 0, 1, r.nextInt());
        Mac1.compute(mac1Key, d, 0, HandshakeInitiation.MAC1_OFFSET, d, HandshakeInitiation.MAC1_OFFSET);
        java.util.Arrays.fill(d, HandshakeInitiation.MAC2_OFFSET, HandshakeInitiation.LENGTH, (byte) 0);
        return d;
    }
}
