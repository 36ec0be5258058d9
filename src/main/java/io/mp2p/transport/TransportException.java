package io.mp2p.transport;

import java.io.IOException;

/** A socket or interface problem, with a message that says what to do about it. */
public class TransportException extends IOException {
    private static final long serialVersionUID = 1L;

    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
