package io.mp2p.noise;

import io.mp2p.crypto.AeadCipher;
import io.mp2p.crypto.DhFunction;
import io.mp2p.crypto.HashFunction;
import io.mp2p.crypto.Hashes;
import io.mp2p.crypto.JdkAead;
import io.mp2p.crypto.X25519Function;
import io.mp2p.crypto.X448Function;

/**
 * A parsed Noise protocol name (§8): {@code Noise_<pattern>_<dh>_<cipher>_<hash>}, e.g.
 * {@code Noise_IK_25519_AESGCM_SHA256}. Immutable.
 *
 * <pre>{@code
 * NoiseProtocol ik = NoiseProtocol.parse("Noise_IK_25519_AESGCM_SHA256");
 * }</pre>
 */
public final class NoiseProtocol {
    private static final String PREFIX = "Noise";
    private static final int PARTS = 5;

    private final String name;
    private final HandshakePattern pattern;
    private final DhFunction dh;
    private final AeadCipher cipher;
    private final HashFunction hash;

    private NoiseProtocol(String name, HandshakePattern pattern, DhFunction dh, AeadCipher cipher, HashFunction hash) {
        this.name = name;
        this.pattern = pattern;
        this.dh = dh;
        this.cipher = cipher;
        this.hash = hash;
    }

    /**
     * Parses a full protocol name.
     *
     * @throws UnsupportedProtocolException naming the part that is unknown or malformed
     */
    public static NoiseProtocol parse(String name) throws UnsupportedProtocolException {
        if (name == null) {
            throw new UnsupportedProtocolException("no protocol name");
        }
        String[] parts = name.split("_", -1);
        if (parts.length != PARTS || !PREFIX.equals(parts[0])) {
            throw new UnsupportedProtocolException("'" + name + "' is not of the form Noise_<pattern>_<dh>_<cipher>_<hash>");
        }
        HandshakePattern pattern = HandshakePattern.parse(parts[1]);
        DhFunction dh = switch (parts[2]) {
            case "25519" -> X25519Function.INSTANCE;
            case "448" -> X448Function.INSTANCE;
            default -> throw new UnsupportedProtocolException("unsupported DH function '" + parts[2] + "' in " + name);
        };
        AeadCipher cipher = switch (parts[3]) {
            case "AESGCM" -> JdkAead.AESGCM;
            case "ChaChaPoly" -> JdkAead.CHACHAPOLY;
            default -> throw new UnsupportedProtocolException("unsupported cipher '" + parts[3] + "' in " + name);
        };
        HashFunction hash = switch (parts[4]) {
            case "SHA256" -> Hashes.SHA256;
            case "SHA512" -> Hashes.SHA512;
            case "BLAKE2s" -> Hashes.BLAKE2S;
            case "BLAKE2b" -> Hashes.BLAKE2B;
            default -> throw new UnsupportedProtocolException("unsupported hash '" + parts[4] + "' in " + name);
        };
        return new NoiseProtocol(name, pattern, dh, cipher, hash);
    }

    /**
     * The same protocol with another implementation of its DH function (same name and lengths),
     * e.g. one that counts its operations.
     *
     * @throws IllegalArgumentException if {@code other} is a different DH function
     */
    public NoiseProtocol withDh(DhFunction other) {
        if (!other.name().equals(dh.name()) || other.dhLen() != dh.dhLen()) {
            throw new IllegalArgumentException("DH function " + other.name() + " cannot replace " + dh.name());
        }
        return new NoiseProtocol(name, pattern, other, cipher, hash);
    }

    public String name() {
        return name;
    }

    public HandshakePattern pattern() {
        return pattern;
    }

    public DhFunction dh() {
        return dh;
    }

    public AeadCipher cipher() {
        return cipher;
    }

    public HashFunction hash() {
        return hash;
    }

    @Override
    public String toString() {
        return name;
    }
}
