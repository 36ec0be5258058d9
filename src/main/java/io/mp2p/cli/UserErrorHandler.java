package io.mp2p.cli;

import picocli.CommandLine;

/**
 * Turns an exception from a command into one line on stderr and an exit code. A stack trace helps
 * nobody who typed a wrong path; set {@code MP2P_DEBUG=1} to see it anyway. Bugs (unchecked
 * exceptions) say so, and still print one line.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        String message = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
        if (ex instanceof RuntimeException) {
            message = "internal error (" + ex.getClass().getSimpleName() + "): " + message
                    + " — please report it; MP2P_DEBUG=1 shows the stack trace";
        }
        cmd.getErr().println("mp2p: " + message);
        if (System.getenv("MP2P_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        return ex instanceof CliException c ? c.exitCode() : ExitCodes.FAILURE;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        cmd.getErr().println("mp2p: " + ex.getMessage());
        cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        return ExitCodes.USAGE;
    }
}
