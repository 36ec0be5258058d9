package io.mp2p;

import java.util.SplittableRandom;

import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.Mp2pIdentity;

/** Test helper: identities drawn from a seeded random source, so that runs repeat exactly. */
public final class TestIdentities {
    private TestIdentities() {
    }

    /** An identity whose 32-byte seed is the next bytes of {@code random}. */
    public static Mp2pIdentity seeded(SplittableRandom random) {
        byte[] seed = new byte[Mp2pIdentity.SEED_LENGTH];
        random.nextBytes(seed);
        try {
            return Mp2pIdentity.fromSeed(seed);
        } catch (KeyFormatException e) {
            throw new AssertionError("32 bytes are always a valid Ed25519 seed", e);
        }
    }
}
