package io.mp2p.identity;

import java.security.SecureRandom;
import java.util.Arrays;

import javax.security.auth.Destroyable;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A node's own identity: an Ed25519 key pair (RFC 8032). The public half is the node's
 * {@link PeerKey}; the private half signs node records and, in its X25519 form, is the Noise static key.
 *
 * <p>Holds secret material: call {@link #destroy()} when done.
 *
 * <pre>{@code
 * Mp2pIdentity me = Mp2pIdentity.generate();
 * System.out.println(me.publicKey().toHex());
 * }</pre>
 */
public final class Mp2pIdentity implements Destroyable {
    /** Length of the Ed25519 private seed in bytes. */
    public static final int SEED_LENGTH = Ed25519.SECRET_KEY_SIZE;
    /** Length of an Ed25519 signature in bytes. */
    public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;

    private final byte[] seed;
    private final PeerKey publicKey;
    private volatile boolean destroyed;

    private Mp2pIdentity(byte[] seed) {
        this.seed = seed;
        byte[] pub = new byte[PeerKey.LENGTH];
        Ed25519.generatePublicKey(seed, 0, pub, 0);
        try {
            this.publicKey = PeerKey.fromBytes(pub);
        } catch (KeyFormatException e) {
            // Ed25519 key generation always yields a valid prime-order point.
            throw new IllegalStateException("Ed25519 derived an invalid public key", e);
        }
    }

    /** A new identity from the system's strong random source. */
    public static Mp2pIdentity generate() {
        return generate(new SecureRandom());
    }

    /** A new identity from the given random source. */
    public static Mp2pIdentity generate(SecureRandom random) {
        byte[] seed = new byte[SEED_LENGTH];
        Ed25519.generatePrivateKey(random, seed);
        return new Mp2pIdentity(seed);
    }

    /** The identity whose RFC 8032 private key (seed) is these 32 bytes; the array is copied. */
    public static Mp2pIdentity fromSeed(byte[] seed) throws KeyFormatException {
        if (seed == null || seed.length != SEED_LENGTH) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH,
                    "an Ed25519 private key is " + SEED_LENGTH + " bytes, got " + (seed == null ? "none" : seed.length));
        }
        return new Mp2pIdentity(seed.clone());
    }

    /** This node's public key. */
    public PeerKey publicKey() {
        return publicKey;
    }

    /** Signs {@code message} with Ed25519 (pure, no context). */
    public byte[] sign(byte[] message) {
        checkLive();
        byte[] signature = new byte[SIGNATURE_LENGTH];
        Ed25519.sign(seed, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    /** Zeroes the private key. Later use throws {@link IllegalStateException}. */
    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(seed, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    private void checkLive() {
        if (destroyed) {
            throw new IllegalStateException("this identity was destroyed");
        }
    }

    /** Never prints the private key. */
    @Override
    public String toString() {
        return "Mp2pIdentity[" + publicKey.toHex() + "]";
    }
}
