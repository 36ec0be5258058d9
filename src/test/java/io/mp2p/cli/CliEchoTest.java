package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mp2p.ChannelOptions;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/**
 * {@code listen --echo} and piped {@code chat} with senders that leave at once (issue 8, item 5):
 * every message is printed by the listener, and a piped chat shows the peer's replies before it
 * closes. Each round repeats the race, which the old tool lost in some rounds and not others.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CliEchoTest {
    private static final int ROUNDS = 5;
    private static final List<String> LINES = List.of("one", "two", "three", "four");

    /** A sender that sends four messages and closes at once: the listener's echoes then fail. */
    @Test
    void listenEchoPrintsEveryMessageOfASenderThatLeavesAtOnce(@TempDir Path dir) throws Exception {
        Cli.Pair n = Cli.Pair.create(dir);
        ChannelOptions options = ChannelOptions.builder().networkInterface("lo").ttl(0)
                .port(Integer.parseInt(n.port())).connectTimeout(Duration.ofSeconds(20)).build();
        Mp2pIdentity a = Mp2pIdentity.load(n.a());
        try (Cli.Background listen = new Cli.Background(Cli.onLo("listen", n.b(), n.port(), "--echo"));
             SecureMulticastChannel channel = SecureMulticastChannel.open(a, options)) {
            listen.await("my record: ", 30);
            for (int round = 0; round < ROUNDS; round++) {
                try (PeerSession s = channel.connect(PeerKey.parse(n.bHex()))) {
                    for (String line : LINES) {
                        s.send((round + " " + line).getBytes(StandardCharsets.UTF_8));
                    }
                }
                for (String line : LINES) {
                    // Datagrams may be reordered, so each round's four lines are awaited as a set.
                    String got = listen.await(n.aHex() + " " + round + " ", 10);
                    assertEquals(true, LINES.contains(got.substring(got.lastIndexOf(' ') + 1)), got);
                }
            }
        } finally {
            a.destroy();
        }
    }

    @Test
    void pipedChatPrintsThePeersEchoesBeforeItCloses(@TempDir Path dir) throws Exception {
        Cli.Pair n = Cli.Pair.create(dir);
        String input = String.join("\n", LINES) + "\n";
        try (Cli.Background listen = new Cli.Background(Cli.onLo("listen", n.b(), n.port(), "--echo"))) {
            listen.await("my record: ", 30);
            for (int round = 0; round < ROUNDS; round++) {
                // The last round relies on the default rule (wait until the peer is quiet), the others
                // on --expect-replies.
                List<String> cmd = round < ROUNDS - 1
                        ? Cli.onLo("chat", n.a(), n.port(), "--peer", n.bHex(), "--timeout", "20",
                                "--expect-replies", String.valueOf(LINES.size()))
                        : Cli.onLo("chat", n.a(), n.port(), "--peer", n.bHex(), "--timeout", "20");
                Cli.Result r = Cli.run(60, cmd, Map.of(), input);
                assertEquals(0, r.exitCode(), r.stderr());
                assertEquals(LINES.stream().map(l -> "peer: " + l).sorted().toList(),
                        r.stdout().lines().sorted().toList(), "round " + round + ": " + r.stderr());
                for (int i = 0; i < LINES.size(); i++) {
                    listen.await(n.aHex() + " ", 10);
                }
            }
        }
    }

    @Test
    void pipedChatWithTooFewRepliesFailsLikeSend(@TempDir Path dir) throws Exception {
        Cli.Pair n = Cli.Pair.create(dir);
        try (Cli.Background listen = new Cli.Background(Cli.onLo("listen", n.b(), n.port()))) {
            listen.await("my record: ", 30);
            Cli.Result r = Cli.run(60, Cli.onLo("chat", n.a(), n.port(), "--peer", n.bHex(), "--timeout", "3",
                    "--expect-replies", "1"), Map.of(), "no echo here\n");
            assertEquals(ExitCodes.FAILURE, r.exitCode(), r.stderr());
            assertEquals("mp2p: got 0 of 1 replies within 3.0 s", r.stderr().strip().lines()
                    .reduce((x, y) -> y).orElse(""));
            assertEquals(n.aHex() + " no echo here", listen.await(n.aHex(), 10));
        }
    }
}
