package io.mp2p.crypto;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Arrays;

import javax.crypto.SecretKey;

/**
 * A raw secret key whose bytes can be zeroed. {@code javax.crypto.spec.SecretKeySpec} keeps a
 * private copy of the key and cannot be destroyed (JDK 17); this key hands the JDK a fresh copy on
 * every {@link #getEncoded()}, as the {@code Key} contract expects (the JDK zeroes the copies it
 * takes, see spec/PROTOCOL.md §6.9), and zeroes its own on {@link #destroy()}.
 *
 * <pre>{@code
 * WipeableSecretKey k = new WipeableSecretKey(keyBytes, "AES");   // copies keyBytes
 * cipher.init(Cipher.ENCRYPT_MODE, k, params);
 * k.destroy();                                                    // zeroes the copy
 * }</pre>
 */
final class WipeableSecretKey implements SecretKey {
    private static final long serialVersionUID = 1L;
    private static final String RAW = "RAW";

    private final byte[] key;
    private final String algorithm;
    private boolean destroyed;

    WipeableSecretKey(byte[] key, String algorithm) {
        this.key = key.clone();
        this.algorithm = algorithm;
    }

    @Override
    public String getAlgorithm() {
        return algorithm;
    }

    @Override
    public String getFormat() {
        return RAW;
    }

    /** A copy of the key, which the caller owns (and the JDK zeroes after use). */
    @Override
    public byte[] getEncoded() {
        if (destroyed) {
            throw new IllegalStateException("this key was destroyed");
        }
        return key.clone();
    }

    @Override
    public void destroy() {
        Arrays.fill(key, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** A secret key is never written to a stream. */
    private void writeObject(ObjectOutputStream out) throws NotSerializableException {
        throw new NotSerializableException(WipeableSecretKey.class.getName());
    }
}
