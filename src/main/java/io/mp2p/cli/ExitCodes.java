package io.mp2p.cli;

/** Exit codes of the {@code mp2p} tool. */
final class ExitCodes {
    private ExitCodes() {
    }

    static final int OK = 0;
    /** A command failed at run time (peer unreachable, vectors failed, bad key file). */
    static final int FAILURE = 1;
    /** The command line itself was wrong (picocli's convention). */
    static final int USAGE = 2;
}
