package io.mp2p.cli.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Ping-pong: one message out, the same message echoed back by a thread on the other side. */
interface RoundTripper extends AutoCloseable {
    /** The size of every ping, in bytes. */
    int PING_SIZE = 64;
    /** A ping with no reply by then counts as lost. */
    long REPLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Sends a ping numbered {@code seq}; its round trip in nanoseconds, or -1 when no reply came in time. */
    long roundTrip(long seq) throws IOException, InterruptedException, BenchException;

    @Override
    void close();
}
