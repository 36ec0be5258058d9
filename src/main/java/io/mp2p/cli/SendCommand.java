package io.mp2p.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.mp2p.ChannelClosedException;
import io.mp2p.Mp2pException;
import io.mp2p.PeerSession;
import io.mp2p.engine.Constants;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mp2p send}: handshake, send each message, print the replies. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Handshake with a peer, send each MESSAGE, print each reply received before the timeout.")
final class SendCommand implements Callable<Integer> {
    /** How long to wait for replies nobody asked for with --expect-replies. */
    static final Duration UNREQUESTED_REPLY_GRACE = Duration.ofMillis(500);

    @Mixin
    PeerConnectionOptions connection;

    @Option(names = "--expect-replies", paramLabel = "N",
            description = "wait for N replies (within --timeout); fail if fewer arrive")
    int expectReplies;

    @Parameters(arity = "1..*", paramLabel = "MESSAGE", description = "messages to send, one per argument")
    List<String> messages;

    @Override
    public Integer call() throws CliException, InterruptedException {
        OptionChecks.atLeast("--expect-replies", expectReplies, 0);
        connection.check();
        List<byte[]> payloads = payloads(messages);
        Duration timeout = connection.peer.timeout();
        long start = System.nanoTime();
        try (PeerConnectionOptions.Connection c = connection.connect()) {
            PeerSession s = c.session();
            for (byte[] m : payloads) {
                s.send(m);
            }
            int got = 0;
            Duration wait = expectReplies > 0 ? timeout.minusNanos(System.nanoTime() - start) : UNREQUESTED_REPLY_GRACE;
            long deadline = System.nanoTime() + Math.max(0, wait.toNanos());
            while (expectReplies == 0 || got < expectReplies) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                byte[] reply = s.receive(Duration.ofNanos(left));
                if (reply == null) {
                    break;
                }
                System.out.println(new String(reply, StandardCharsets.UTF_8));
                System.out.flush();
                got++;
            }
            if (got < expectReplies) {
                throw new CliException("got " + got + " of " + expectReplies + " replies within "
                        + Channels.seconds(timeout));
            }
        } catch (ChannelClosedException e) {
            throw new CliException("the peer closed the session");
        } catch (Mp2pException e) {
            throw new CliException(e.getMessage());
        }
        return ExitCodes.OK;
    }

    /** The messages as bytes, each checked against the largest message before any handshake is tried. */
    static List<byte[]> payloads(List<String> messages) throws CliException {
        List<byte[]> out = new ArrayList<>();
        for (String m : messages) {
            byte[] b = m.getBytes(StandardCharsets.UTF_8);
            if (b.length > Constants.MAX_MESSAGE_LENGTH) {
                throw new CliException("MESSAGE " + (out.size() + 1) + " has " + b.length + " bytes; an mp2p message"
                        + " holds at most " + Constants.MAX_MESSAGE_LENGTH + " bytes: split it into several messages",
                        ExitCodes.USAGE);
            }
            out.add(b);
        }
        return out;
    }
}
