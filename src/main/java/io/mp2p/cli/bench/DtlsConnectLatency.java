package io.mp2p.cli.bench;

import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLEngine;

/**
 * How long a full DTLS 1.2 handshake takes over UDP on 127.0.0.1, client on the benchmark's thread
 * and server on a thread of its own, each with a fresh socket pair and fresh engines: from the
 * client's first flight until both sides have finished.
 */
final class DtlsConnectLatency implements AutoCloseable {
    static final long HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final DtlsContext context;
    private final ExecutorService server = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bench-dtls-server");
        t.setDaemon(true);
        return t;
    });

    DtlsConnectLatency(DtlsContext context) {
        this.context = context;
    }

    /** One handshake's duration in nanoseconds, or -1 when it failed or timed out. */
    long handshake() throws IOException, InterruptedException {
        try (DatagramChannel c = DtlsSocketHandshake.socket(); DatagramChannel s = DtlsSocketHandshake.socket()) {
            DtlsSocketHandshake.connect(c, s);
            SSLEngine client = context.engine(true);
            SSLEngine serverEngine = context.engine(false);
            long deadline = System.nanoTime() + HANDSHAKE_TIMEOUT_NANOS;
            Future<Long> serverDone = server.submit(() -> {
                DtlsSocketHandshake.run(serverEngine, s, deadline);
                return System.nanoTime();
            });
            long start = System.nanoTime();
            try {
                DtlsSocketHandshake.run(client, c, deadline);
            } catch (IOException e) {
                serverDone.cancel(true);
                return -1;
            }
            long clientDone = System.nanoTime();
            try {
                long end = Math.max(clientDone, serverDone.get(HANDSHAKE_TIMEOUT_NANOS, TimeUnit.NANOSECONDS));
                return end - start;
            } catch (ExecutionException | TimeoutException e) {
                serverDone.cancel(true);
                return -1;
            }
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
