package io.mp2p;

import io.mp2p.wire.SuiteId;

/**
 * The two mp2p cipher suites (spec/PROTOCOL.md §2): the Noise protocol each runs, and its suite id on
 * the wire. The initiator names its suite; a responder accepts either.
 *
 * <pre>{@code
 * ChannelOptions options = ChannelOptions.builder().suite(CipherSuite.CHACHAPOLY_BLAKE2S).build();
 * }</pre>
 */
public enum CipherSuite {
    /** The default: AES-GCM is nearly free next to the socket on CPUs with AES instructions. */
    AESGCM_SHA256(SuiteId.AESGCM_SHA256, "Noise_IK_25519_AESGCM_SHA256"),
    /** WireGuard's suite, for CPUs without AES instructions. */
    CHACHAPOLY_BLAKE2S(SuiteId.CHACHAPOLY_BLAKE2S, "Noise_IK_25519_ChaChaPoly_BLAKE2s");

    private final int id;
    private final String noiseProtocolName;

    CipherSuite(int id, String noiseProtocolName) {
        this.id = id;
        this.noiseProtocolName = noiseProtocolName;
    }

    /** The suite byte of a HandshakeInitiation. */
    public int id() {
        return id;
    }

    /** The Noise protocol this suite runs, e.g. {@code Noise_IK_25519_AESGCM_SHA256}. */
    public String noiseProtocolName() {
        return noiseProtocolName;
    }

    /** The suite with this id, or null if none. */
    public static CipherSuite fromId(int id) {
        for (CipherSuite s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        return null;
    }
}
