package io.mp2p.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import io.mp2p.ChannelClosedException;
import io.mp2p.PeerSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mp2p chat}: stdin lines to the peer, the peer's messages to stdout. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Send each line of stdin to a peer and print what it sends, until end of input.")
final class ChatCommand implements Callable<Integer> {
    @Mixin
    PeerConnectionOptions connection;

    @Override
    public Integer call() throws CliException, InterruptedException {
        try (PeerConnectionOptions.Connection c = connection.connect()) {
            PeerSession s = c.session();
            System.err.println("mp2p: connected to " + s.peer().toHex() + "; type lines, end with Ctrl-D");
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        byte[] m = s.receive();
                        System.out.println("peer: " + new String(m, StandardCharsets.UTF_8));
                        System.out.flush();
                    }
                } catch (ChannelClosedException e) {
                    System.err.println("mp2p: the session closed");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "mp2p-chat-reader");
            reader.setDaemon(true);
            reader.start();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                s.send(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new CliException(e.getMessage());
        }
        return ExitCodes.OK;
    }
}
