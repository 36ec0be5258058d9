package io.mp2p.cli;

import picocli.CommandLine;

/**
 * Turns an exception from a command into one line on stderr and an exit code. A stack trace helps
 * nobody who typed a wrong path; set {@code MP2P_DEBUG=1} to see it anyway.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        String message = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
        cmd.getErr().println("mp2p: " + message);
        if (System.getenv("MP2P_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        return ExitCodes.FAILURE;
    }
}
