package io.mp2p.identity;

import java.security.GeneralSecurityException;

/**
 * A key, key file or key text could not be read. The message says what is wrong (length, alphabet,
 * curve point, file format) in words a user can act on; {@link #reason()} says it for code.
 */
public final class KeyFormatException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /** Why a key was refused. */
    public enum Reason {
        /** The text or encoding has the wrong length. */
        LENGTH,
        /** A character outside the alphabet of the encoding. */
        ALPHABET,
        /** The bytes are not a valid Ed25519 public point of prime order. */
        NOT_ON_CURVE,
        /** A PEM, PKCS#8 or SPKI structure that is malformed or holds another key type. */
        ENCODING,
        /** The key file could not be read or written. */
        IO,
        /** The password of a key store is wrong (or the store is damaged so that it cannot be told apart). */
        PASSWORD
    }

    private final Reason reason;

    public KeyFormatException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public KeyFormatException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why the key was refused. */
    public Reason reason() {
        return reason;
    }
}
