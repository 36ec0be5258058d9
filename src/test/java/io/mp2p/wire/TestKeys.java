package io.mp2p.wire;

import java.util.SplittableRandom;

import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/** Deterministic valid peer keys for tests. */
final class TestKeys {
    static final int POOL = 16;
    private static final PeerKey[] KEYS = new PeerKey[POOL];

    static {
        SplittableRandom r = new SplittableRandom(0x6d703270L);
        for (int i = 0; i < POOL; i++) {
            byte[] seed = new byte[Mp2pIdentity.SEED_LENGTH];
            r.nextBytes(seed);
            try {
                KEYS[i] = Mp2pIdentity.fromSeed(seed).publicKey();
            } catch (KeyFormatException e) {
                throw new AssertionError(e);
            }
        }
    }

    private TestKeys() {
    }

    static PeerKey key(int i) {
        return KEYS[i % POOL];
    }

    static PeerKey random(SplittableRandom r) {
        return KEYS[r.nextInt(POOL)];
    }
}
