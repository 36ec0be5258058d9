package io.mp2p.crypto;

import java.security.SecureRandom;

/**
 * Where random bytes come from. Injected everywhere randomness is needed (ephemeral keys, indices,
 * jitter, cookie secrets), so that the protocol engine is deterministic under test.
 */
@FunctionalInterface
public interface RandomSource {
    /** Fills {@code out} with random bytes. */
    void nextBytes(byte[] out);

    /** The platform's strong random source. */
    static RandomSource secure() {
        SecureRandom random = new SecureRandom();
        return random::nextBytes;
    }
}
