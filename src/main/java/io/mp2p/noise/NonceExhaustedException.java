package io.mp2p.noise;

/** The nonce 2^64-1 is reserved (Noise §5.1): this CipherState may not encrypt or decrypt any more; rekey or start a new handshake. */
public final class NonceExhaustedException extends NoiseException {
    private static final long serialVersionUID = 1L;

    public NonceExhaustedException(String message) {
        super(message);
    }

    public NonceExhaustedException(String message, Throwable cause) {
        super(message, cause);
    }
}
