package io.mp2p.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;

import io.mp2p.ChannelOptions;
import io.mp2p.PeerTrustPolicy;
import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.net.PeerAddresses;
import io.mp2p.net.PeerResolver;
import io.mp2p.net.internal.ByteStream;
import io.mp2p.net.internal.PortListener;
import io.mp2p.net.internal.ChannelStreamTransport;
import io.mp2p.net.internal.StreamAcceptor;
import io.mp2p.net.internal.StreamConnector;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mp2p pipe}: netcat over one mp2p stream. stdin goes to the peer, the peer's bytes to stdout. At the end of
 * stdin the stream is half-closed, so the peer reads to its end; the command ends once the peer has finished
 * sending and, unless stdin is a terminal, stdin has ended too. {@code tar c . | mp2p pipe --peer KEY} on one
 * machine and {@code mp2p pipe --listen | tar x} on the other move a tree.
 */
@Command(name = "pipe", mixinStandardHelpOptions = true,
        description = {"Like netcat, over one stream: stdin to the peer, what it sends to stdout.",
                "--peer KEY opens the stream; --listen waits for one peer to open it.",
                "At end of stdin the peer sees end of input. The command ends once the",
                "peer has finished sending (and stdin has ended, unless it is a terminal).",
                "Move a tree: 'mp2p pipe --listen | tar x' there,",
                "             'tar c . | mp2p pipe --peer KEY' here."})
final class PipeCommand implements java.util.concurrent.Callable<Integer> {
    /** The stream port both sides use unless told otherwise (stream ports are mp2p's own, not UDP's or TCP's). */
    static final int DEFAULT_STREAM_PORT = 1;
    /** Only one peer is served, as {@code nc -l} serves one: nobody else waits. */
    static final int LISTEN_BACKLOG = 1;
    static final int COPY_BUFFER_BYTES = 64 * 1024;
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);
    static final int STDIN_FD = 0;
    static final int STDERR_FD = 2;

    // ------------------------------------------------------------------ the seam to the stream layer

    /** Streams for one run: a channel's connector and acceptor for our identity, and what closes that channel. */
    interface StreamTransport extends AutoCloseable {
        StreamConnector connector();

        StreamAcceptor acceptor();

        @Override
        void close();
    }

    /** Opens the streams of one run. Tests pass in-memory ones; the tool uses {@link #openStreams}. */
    @FunctionalInterface
    interface StreamTransports {
        StreamTransport open(Mp2pIdentity identity, ChannelOptions options) throws CliException, InterruptedException;
    }

    /**
     * Where the tool gets its streams: a channel for {@code identity} with {@code options} that carries streams.
     * The one method to fill in once the stream layer is wired to the channel.
     */
    static StreamTransport openStreams(Mp2pIdentity identity, ChannelOptions options)
            throws CliException, InterruptedException {
        ChannelStreamTransport t = new ChannelStreamTransport(Channels.open(identity, options), options, true);
        return new StreamTransport() {
            @Override
            public StreamConnector connector() {
                return t;
            }

            @Override
            public StreamAcceptor acceptor() {
                return t;
            }

            @Override
            public void close() {
                t.close();
            }
        };
    }

    // ------------------------------------------------------------------ options

    @Mixin
    KeyOption key;

    @Mixin
    NetworkOptions network;

    /** Exactly one of --listen and --peer (with its --peer-group and --timeout). */
    static final class Mode {
        @Option(names = "--listen", required = true,
                description = "wait for one peer to open the stream, then serve only it")
        boolean listen;

        /** Made here, not by picocli, so that --help shows its defaults; holds nothing unless --peer was given. */
        @ArgGroup(exclusive = false)
        PeerOptions peer = new PeerOptions();
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode = new Mode();

    @Option(names = "--stream-port", paramLabel = "N",
            description = "the stream port --listen waits on and --peer opens; both sides must use the same"
                    + " (default: ${DEFAULT-VALUE}; not the UDP --port)")
    int streamPort = DEFAULT_STREAM_PORT;

    @Option(names = "--allow", paramLabel = "FILE",
            description = "accept only the peers listed in FILE (one key per line, # comments)")
    Path allow;

    @Option(names = "--progress", negatable = true,
            description = "show bytes and rate on stderr (default: only when stderr is a terminal)")
    Boolean progress;

    private final StreamTransports transports;
    private final InputStream stdin;
    private final OutputStream stdout;
    private final PrintStream stderr;
    private final IntPredicate isTerminal;

    /** The tool's command: real stdin, stdout and stderr, streams from {@link #openStreams}. */
    PipeCommand() {
        this(PipeCommand::openStreams, System.in, new FileOutputStream(FileDescriptor.out), System.err,
                PipeCommand::isTerminal);
    }

    /** For tests: other streams and standard files; {@code isTerminal} answers for file descriptors 0 and 2. */
    PipeCommand(StreamTransports transports, InputStream stdin, OutputStream stdout, PrintStream stderr,
                IntPredicate isTerminal) {
        this.transports = transports;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.isTerminal = isTerminal;
    }

    @Override
    public Integer call() throws CliException, InterruptedException {
        OptionChecks.port("--stream-port", streamPort);
        ChannelOptions.Builder b = Channels.withProgress(network.builder(), stderr);
        PeerKey peer = null;
        InetSocketAddress group = null;
        if (!mode.listen) {
            peer = mode.peer.key();
            group = mode.peer.group(network.port);
            b.connectTimeout(mode.peer.timeout());
            if (group != null) {
                b.peerPort(group.getPort());
            }
        }
        if (allow != null) {
            try {
                b.trustPolicy(PeerTrustPolicy.allowList(allow));
            } catch (KeyFormatException e) {
                throw new CliException(e.getMessage());
            }
        }
        ChannelOptions options = b.build();
        Mp2pIdentity id = key.load();
        try (StreamTransport t = transports.open(id, options)) {
            ByteStream stream = peer == null ? accept(t.acceptor(), id.publicKey())
                    : open(t.connector(), peer, where(peer, group, options), mode.peer.timeout());
            try {
                copy(stream);
            } finally {
                stream.close();
            }
        } finally {
            id.destroy();
        }
        return ExitCodes.OK;
    }

    /** The peer's address: at the group it chose (--peer-group or its node record), else at its derived one. */
    private static InetAddress where(PeerKey peer, InetSocketAddress group, ChannelOptions options) {
        return group != null ? PeerAddresses.address(peer, group.getAddress()) : PeerResolver.of(options).address(peer);
    }

    private ByteStream open(StreamConnector connector, PeerKey peer, InetAddress where, Duration timeout)
            throws CliException, InterruptedException {
        CompletableFuture<ByteStream> f = connector.open(peer, where, streamPort);
        try {
            ByteStream s = f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            stderr.println("mp2p: connected to " + peer.toHex() + " stream port " + streamPort);
            return s;
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new CliException("no stream to " + peer.toHex() + " within " + Channels.seconds(timeout));
        } catch (InterruptedException e) {
            f.cancel(false);
            throw e;
        } catch (CancellationException e) {
            throw new CliException("the stream to " + peer.toHex() + " was withdrawn");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new CliException("cannot open stream port " + streamPort + " on " + peer.toHex() + ": "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
        }
    }

    private ByteStream accept(StreamAcceptor acceptor, PeerKey me) throws CliException {
        try {
            PortListener l = acceptor.listen(streamPort, LISTEN_BACKLOG);
            try {
                stderr.println("mp2p: waiting for one peer on stream port " + l.port() + " (my key: " + me.toHex()
                        + ")");
                ByteStream s = l.accept(Duration.ZERO);
                stderr.println("mp2p: connected to " + s.peer().toHex());
                return s;
            } finally {
                l.close();
            }
        } catch (IOException e) {
            throw new CliException("cannot listen on stream port " + streamPort + ": " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ copying

    /**
     * stdin to the stream on a thread of its own (FIN at its end), the stream to stdout on this one. Ends when the
     * peer has finished sending, and our stdin has ended too unless it is a terminal nobody may ever close.
     */
    void copy(ByteStream stream) throws CliException, InterruptedException {
        Progress shown = new Progress(stderr, isTerminal.test(STDERR_FD));
        boolean showProgress = progress != null ? progress : isTerminal.test(STDERR_FD);
        AtomicReference<IOException> stdinError = new AtomicReference<>();
        AtomicReference<IOException> sendError = new AtomicReference<>();
        Thread up = new Thread(() -> send(stream, shown.sent, stdinError, sendError), "mp2p-pipe-stdin");
        up.setDaemon(true);
        ScheduledExecutorService ticker = showProgress ? startTicker(shown) : null;
        up.start();
        try {
            receive(stream, shown.received, stdinError);
            if (!isTerminal.test(STDIN_FD)) {
                up.join();
            }
        } finally {
            if (ticker != null) {
                ticker.shutdownNow();
            }
        }
        if (showProgress) {
            shown.finish();
        }
        IOException e = stdinError.get() != null ? stdinError.get() : sendError.get();
        if (e != null) {
            throw new CliException(describe(e));
        }
    }

    /** Copies stdin into the stream, then sends FIN. Errors are kept for the reader thread to report. */
    private void send(ByteStream stream, AtomicLong sent, AtomicReference<IOException> stdinError,
                      AtomicReference<IOException> sendError) {
        byte[] buf = new byte[COPY_BUFFER_BYTES];
        while (true) {
            int n;
            try {
                n = stdin.read(buf);
            } catch (IOException e) {
                stdinError.set(new IOException("cannot read stdin: " + e.getMessage(), e));
                // The peer must not take a truncated input for a whole one.
                stream.abort();
                return;
            }
            try {
                if (n < 0) {
                    stream.shutdownOutput();
                    return;
                }
                stream.write(buf, 0, n);
                sent.addAndGet(n);
            } catch (IOException e) {
                sendError.set(e);
                return;
            }
        }
    }

    /** Copies the stream to stdout until the peer's FIN. */
    private void receive(ByteStream stream, AtomicLong received, AtomicReference<IOException> stdinError)
            throws CliException {
        byte[] buf = new byte[COPY_BUFFER_BYTES];
        try {
            for (int n; (n = stream.read(buf, 0, buf.length, Duration.ZERO)) >= 0; ) {
                stdout.write(buf, 0, n);
                stdout.flush();
                received.addAndGet(n);
            }
            stdout.flush();
        } catch (IOException e) {
            IOException first = stdinError.get();
            throw new CliException(describe(first != null ? first : e));
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return m.toLowerCase(Locale.ROOT).contains("reset") ? "the stream was reset (" + m + ")" : m;
    }

    private static ScheduledExecutorService startTicker(Progress shown) {
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "mp2p-pipe-progress");
            th.setDaemon(true);
            return th;
        });
        long every = PROGRESS_INTERVAL.toMillis();
        t.scheduleAtFixedRate(shown::show, every, every, TimeUnit.MILLISECONDS);
        return t;
    }

    /** Bytes each way and the rate: redrawn in place on a terminal, one line per interval elsewhere. */
    static final class Progress {
        private static final double NANOS_PER_SECOND = 1e9;
        private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};
        private static final double UNIT = 1024;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        private final PrintStream err;
        private final boolean terminal;
        private final long start = System.nanoTime();

        Progress(PrintStream err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        synchronized void show() {
            String line = line();
            if (terminal) {
                err.print("\r" + line + "\u001b[K");
                err.flush();
            } else {
                err.println(line);
            }
        }

        synchronized void finish() {
            if (terminal) {
                err.print("\r\u001b[K");
            }
            err.println(line());
        }

        String line() {
            double seconds = Math.max(System.nanoTime() - start, 1) / NANOS_PER_SECOND;
            long s = sent.get();
            long r = received.get();
            return String.format(Locale.ROOT, "mp2p: sent %s, received %s in %.1f s (%s/s)", bytes(s), bytes(r),
                    seconds, bytes((long) ((s + r) / seconds)));
        }

        /** 1536 as "1.5 KiB". */
        static String bytes(long n) {
            double v = n;
            int u = 0;
            while (v >= UNIT && u < UNITS.length - 1) {
                v /= UNIT;
                u++;
            }
            return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
        }
    }

    /**
     * Whether file descriptor {@code fd} is a terminal. Java tells only whether stdin and stdout both are
     * ({@code System.console()}); Linux's /proc tells each, and elsewhere the answer is no (--progress forces).
     */
    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
