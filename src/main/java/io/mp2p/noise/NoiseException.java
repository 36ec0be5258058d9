package io.mp2p.noise;

import java.security.GeneralSecurityException;

/** A Noise message could not be written or read; subclasses say why. */
public class NoiseException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public NoiseException(String message) {
        super(message);
    }

    public NoiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
