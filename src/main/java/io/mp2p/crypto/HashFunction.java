package io.mp2p.crypto;

/**
 * A Noise hash function (Noise §4.3) with its HMAC (RFC 2104). Instances are thread-safe (each
 * thread reuses its own digest) and keep no secret between calls.
 *
 * <pre>{@code
 * byte[] h = Hashes.SHA256.hash(a, b);                  // SHA-256(a || b)
 * byte[] tag = Hashes.SHA256.hmac(key, part1, part2);   // HMAC-SHA256(key, part1 || part2)
 * }</pre>
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

    /** HMAC-HASH(key, data[off..off+len)) written to {@code out[outOff..outOff+hashLen)}. */
    void hmac(byte[] key, byte[] data, int off, int len, byte[] out, int outOff);
}
