package io.mp2p.cli.bench;

/** The benchmark cannot run here (no multicast on lo, a contender failed to start): one line for the user. */
public final class BenchException extends Exception {
    private static final long serialVersionUID = 1L;

    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
