package io.mp2p.noise;

/** A Noise message may not exceed 65,535 bytes (Noise §3). */
public final class MessageTooLongException extends NoiseException {
    private static final long serialVersionUID = 1L;

    public MessageTooLongException(String message) {
        super(message);
    }

    public MessageTooLongException(String message, Throwable cause) {
        super(message, cause);
    }
}
