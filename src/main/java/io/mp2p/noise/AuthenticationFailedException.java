package io.mp2p.noise;

/** The AEAD tag did not verify: the message was tampered with, corrupted, or made with other keys. */
public final class AuthenticationFailedException extends NoiseException {
    private static final long serialVersionUID = 1L;

    public AuthenticationFailedException(String message) {
        super(message);
    }

    public AuthenticationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
