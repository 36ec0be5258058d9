package io.mp2p.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.mp2p.ChannelClosedException;
import io.mp2p.PeerSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mp2p chat}: stdin lines to the peer, the peer's messages to stdout. At end of input it
 * waits for the peer's replies before closing, so that {@code printf 'a\nb\n' | mp2p chat ...}
 * shows them: until the peer has been quiet for {@link #QUIET}, or with {@code --expect-replies N}
 * until N messages came; never longer than {@code --timeout} after the end of input.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Send each line of stdin to a peer and print what it sends, until end of input.",
                "Then wait for the peer's replies: until it has sent nothing for 2 s (or, with",
                "--expect-replies N, until N replies came), at most --timeout; then close."})
final class ChatCommand implements Callable<Integer> {
    /** How long the peer must stay silent, after the end of input, for its replies to count as done. */
    static final Duration QUIET = Duration.ofSeconds(2);

    @Mixin
    PeerConnectionOptions connection;

    @Option(names = "--expect-replies", paramLabel = "N",
            description = "at end of input, wait for N messages in all (within --timeout); fail if fewer arrive")
    int expectReplies;

    @Override
    public Integer call() throws CliException, InterruptedException {
        OptionChecks.atLeast("--expect-replies", expectReplies, 0);
        connection.check();
        Duration timeout = connection.peer.timeout();
        Replies replies = new Replies();
        try (PeerConnectionOptions.Connection c = connection.connect()) {
            PeerSession s = c.session();
            System.err.println("mp2p: connected to " + s.peer().toHex() + "; type lines, end with Ctrl-D");
            Thread reader = new Thread(() -> read(s, replies), "mp2p-chat-reader");
            reader.setDaemon(true);
            reader.start();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                s.send(line.getBytes(StandardCharsets.UTF_8));
            }
            long endOfInput = System.nanoTime();
            long deadline = endOfInput + timeout.toNanos();
            if (expectReplies > 0) {
                replies.awaitCount(expectReplies, deadline);
            } else {
                replies.awaitQuiet(endOfInput, QUIET.toNanos(), deadline);
            }
            replies.closing();
            if (replies.count() < expectReplies) {
                throw new CliException("got " + replies.count() + " of " + expectReplies + " replies within "
                        + Channels.seconds(timeout));
            }
        } catch (IOException e) {
            throw new CliException(e.getMessage());
        }
        return ExitCodes.OK;
    }

    /** Prints the peer's messages until the session ends. */
    private static void read(PeerSession s, Replies replies) {
        try {
            while (true) {
                byte[] m = s.receive();
                System.out.println("peer: " + new String(m, StandardCharsets.UTF_8));
                System.out.flush();
                replies.printed();
            }
        } catch (ChannelClosedException e) {
            replies.ended();
            if (!replies.isClosing()) {
                System.err.println("mp2p: the peer closed the session");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
