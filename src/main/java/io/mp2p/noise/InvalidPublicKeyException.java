package io.mp2p.noise;

/** A Diffie-Hellman with the peer's public key gave all zeros: it is a low-order point. */
public final class InvalidPublicKeyException extends NoiseException {
    private static final long serialVersionUID = 1L;

    public InvalidPublicKeyException(String message) {
        super(message);
    }

    public InvalidPublicKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
