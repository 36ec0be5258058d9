package io.mp2p.noise;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;

import io.mp2p.crypto.AeadCipher;
import io.mp2p.crypto.AeadKey;
import io.mp2p.crypto.SharedCiphers;

/**
 * Noise CipherState (§5.1): a key k (or none) and a 64-bit nonce n.
 *
 * <p>Besides the spec's counter-driven {@link #encryptWithAd}/{@link #decryptWithAd}, it offers
 * {@link #encrypt(long, byte[], int, int, byte[], int, int, byte[], int) explicit-nonce} forms that
 * leave n alone, because mp2p's transport packets carry their counter on the wire and arrive out
 * of order (as WireGuard's do). All forms write into caller buffers and allocate nothing of their
 * own per message. Not thread-safe.
 *
 * <pre>{@code
 * CipherStatePair pair = handshake.split();
 * CipherState out = pair.sender();
 * int n = out.encryptWithAd(header, 0, 16, plaintext, 0, len, packet, 16);
 * }</pre>
 */
public final class CipherState {
    /** The reserved nonce, 2^64-1 (Noise §5.1): never used to encrypt or decrypt a message. */
    public static final long MAX_NONCE = -1L;
    /** Authentication tag length. */
    public static final int TAG_LENGTH = AeadCipher.TAG_LENGTH;
    private static final byte[] EMPTY = new byte[0];

    private final AeadCipher cipher;
    private byte[] k;
    /**
     * The keyed AEAD, made from {@link #k} at first use: a JDK {@code Cipher} takes about a
     * kilobyte, which a session answered but never confirmed should not cost (spec §8).
     */
    private AeadKey key;
    /** Whose cipher objects {@link #key} borrows (an engine's), or null: a private one. */
    private SharedCiphers shared;
    private long n;
    private boolean destroyed;

    public CipherState(AeadCipher cipher) {
        this.cipher = cipher;
    }

    /** InitializeKey(key): sets k (copied; null to clear) and n = 0. */
    public void initializeKey(byte[] newKey) {
        checkLive();
        wipeKey();
        k = null;
        if (newKey != null) {
            k = newKey.clone();
        }
        n = 0;
    }

    public boolean hasKey() {
        return k != null;
    }

    private AeadKey keyed() {
        if (key == null) {
            key = shared == null ? cipher.newKey(k) : cipher.newKey(k, shared);
        }
        return key;
    }

    /**
     * From now on, borrow cipher objects from {@code ciphers} (owned by one thread, e.g. an engine's
     * for its transport keys) instead of making one for this state: an idle session then holds only
     * its key bytes. Call before the first encryption or decryption.
     */
    public void shareCiphers(SharedCiphers ciphers) {
        if (key != null) {
            throw new IllegalStateException("this CipherState already made its cipher");
        }
        this.shared = ciphers;
    }

    /** SetNonce(nonce). */
    public void setNonce(long nonce) {
        n = nonce;
    }

    /** The next nonce EncryptWithAd/DecryptWithAd will use (unsigned). */
    public long nonce() {
        return n;
    }

    /**
     * EncryptWithAd(ad, plaintext): with a key, AEAD-encrypts with nonce n and increments n; without,
     * copies the plaintext.
     *
     * @return bytes written to {@code out}
     */
    public int encryptWithAd(byte[] ad, int adOff, int adLen, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws NoiseException {
        if (!hasKey()) {
            checkLive();
            System.arraycopy(in, inOff, out, outOff, inLen);
            return inLen;
        }
        int written = encrypt(n, ad, adOff, adLen, in, inOff, inLen, out, outOff);
        n++;
        return written;
    }

    /**
     * DecryptWithAd(ad, ciphertext): with a key, AEAD-decrypts with nonce n and increments n (only on
     * success); without, copies.
     */
    public int decryptWithAd(byte[] ad, int adOff, int adLen, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws NoiseException {
        if (!hasKey()) {
            checkLive();
            System.arraycopy(in, inOff, out, outOff, inLen);
            return inLen;
        }
        int written = decrypt(n, ad, adOff, adLen, in, inOff, inLen, out, outOff);
        n++;
        return written;
    }

    /** Encrypts with the given nonce, leaving the internal counter alone. Requires a key. */
    public int encrypt(long nonce, byte[] ad, int adOff, int adLen, byte[] in, int inOff, int inLen, byte[] out,
                       int outOff) throws NoiseException {
        checkUsable(nonce);
        if (inLen + TAG_LENGTH > HandshakeState.MAX_MESSAGE_LENGTH) {
            // Noise §3 caps every message, transport ones included, at 65,535 bytes.
            throw new MessageTooLongException("a message of " + (inLen + TAG_LENGTH) + " bytes exceeds "
                    + HandshakeState.MAX_MESSAGE_LENGTH);
        }
        if (out.length - outOff < inLen + TAG_LENGTH) {
            throw new OutputBufferTooSmallException("output needs " + (inLen + TAG_LENGTH) + " bytes, has "
                    + (out.length - outOff));
        }
        try {
            return keyed().encrypt(nonce, ad == null ? EMPTY : ad, adOff, adLen, in, inOff, inLen, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new NoiseException("encryption failed: " + e.getMessage(), e);
        }
    }

    /** Decrypts with the given nonce, leaving the internal counter alone. Requires a key. */
    public int decrypt(long nonce, byte[] ad, int adOff, int adLen, byte[] in, int inOff, int inLen, byte[] out,
                       int outOff) throws NoiseException {
        checkUsable(nonce);
        if (inLen > HandshakeState.MAX_MESSAGE_LENGTH) {
            throw new MessageTooLongException("a message of " + inLen + " bytes exceeds "
                    + HandshakeState.MAX_MESSAGE_LENGTH);
        }
        if (inLen < TAG_LENGTH) {
            throw new TruncatedMessageException("ciphertext of " + inLen + " bytes is shorter than its "
                    + TAG_LENGTH + "-byte tag");
        }
        if (out.length - outOff < inLen - TAG_LENGTH) {
            throw new OutputBufferTooSmallException("output needs " + (inLen - TAG_LENGTH) + " bytes, has "
                    + (out.length - outOff));
        }
        try {
            return keyed().decrypt(nonce, ad == null ? EMPTY : ad, adOff, adLen, in, inOff, inLen, out, outOff);
        } catch (AEADBadTagException e) {
            throw new AuthenticationFailedException("authentication failed: tampered, corrupted, or wrong key");
        } catch (GeneralSecurityException e) {
            throw new NoiseException("decryption failed: " + e.getMessage(), e);
        }
    }

    /** Rekey() (Noise §11.3): k = the first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zero bytes). */
    public void rekey() throws NoiseException {
        checkLive();
        if (!hasKey()) {
            throw new IllegalStateException("Rekey needs a key");
        }
        byte[] zeros = new byte[AeadCipher.KEY_LENGTH];
        byte[] out = new byte[AeadCipher.KEY_LENGTH + TAG_LENGTH];
        try {
            keyed().encrypt(MAX_NONCE, EMPTY, 0, 0, zeros, 0, zeros.length, out, 0);
        } catch (GeneralSecurityException e) {
            throw new NoiseException("rekey failed: " + e.getMessage(), e);
        }
        long keepNonce = n;
        initializeKey(Arrays.copyOf(out, AeadCipher.KEY_LENGTH));
        Arrays.fill(out, (byte) 0);
        n = keepNonce;
    }

    /** A CipherState with the same key and nonce (Noise's "copy" for fallback and retries). */
    public CipherState copy() {
        checkLive();
        CipherState c = new CipherState(cipher);
        if (k != null) {
            c.k = k.clone();
        }
        c.n = n;
        return c;
    }

    /** Zeroes the key. Later use throws {@link IllegalStateException}. */
    public void destroy() {
        wipeKey();
        destroyed = true;
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    /** For tests: the raw key array this state holds (zeroed after destroy), or null. */
    byte[] keyForTesting() {
        return k;
    }

    private void wipeKey() {
        if (k != null) {
            Arrays.fill(k, (byte) 0);
        }
        if (key != null) {
            key.destroy();
        }
        key = null;
        k = null;
    }

    private void checkLive() {
        if (destroyed) {
            throw new IllegalStateException("this CipherState was destroyed");
        }
    }

    private void checkUsable(long nonce) throws NonceExhaustedException {
        checkLive();
        if (!hasKey()) {
            throw new IllegalStateException("no key: call initializeKey first");
        }
        if (nonce == MAX_NONCE) {
            throw new NonceExhaustedException("nonce 2^64-1 is reserved: this key may not be used any more");
        }
    }
}
