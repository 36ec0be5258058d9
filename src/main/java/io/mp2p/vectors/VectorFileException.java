package io.mp2p.vectors;

/** A vector file that cannot be read: missing, not JSON, or missing a field. */
public final class VectorFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public VectorFileException(String message, Throwable cause) {
        super(message, cause);
    }

    public VectorFileException(String message) {
        super(message);
    }
}
