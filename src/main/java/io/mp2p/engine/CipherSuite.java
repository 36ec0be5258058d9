package io.mp2p.engine;

import io.mp2p.noise.NoiseProtocol;
import io.mp2p.noise.UnsupportedProtocolException;
import io.mp2p.wire.SuiteId;

/** The two mp2p cipher suites (spec/PROTOCOL.md §2) and their suite ids on the wire. */
public enum CipherSuite {
    /** The default: AES-GCM is nearly free next to the socket on CPUs with AES instructions. */
    AESGCM_SHA256(SuiteId.AESGCM_SHA256, "Noise_IK_25519_AESGCM_SHA256"),
    /** WireGuard's suite, for CPUs without AES instructions. */
    CHACHAPOLY_BLAKE2S(SuiteId.CHACHAPOLY_BLAKE2S, "Noise_IK_25519_ChaChaPoly_BLAKE2s");

    private final int id;
    private final NoiseProtocol protocol;

    CipherSuite(int id, String noiseName) {
        this.id = id;
        try {
            this.protocol = NoiseProtocol.parse(noiseName);
        } catch (UnsupportedProtocolException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The suite byte of a HandshakeInitiation. */
    public int id() {
        return id;
    }

    /** The Noise protocol this suite runs. */
    public NoiseProtocol protocol() {
        return protocol;
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
