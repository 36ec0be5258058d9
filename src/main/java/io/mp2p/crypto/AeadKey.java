package io.mp2p.crypto;

import java.security.GeneralSecurityException;

import javax.crypto.AEADBadTagException;

/**
 * An AEAD under one key. Not thread-safe (it reuses one {@code javax.crypto.Cipher}). Input and
 * output may be the same array at the same offset.
 */
public interface AeadKey {
    /**
     * Encrypts {@code in} with nonce {@code n} and associated data, writing ciphertext and tag to {@code out}.
     *
     * @return bytes written: {@code inLen + TAG_LENGTH}
     */
    int encrypt(long n, byte[] ad, int adOff, int adLen, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws GeneralSecurityException;

    /**
     * Decrypts and authenticates; nothing is written to {@code out} that a caller could use when
     * authentication fails.
     *
     * @return bytes written: {@code inLen - TAG_LENGTH}
     * @throws AEADBadTagException if the tag does not verify
     */
    int decrypt(long n, byte[] ad, int adOff, int adLen, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws GeneralSecurityException;

    /** Zeroes the key this object holds, and overwrites the cipher's key schedule. */
    void destroy();
}
