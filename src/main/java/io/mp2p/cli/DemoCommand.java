package io.mp2p.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** {@code mp2p demo}: two nodes in one process, a handshake, and messages both ways. */
@Command(name = "demo", description = "Two nodes in one process: handshake, messages both ways, a transcript.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("mp2p demo: not yet. The two-node demo arrives with the protocol engine and the channel"
                + " (issues 3 and 4); run the tests with `mvn -B verify` meanwhile.");
        return ExitCodes.OK;
    }
}
