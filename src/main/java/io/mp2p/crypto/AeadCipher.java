package io.mp2p.crypto;

/** A Noise cipher function (Noise §4.2): an AEAD with a 32-byte key and a 64-bit nonce. */
public interface AeadCipher {
    /** Key length in bytes. */
    int KEY_LENGTH = 32;
    /** Authentication tag length in bytes. */
    int TAG_LENGTH = 16;

    /** The name in Noise protocol names: "AESGCM" or "ChaChaPoly". */
    String name();

    /** A keyed instance; it copies {@code key}. */
    AeadKey newKey(byte[] key);

    /**
     * A keyed instance that borrows its cipher objects from {@code ciphers} (one single-threaded
     * owner's, e.g. an engine's) instead of holding its own; it copies {@code key}.
     */
    default AeadKey newKey(byte[] key, SharedCiphers ciphers) {
        return newKey(key);
    }
}
