package io.mp2p.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mp2p} command line. Subcommands each do one thing; a user's mistake (a bad flag, a
 * bad key file) ends with one clear line on stderr and a non-zero exit, never a stack trace.
 */
@Command(name = "mp2p", mixinStandardHelpOptions = true, version = "mp2p 0.1.0",
        description = "Encrypted messages between peers addressed by public key, over multicast.",
        subcommands = {KeygenCommand.class, IdCommand.class, ListenCommand.class, SendCommand.class,
                ChatCommand.class, PingCommand.class, DemoCommand.class, VectorsCommand.class,
                PipeCommand.class, BenchCommand.class,
                DoctorCommand.class,
                CommandLine.HelpCommand.class})
public final class Mp2pCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        ToolLogging.configure();
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Mp2pCommand());
        UserErrorHandler handler = new UserErrorHandler();
        cl.setExecutionExceptionHandler(handler);
        cl.setParameterExceptionHandler(handler);
        return cl;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return ExitCodes.USAGE;
    }
}
