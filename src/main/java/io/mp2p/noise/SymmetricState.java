package io.mp2p.noise;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.mp2p.crypto.AeadCipher;
import io.mp2p.crypto.HashFunction;

/** Noise SymmetricState (§5.2): the chaining key ck, the handshake hash h, and a CipherState. */
final class SymmetricState {
    private final HashFunction hash;
    private final AeadCipher cipherFunction;
    private CipherState cipher;
    /**
     * A key from MixKey not yet given to the CipherState: it is set up only when something is
     * encrypted or decrypted with it, so a key replaced unused (ee before se in IK's message 2) costs
     * no cipher set-up. Null when the CipherState holds the current key.
     */
    private byte[] pendingKey;
    private byte[] ck;
    private byte[] h;

    /** InitializeSymmetric(protocolName). */
    SymmetricState(String protocolName, HashFunction hash, AeadCipher cipher) {
        this.hash = hash;
        this.cipherFunction = cipher;
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        h = name.length <= hash.hashLen() ? Arrays.copyOf(name, hash.hashLen()) : hash.hash(name, null);
        ck = h.clone();
        this.cipher = new CipherState(cipher);
    }

    private SymmetricState(SymmetricState o) {
        this.hash = o.hash;
        this.cipherFunction = o.cipherFunction;
        this.cipher = o.cipher.copy();
        this.pendingKey = o.pendingKey == null ? null : o.pendingKey.clone();
        this.ck = o.ck.clone();
        this.h = o.h.clone();
    }

    SymmetricState copy() {
        return new SymmetricState(this);
    }

    /** HKDF(ck, ikm, n) (Noise §4.3) with n = 2 or 3. */
    private byte[][] hkdf(byte[] ikm, int outputs) {
        byte[] tempKey = hash.hmac(ck, ikm);
        byte[][] out = new byte[outputs][];
        out[0] = hash.hmac(tempKey, new byte[] {1});
        for (int i = 1; i < outputs; i++) {
            out[i] = hash.hmac(tempKey, out[i - 1], new byte[] {(byte) (i + 1)});
        }
        Arrays.fill(tempKey, (byte) 0);
        return out;
    }

    /** Cipher keys are 32 bytes; a 64-byte hash output is truncated (Noise §5.2). */
    private static byte[] truncateKey(byte[] k) {
        if (k.length == AeadCipher.KEY_LENGTH) {
            return k;
        }
        byte[] t = Arrays.copyOf(k, AeadCipher.KEY_LENGTH);
        Arrays.fill(k, (byte) 0);
        return t;
    }

    void mixKey(byte[] ikm) {
        byte[][] out = hkdf(ikm, 2);
        replaceCk(out[0]);
        setPendingKey(truncateKey(out[1]));
    }

    private void setPendingKey(byte[] k) {
        if (pendingKey != null) {
            Arrays.fill(pendingKey, (byte) 0);
        }
        pendingKey = k;
    }

    /** InitializeKey with the latest MixKey output, now that it is used. */
    private CipherState keyedCipher() {
        if (pendingKey != null) {
            cipher.initializeKey(pendingKey);
            Arrays.fill(pendingKey, (byte) 0);
            pendingKey = null;
        }
        return cipher;
    }

    void mixHash(byte[] data, int off, int len) {
        byte[] d = Arrays.copyOfRange(data, off, off + len);
        h = hash.hash(h, d);
    }

    void mixHash(byte[] data) {
        h = hash.hash(h, data);
    }

    void mixKeyAndHash(byte[] ikm) {
        byte[][] out = hkdf(ikm, 3);
        replaceCk(out[0]);
        mixHash(out[1]);
        setPendingKey(truncateKey(out[2]));
    }

    private void replaceCk(byte[] newCk) {
        Arrays.fill(ck, (byte) 0);
        ck = newCk;
    }

    byte[] handshakeHash() {
        return h.clone();
    }

    boolean hasKey() {
        return pendingKey != null || cipher.hasKey();
    }

    /** EncryptAndHash: writes the ciphertext to out and mixes it into h. */
    int encryptAndHash(byte[] in, int inOff, int inLen, byte[] out, int outOff) throws NoiseException {
        int n = keyedCipher().encryptWithAd(h, 0, h.length, in, inOff, inLen, out, outOff);
        mixHash(out, outOff, n);
        return n;
    }

    /** DecryptAndHash: decrypts into out and mixes the ciphertext into h. */
    int decryptAndHash(byte[] in, int inOff, int inLen, byte[] out, int outOff) throws NoiseException {
        byte[] ciphertext = Arrays.copyOfRange(in, inOff, inOff + inLen); // in and out may overlap
        int n = keyedCipher().decryptWithAd(h, 0, h.length, ciphertext, 0, inLen, out, outOff);
        mixHash(ciphertext);
        return n;
    }

    /** Split(): the two transport CipherStates, initiator-to-responder first. */
    CipherState[] split() {
        byte[][] out = hkdf(new byte[0], 2);
        CipherState c1 = new CipherState(cipherFunction);
        CipherState c2 = new CipherState(cipherFunction);
        byte[] k1 = truncateKey(out[0]);
        byte[] k2 = truncateKey(out[1]);
        c1.initializeKey(k1);
        c2.initializeKey(k2);
        Arrays.fill(k1, (byte) 0);
        Arrays.fill(k2, (byte) 0);
        return new CipherState[] {c1, c2};
    }

    void destroy() {
        setPendingKey(null);
        Arrays.fill(ck, (byte) 0);
        Arrays.fill(h, (byte) 0);
        cipher.destroy();
    }
}
