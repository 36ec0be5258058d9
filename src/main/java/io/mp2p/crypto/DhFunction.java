package io.mp2p.crypto;

import java.security.InvalidKeyException;

/** A Noise DH function (Noise §4.1). */
public interface DhFunction {
    /** The name in Noise protocol names: "25519" or "448". */
    String name();

    /** DHLEN: length of public keys and of DH outputs. */
    int dhLen();

    /** A new key pair from {@code random}. */
    DhKeyPair generateKeyPair(RandomSource random);

    /** The public key of a private key. */
    byte[] publicKey(byte[] privateKey);

    /**
     * DH(privateKey, publicKey) into {@code out} at {@code offset}.
     *
     * @throws InvalidKeyException if the result is all zeros (a low-order public key): Noise lets an
     *         implementation refuse it, and we do, since it would contribute no secret
     */
    void dh(byte[] privateKey, byte[] publicKey, byte[] out, int offset) throws InvalidKeyException;
}
