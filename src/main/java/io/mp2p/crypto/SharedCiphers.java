package io.mp2p.crypto;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * The {@code javax.crypto.Cipher} objects of one single-threaded owner (an engine), shared by all
 * its keys: one per transformation and direction, keyed again from a key's 32 bytes whenever
 * another key uses it. A JDK {@code Cipher} holds about a kilobyte (key schedules, GHASH tables,
 * buffers), which one per session would cost every idle session; a shared one costs the engine
 * that once. Keeping encryption and decryption apart means a session that both sends and receives
 * does not re-key a Cipher at every packet (the JDK skips the AES key expansion when the key is
 * the one it had).
 *
 * <p>Not thread-safe: every key made with one instance must be used by one thread at a time.
 *
 * <pre>{@code
 * SharedCiphers ciphers = new SharedCiphers();
 * AeadKey k = JdkAead.AESGCM.newKey(keyBytes, ciphers);   // holds no Cipher of its own
 * k.encrypt(n, header, 0, 16, plain, 0, len, packet, 16);
 * k.destroy();                                           // also re-keys a Cipher it was the last to key
 * }</pre>
 */
public final class SharedCiphers {
    private static final int DIRECTIONS = 2;

    private static final int NONCE_LENGTH = 12;
    private static final int COUNTER_OFFSET = 4;
    private static final int TAG_BITS = AeadCipher.TAG_LENGTH * Byte.SIZE;

    /**
     * Parameter objects reused for every nonce: the JDK takes a copy of the nonce at every init
     * ({@code getIV()} returns a fresh array, as its contract says), so reusing the spec object is
     * safe, and saves one object and one array per packet.
     */
    private final NonceGcmSpec gcm = new NonceGcmSpec();
    private final NonceIvSpec iv = new NonceIvSpec();

    /**
     * The nonce of the next all-zero-key init that wipes a Cipher: a new one every time, because
     * the JDK refuses an encryption init with the key and nonce of the previous one.
     */
    private long wipeNonce = Long.MIN_VALUE;

    /** [aead][direction], made at first use. */
    private final Slot[][] slots = new Slot[2][DIRECTIONS];

    /** A Cipher, and which key and nonce it was last initialised with. */
    static final class Slot {
        final Cipher cipher;
        /** The key the Cipher holds now (its key schedule), or null once wiped. */
        Object owner;
        int mode;
        long nonce;

        Slot(Cipher cipher) {
            this.cipher = cipher;
        }
    }

    Slot slot(int aead, String transformation, int mode) {
        int d = mode == Cipher.ENCRYPT_MODE ? 0 : 1;
        Slot s = slots[aead][d];
        if (s == null) {
            try {
                s = new Slot(Cipher.getInstance(transformation));
            } catch (GeneralSecurityException e) {
                // Both transformations are mandatory in every JDK 11+.
                throw new IllegalStateException(transformation + " is not available in this JDK", e);
            }
            slots[aead][d] = s;
        }
        return s;
    }

    /** The parameters for nonce {@code n}: 32 zero bits, then n big-endian (AES-GCM) or little-endian. */
    AlgorithmParameterSpec params(boolean bigEndian, long n) {
        byte[] nonce = bigEndian ? gcm.nonce : iv.nonce;
        for (int i = 0; i < Long.BYTES; i++) {
            int shift = bigEndian ? (Long.BYTES - 1 - i) * Byte.SIZE : i * Byte.SIZE;
            nonce[COUNTER_OFFSET + i] = (byte) (n >>> shift);
        }
        return bigEndian ? gcm : iv;
    }

    /** A GCMParameterSpec whose nonce changes; {@link #getIV()} copies it, as the base class does. */
    private static final class NonceGcmSpec extends GCMParameterSpec {
        final byte[] nonce = new byte[NONCE_LENGTH];

        NonceGcmSpec() {
            super(TAG_BITS, new byte[NONCE_LENGTH]);
        }

        @Override
        public byte[] getIV() {
            return nonce.clone();
        }
    }

    /** An IvParameterSpec whose nonce changes; {@link #getIV()} copies it, as the base class does. */
    private static final class NonceIvSpec extends IvParameterSpec {
        final byte[] nonce = new byte[NONCE_LENGTH];

        NonceIvSpec() {
            super(new byte[NONCE_LENGTH]);
        }

        @Override
        public byte[] getIV() {
            return nonce.clone();
        }
    }

    /** Where a ciphertext is moved to offset 0 before the JDK's ChaCha20-Poly1305 opens it; grown on demand. */
    private byte[] scratch = new byte[0];

    /** A reused array of at least {@code length} bytes (it holds ciphertexts only, never secrets). */
    byte[] scratch(int length) {
        if (scratch.length < length) {
            scratch = new byte[length];
        }
        return scratch;
    }

    /** A nonce never used before by a wiping init of this owner's Ciphers. */
    long nextWipeNonce() {
        return wipeNonce++;
    }

    /** The slots made so far for {@code aead}, either direction (null where none). */
    Slot[] slots(int aead) {
        return slots[aead];
    }
}
