package io.mp2p.cli.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.mp2p.HandshakeTimeoutException;
import io.mp2p.Mp2pException;
import io.mp2p.PeerSession;
import io.mp2p.CipherSuite;

/**
 * How long {@link io.mp2p.SecureMulticastChannel#connect} takes on {@code lo}: a full IK handshake
 * (one round trip) plus the hops between the caller and both I/O threads, as an application sees
 * it. Each measurement closes the session first, so every connect is a fresh handshake.
 */
final class Mp2pConnectLatency implements AutoCloseable {
    /**
     * At most 50 connects a second: the responder counts handshakes and, above 128 a second
     * (HANDSHAKE_LOAD_THRESHOLD), asks for cookies, which would add a round trip a single connect never pays.
     */
    private static final long MIN_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Mp2pPair pair;
    private long lastStart = System.nanoTime() - MIN_SPACING_NANOS;

    Mp2pConnectLatency(CipherSuite suite) throws IOException {
        // Bob's side sessions are not read: a listener that keeps none lets them end when alice closes.
        this.pair = new Mp2pPair(suite, s -> { });
    }

    /** One connect's duration in nanoseconds, or -1 when it timed out. */
    long connect() throws BenchException, InterruptedException {
        long wait = lastStart + MIN_SPACING_NANOS - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        long start = System.nanoTime();
        lastStart = start;
        try {
            PeerSession s = pair.alice.connect(pair.bobId.publicKey());
            long nanos = System.nanoTime() - start;
            s.close();
            return nanos;
        } catch (HandshakeTimeoutException e) {
            return -1;
        } catch (Mp2pException e) {
            throw new BenchException("mp2p: connect failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pair.close();
    }
}
