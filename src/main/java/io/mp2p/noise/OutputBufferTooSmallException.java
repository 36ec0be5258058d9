package io.mp2p.noise;

/** The caller's output buffer cannot hold the result. */
public final class OutputBufferTooSmallException extends NoiseException {
    private static final long serialVersionUID = 1L;

    public OutputBufferTooSmallException(String message) {
        super(message);
    }

    public OutputBufferTooSmallException(String message, Throwable cause) {
        super(message, cause);
    }
}
