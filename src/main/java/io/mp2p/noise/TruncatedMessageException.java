package io.mp2p.noise;

/** The message is shorter than its handshake pattern requires. */
public final class TruncatedMessageException extends NoiseException {
    private static final long serialVersionUID = 1L;

    public TruncatedMessageException(String message) {
        super(message);
    }

    public TruncatedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
