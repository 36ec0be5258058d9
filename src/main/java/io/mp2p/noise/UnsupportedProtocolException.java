package io.mp2p.noise;

/** A Noise protocol name that this implementation does not support, or that is malformed. */
public final class UnsupportedProtocolException extends NoiseException {
    private static final long serialVersionUID = 1L;

    public UnsupportedProtocolException(String message) {
        super(message);
    }

    public UnsupportedProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
