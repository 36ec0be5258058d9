package io.mp2p.cli;

/** A user's mistake or an expected failure: printed as one line, exit code {@link #exitCode()}. */
final class CliException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    CliException(String message) {
        this(message, ExitCodes.FAILURE);
    }

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
