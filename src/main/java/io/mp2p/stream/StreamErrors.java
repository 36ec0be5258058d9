package io.mp2p.stream;

/** Application error codes of RESET_STREAM / STOP_SENDING that the stream layer itself uses. */
public final class StreamErrors {
    /** The application abandoned the stream without a more specific code. */
    public static final long CANCELLED = 0;
    /** No listener accepts streams to the port, or the stream was given up before its port arrived. */
    public static final long REFUSED = 1;

    private StreamErrors() {
    }
}
