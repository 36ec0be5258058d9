package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mp2p pipe} in two processes on lo: stdin of one to stdout of the other, over one stream, both ways. */
class CliPipeTest {
    @Test
    void pipeMovesStdinToThePeersStdoutBothWays(@TempDir Path dir) throws Exception {
        Cli.Pair n = Cli.Pair.create(dir);
        StringBuilder tree = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            tree.append("line ").append(i).append(" of what tar would send\n");
        }
        String toListener = tree.toString();
        String toSender = "the listener's answer\n";
        CompletableFuture<Cli.Drain> listenerErr = new CompletableFuture<>();
        CompletableFuture<Cli.Result> listener = CompletableFuture.supplyAsync(() -> {
            try {
                return Cli.run(90, Cli.onLo("pipe", n.b(), n.port(), "--listen"), Map.of(), toSender,
                        listenerErr::complete);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // A stream opened before the listener listens is refused: the sender starts once it says it waits.
        Cli.Drain err = listenerErr.get(60, TimeUnit.SECONDS);
        assertTrue(err.awaitText("waiting for one peer", 60), "the listener did not start: " + err.text());
        Cli.Result sender = Cli.run(60, Cli.onLo("pipe", n.a(), n.port(), "--peer", n.bHex()), Map.of(), toListener);
        assertEquals(0, sender.exitCode(), sender.stderr());
        Cli.Result l = listener.get(90, TimeUnit.SECONDS);
        assertEquals(0, l.exitCode(), l.stderr());
        assertEquals(toListener.length(), l.stdout().length(), "every byte of the sender's stdin");
        assertTrue(l.stdout().equals(toListener), "byte for byte");
        assertEquals(toSender, sender.stdout(), "and the other way");
    }
}
