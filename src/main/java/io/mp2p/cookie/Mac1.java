package io.mp2p.cookie;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

import io.mp2p.identity.PeerKey;

/**
 * mac1 of spec §4.4: a cheap filter keyed by the receiver's public key, so that a node drops
 * handshakes meant for others (or garbage) after one HMAC and before any Diffie-Hellman. Not an
 * authenticator: anyone knowing the receiver's key can compute it.
 *
 * <pre>{@code
 * byte[] key = Mac1.key(responder);
 * Mac1.compute(key, packet, 0, HandshakeInitiation.MAC1_OFFSET, packet, HandshakeInitiation.MAC1_OFFSET);
 * }</pre>
 */
public final class Mac1 {
    /** Length of mac1: HMAC-SHA256 truncated to 128 bits. */
    public static final int LENGTH = CookieConstants.MAC_LENGTH;

    private static final String ALGORITHM = "HmacSHA256";
    private static final int HMAC_LENGTH = 32;
    /** Getting a Mac from the provider list is slow; mac1 is on the DoS path, so keep one per thread. */
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(Mac1::newMac);
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[HMAC_LENGTH]);

    private Mac1() {
    }

    /** The mac1 key of packets addressed to {@code receiver}: SHA-256(ASCII("mp2p-mac1") || K). */
    public static byte[] key(PeerKey receiver) {
        return Hmac.labelledKey(CookieConstants.MAC1_LABEL, receiver);
    }

    /**
     * Writes HMAC-SHA256(key32, buf[off..off+len))[0..16) to {@code out[outOff..outOff+16)}.
     * Thread-safe. {@code out} may be {@code buf} (the MAC is computed before it is written).
     */
    public static void compute(byte[] key32, byte[] buf, int off, int len, byte[] out, int outOff) {
        Mac mac = MAC.get();
        byte[] full = SCRATCH.get();
        try {
            mac.init(new SecretKeySpec(key32, ALGORITHM));
            mac.update(buf, off, len);
            mac.doFinal(full, 0);
        } catch (InvalidKeyException | ShortBufferException e) {
            // HMAC takes any non-empty key and the scratch buffer has the full MAC length.
            throw new IllegalStateException("HmacSHA256 refused a " + key32.length + "-byte key", e);
        }
        System.arraycopy(full, 0, out, outOff, LENGTH);
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is mandatory in every JDK.
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }
}
