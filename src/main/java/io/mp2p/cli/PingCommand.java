package io.mp2p.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

import io.mp2p.Mp2pException;
import io.mp2p.PeerSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mp2p ping}: round-trip times to a peer running {@code mp2p listen --echo}. */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = "Measure round-trip times to a peer that runs 'mp2p listen --echo'.")
final class PingCommand implements Callable<Integer> {
    private static final String PREFIX = "ping ";
    static final String NO_ECHO_HINT = "mp2p: the session is up but the peer does not echo: is it running"
            + " 'mp2p listen --echo'?";

    @Mixin
    PeerConnectionOptions connection;

    @Option(names = "-c", paramLabel = "N", description = "number of pings (default: ${DEFAULT-VALUE})")
    int count = 5;

    @Option(names = "--interval", paramLabel = "SECONDS",
            description = "between pings: 0 to 86400 (default: ${DEFAULT-VALUE})")
    double interval = 1;

    @Override
    public Integer call() throws CliException, InterruptedException {
        OptionChecks.atLeast("-c", count, 1);
        Duration pause = OptionChecks.nonNegativeSeconds("--interval", interval);
        connection.check();
        Duration timeout = connection.peer.timeout();
        boolean hinted = false;
        List<Double> rtts = new ArrayList<>();
        try (PeerConnectionOptions.Connection c = connection.connect()) {
            PeerSession s = c.session();
            for (int seq = 1; seq <= count; seq++) {
                long sent = System.nanoTime();
                s.send((PREFIX + seq + " " + sent).getBytes(StandardCharsets.UTF_8));
                long deadline = sent + timeout.toNanos();
                while (true) {
                    long left = deadline - System.nanoTime();
                    byte[] reply = left > 0 ? s.receive(Duration.ofNanos(left)) : null;
                    if (reply == null) {
                        System.out.println("seq " + seq + ": no reply within " + Channels.seconds(timeout));
                        if (rtts.isEmpty() && !hinted && s.isOpen()) {
                            // The handshake worked, so the peer is there: it just sends nothing back.
                            System.err.println(NO_ECHO_HINT);
                            hinted = true;
                        }
                        break;
                    }
                    String text = new String(reply, StandardCharsets.UTF_8);
                    if (text.equals(PREFIX + seq + " " + sent)) {
                        double ms = (System.nanoTime() - sent) / 1e6;
                        rtts.add(ms);
                        System.out.printf("seq %d: %d bytes, rtt %.3f ms%n", seq, reply.length, ms);
                        break;
                    }
                    // An older reply that came late: ignore it.
                }
                System.out.flush();
                if (seq < count) {
                    Thread.sleep(pause.toMillis());
                }
            }
        } catch (Mp2pException e) {
            throw new CliException(e.getMessage());
        }
        int lost = count - rtts.size();
        System.out.printf("%d sent, %d received, %.0f%% loss", count, rtts.size(), 100.0 * lost / count);
        if (!rtts.isEmpty()) {
            Collections.sort(rtts);
            System.out.printf("; rtt min/median/max = %.3f/%.3f/%.3f ms", rtts.get(0), rtts.get(rtts.size() / 2),
                    rtts.get(rtts.size() - 1));
        }
        System.out.println();
        return rtts.isEmpty() ? ExitCodes.FAILURE : ExitCodes.OK;
    }
}
