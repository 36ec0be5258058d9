package io.mp2p;

import java.io.IOException;

/** Base of mp2p's checked exceptions: each message says what happened and what to do next. */
public class Mp2pException extends IOException {
    private static final long serialVersionUID = 1L;

    public Mp2pException(String message) {
        super(message);
    }

    public Mp2pException(String message, Throwable cause) {
        super(message, cause);
    }
}
