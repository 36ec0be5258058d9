package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.net.PeerResolver;
import io.mp2p.net.internal.MemoryStreams;
import picocli.CommandLine;

/**
 * {@code mp2p pipe}: its arguments through the real command line, and its copy loop between a listener and a peer
 * over in-memory streams (the seam the stream layer will fill).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipeCommandTest {
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final int PAYLOAD_BYTES = 300 * 1024;
    private static final long WAIT_SECONDS = 20;
    private static final IntPredicate NO_TERMINAL = fd -> false;

    @TempDir
    Path dir;

    private Path aKey;
    private Path bKey;
    private String bHex;
    private final MemoryStreams net = new MemoryStreams(BUFFER_BYTES, PeerResolver.standard());
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void keys() throws Exception {
        aKey = dir.resolve("a.pem");
        bKey = dir.resolve("b.pem");
        Mp2pIdentity a = Mp2pIdentity.generate();
        Mp2pIdentity b = Mp2pIdentity.generate();
        a.save(aKey, false);
        b.save(bKey, false);
        bHex = b.publicKey().toHex();
        a.destroy();
        b.destroy();
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** One in-process run of the command line. */
    private record Run(int exitCode, byte[] stdout, String stderr) {
    }

    /** A thread-safe stderr that tests can watch while the command runs. */
    /** How long a wait for the listener's output goes before it looks whether the listener ended. */
    private static final long AWAIT_SLICE_MILLIS = 100;

    private static final class Watched extends ByteArrayOutputStream {
        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }

        @Override
        public synchronized void write(int b) {
            super.write(b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, len);
            notifyAll();
        }

        /** Waits up to {@code millis} for more output, or returns at once if some came meanwhile. */
        synchronized void awaitMore(int seen, long millis) throws InterruptedException {
            if (count == seen && millis > 0) {
                wait(millis);
            }
        }
    }

    /** Runs {@code mp2p pipe ARGS} with in-memory streams and the given standard files. */
    private Future<Run> pipe(InputStream stdin, Watched stderr, IntPredicate terminal, String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        PipeCommand cmd = new PipeCommand((id, options) -> transport(id), stdin, stdout, err, terminal);
        CommandLine cl = new CommandLine(cmd);
        UserErrorHandler handler = new UserErrorHandler();
        cl.setExecutionExceptionHandler(handler);
        cl.setParameterExceptionHandler(handler);
        cl.setErr(new PrintWriter(err, true));
        return threads.submit(() -> new Run(cl.execute(args), stdout.toByteArray(), stderr.text()));
    }

    private PipeCommand.StreamTransport transport(Mp2pIdentity id) {
        MemoryStreams.Node node = net.node(id.publicKey());
        return new PipeCommand.StreamTransport() {
            @Override
            public io.mp2p.net.internal.StreamConnector connector() {
                return node;
            }

            @Override
            public io.mp2p.net.internal.StreamAcceptor acceptor() {
                return node;
            }

            @Override
            public void close() {
                // In-memory: nothing to release.
            }
        };
    }

    private static String[] args(Path key, String... rest) {
        List<String> all = new ArrayList<>(List.of("-k", key.toString(), "--interface", "lo", "--ttl", "0"));
        all.addAll(List.of(rest));
        return all.toArray(new String[0]);
    }

    /** Starts a listener with {@code stdin} and waits until it listens. */
    private Future<Run> listener(InputStream stdin, Watched err, IntPredicate terminal, String... extra)
            throws InterruptedException {
        Future<Run> run = pipe(stdin, err, terminal, args(bKey, concat("--listen", extra)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            int seen = err.size();
            if (err.text().contains("waiting for one peer")) {
                break;
            }
            assertTrue(System.nanoTime() < deadline && !run.isDone(), "the listener did not start: " + err.text());
            // Woken by the listener's next output; the bound only lets the loop see a listener that ended.
            err.awaitMore(seen, AWAIT_SLICE_MILLIS);
        }
        return run;
    }

    private static String[] concat(String first, String... rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all.toArray(new String[0]);
    }

    private static byte[] random(long seed) {
        byte[] b = new byte[PAYLOAD_BYTES];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Run done(Future<Run> f) throws Exception {
        return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aPeerAndAListenerCopyBothWaysWithProgress() throws Exception {
        byte[] toPeer = random(1);
        byte[] toListener = random(2);
        Watched listenerErr = new Watched();
        Future<Run> l = listener(new ByteArrayInputStream(toPeer), listenerErr, NO_TERMINAL);
        Run p = done(pipe(new ByteArrayInputStream(toListener), new Watched(), NO_TERMINAL,
                args(aKey, "--peer", bHex, "--progress")));
        Run lr = done(l);
        assertEquals(0, p.exitCode(), p.stderr());
        assertEquals(0, lr.exitCode(), lr.stderr());
        assertArrayEquals(toPeer, p.stdout(), "the listener's stdin is the peer's stdout");
        assertArrayEquals(toListener, lr.stdout(), "and the other way");
        assertTrue(p.stderr().contains("mp2p: connected to " + bHex), p.stderr());
        assertTrue(p.stderr().contains("mp2p: sent 300.0 KiB, received 300.0 KiB in "), p.stderr());
        assertTrue(!lr.stderr().contains("mp2p: sent"), "no progress unless asked or on a terminal: " + lr.stderr());
    }

    @Test
    void theListenerEndsWhenThePeerFinishesThoughItsTerminalStaysOpen() throws Exception {
        byte[] data = random(3);
        // A terminal nobody types into: reading it never ends.
        PipedInputStream quietTerminal = new PipedInputStream(new PipedOutputStream());
        Future<Run> l = listener(quietTerminal, new Watched(), fd -> fd == PipeCommand.STDIN_FD);
        Run p = done(pipe(new ByteArrayInputStream(data), new Watched(), NO_TERMINAL, args(aKey, "--peer", bHex)));
        Run lr = done(l);
        assertEquals(0, lr.exitCode(), lr.stderr());
        assertEquals(0, p.exitCode(), p.stderr());
        assertArrayEquals(data, lr.stdout());
        assertEquals(0, p.stdout().length);
    }

    @Test
    void aBrokenStdinResetsTheStreamAndBothSidesSaySo() throws Exception {
        Future<Run> l = listener(new ByteArrayInputStream(new byte[0]), new Watched(), NO_TERMINAL);
        InputStream failing = new InputStream() {
            private int left = BUFFER_BYTES;

            @Override
            public int read() throws IOException {
                if (left-- > 0) {
                    return 'x';
                }
                throw new IOException("Input/output error");
            }
        };
        Run p = done(pipe(failing, new Watched(), NO_TERMINAL, args(aKey, "--peer", bHex)));
        Run lr = done(l);
        assertEquals(ExitCodes.FAILURE, p.exitCode());
        assertTrue(p.stderr().contains("mp2p: cannot read stdin: Input/output error"), p.stderr());
        assertEquals(ExitCodes.FAILURE, lr.exitCode(), "a truncated input is not taken for a whole one");
        assertTrue(lr.stderr().contains("mp2p: the stream was reset"), lr.stderr());
    }

    @Test
    void aPeerWithNobodyListeningFailsInOneLine() throws Exception {
        Run p = done(pipe(new ByteArrayInputStream(new byte[0]), new Watched(), NO_TERMINAL,
                args(aKey, "--peer", bHex, "--stream-port", "7")));
        assertEquals(ExitCodes.FAILURE, p.exitCode());
        assertTrue(p.stderr().startsWith("mp2p: cannot open stream port 7 on " + bHex + ": Connection refused"),
                p.stderr());
        assertEquals(1, p.stderr().strip().lines().count(), "one line, no stack trace: " + p.stderr());
    }

    /** Runs the registered command, as the tool does. */
    private static Run tool(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Mp2pCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int code = cl.execute(args);
        return new Run(code, new byte[0], err.toString());
    }

    @Test
    void argumentMistakesAreUsageErrorsInOneLine() {
        Run none = tool("pipe");
        assertEquals(ExitCodes.USAGE, none.exitCode());
        assertTrue(none.stderr().contains("--listen") && none.stderr().contains("--peer"), none.stderr());
        Run both = tool("pipe", "-k", bKey.toString(), "--listen", "--peer", bHex);
        assertEquals(ExitCodes.USAGE, both.exitCode(), both.stderr());
        assertTrue(both.stderr().contains("mutually exclusive"), both.stderr());
        Run badKey = tool("pipe", "-k", bKey.toString(), "--peer", "not-a-key");
        assertEquals(ExitCodes.USAGE, badKey.exitCode(), badKey.stderr());
        assertTrue(badKey.stderr().startsWith("mp2p: --peer: "), badKey.stderr());
        Run badPort = tool("pipe", "-k", bKey.toString(), "--listen", "--stream-port", "0");
        assertEquals(ExitCodes.USAGE, badPort.exitCode());
        assertTrue(badPort.stderr().startsWith("mp2p: --stream-port must be from 1 to 65535, got 0"),
                badPort.stderr());
    }

    @Test
    void byteCountsReadAsPeopleWriteThem() {
        assertEquals("0 B", PipeCommand.Progress.bytes(0));
        assertEquals("1023 B", PipeCommand.Progress.bytes(1023));
        assertEquals("1.5 KiB", PipeCommand.Progress.bytes(1536));
        assertEquals("10.0 MiB", PipeCommand.Progress.bytes(10L << 20));
        assertEquals("2.0 GiB", PipeCommand.Progress.bytes(2L << 30));
    }
}
