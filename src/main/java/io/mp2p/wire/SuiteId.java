package io.mp2p.wire;

/**
 * Suite ids of the HandshakeInitiation header (spec §2).
 *
 * <pre>{@code
 * if (!SuiteId.isKnown(buf[2] & 0xff)) drop();
 * }</pre>
 */
public final class SuiteId {
    /** {@code Noise_IK_25519_AESGCM_SHA256}, the default. */
    public static final int AESGCM_SHA256 = 1;
    /** {@code Noise_IK_25519_ChaChaPoly_BLAKE2s}, for CPUs without AES instructions. */
    public static final int CHACHAPOLY_BLAKE2S = 2;

    private SuiteId() {
    }

    /** Whether {@code suite} names a suite of this protocol version. */
    public static boolean isKnown(int suite) {
        return suite == AESGCM_SHA256 || suite == CHACHAPOLY_BLAKE2S;
    }
}
