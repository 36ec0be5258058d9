package io.mp2p.net.internal;

import java.io.IOException;
import java.time.Duration;

/** One port being listened on, as a bound {@code ServerSocket} is. Thread-safe. */
public interface PortListener {
    /** The port listened on (the chosen one when 0 was asked for). */
    int port();

    /**
     * The next stream opened to this port, waiting up to {@code timeout}.
     *
     * @param timeout {@link Duration#ZERO} waits without bound (SO_TIMEOUT 0)
     * @throws java.net.SocketTimeoutException when no stream arrived in time (the listener stays usable)
     * @throws java.net.SocketException        once the listener is closed, also to callers blocked here
     */
    ByteStream accept(Duration timeout) throws IOException;

    /**
     * Stops listening: blocked and later {@link #accept} calls throw, streams not yet accepted are reset, and new
     * ones are refused. Idempotent.
     */
    void close();
}
