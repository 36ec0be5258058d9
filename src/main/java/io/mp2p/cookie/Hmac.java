package io.mp2p.cookie;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.mp2p.crypto.Hashes;
import io.mp2p.identity.PeerKey;

/**
 * HMAC-SHA256 under secret keys (cookie secret R, cookies, reply_key, es, response_key): {@link
 * Hashes#SHA256}'s HMAC, which keeps no copy of the key (javax.crypto.Mac's SecretKeySpec would).
 */
final class Hmac {
    private static final int SHA256_LENGTH = 32;

    private Hmac() {
    }

    /** The 32-byte HMAC-SHA256(key, buf[off..off+len)). */
    static byte[] full(byte[] key, byte[] buf, int off, int len) {
        byte[] out = new byte[SHA256_LENGTH];
        Hashes.SHA256.hmac(key, buf, off, len, out, 0);
        return out;
    }

    /** Writes the first {@code n} bytes of HMAC-SHA256(key, buf[off..off+len)) to {@code out[outOff..)}. */
    static void truncated(byte[] key, byte[] buf, int off, int len, byte[] out, int outOff, int n) {
        byte[] full = full(key, buf, off, len);
        System.arraycopy(full, 0, out, outOff, n);
        Arrays.fill(full, (byte) 0);
    }

    /** SHA-256(ASCII(label) || key): the mac1 key and the cookie key of spec §4.4–§4.5. */
    static byte[] labelledKey(String label, PeerKey key) {
        return Hashes.SHA256.hash(label.getBytes(StandardCharsets.US_ASCII), key.encoded());
    }
}
