package io.mp2p.crypto;

/**
 * A Noise hash function (Noise §4.3) with its HMAC (RFC 2104). Instances are stateless and
 * thread-safe; each call allocates its own digest, which only handshakes pay for.
 */
public interface HashFunction {
    /** The name in Noise protocol names: "SHA256", "SHA512", "BLAKE2s", "BLAKE2b". */
    String name();

    /** HASHLEN. */
    int hashLen();

    /** BLOCKLEN, the HMAC block size. */
    int blockLen();

    /** HASH(a || b) (b may be null). */
    byte[] hash(byte[] a, byte[] b);

    /** HMAC-HASH(key, data[0] || data[1] || ...). */
    byte[] hmac(byte[] key, byte[]... data);
}
