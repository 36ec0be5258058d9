package io.mp2p.crypto;

import java.util.Arrays;

import javax.security.auth.Destroyable;

/** A Diffie-Hellman key pair (raw RFC 7748 encodings). {@link #destroy()} zeroes the private key. */
public final class DhKeyPair implements Destroyable {
    private final byte[] privateKey;
    private final byte[] publicKey;
    private boolean destroyed;

    /** Takes ownership of both arrays: the private key is zeroed by {@link #destroy()}. */
    public DhKeyPair(byte[] privateKey, byte[] publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** The private key itself (not a copy): for the DH functions only. */
    public byte[] privateKey() {
        if (destroyed) {
            throw new IllegalStateException("this key pair was destroyed");
        }
        return privateKey;
    }

    /** The public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** A copy holding its own arrays. */
    public DhKeyPair copy() {
        return new DhKeyPair(privateKey().clone(), publicKey.clone());
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(privateKey, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }
}
