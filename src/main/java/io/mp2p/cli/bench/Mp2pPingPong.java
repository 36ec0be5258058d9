package io.mp2p.cli.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

import io.mp2p.ChannelClosedException;
import io.mp2p.Mp2pException;
import io.mp2p.PeerSession;
import io.mp2p.CipherSuite;

/**
 * The same ping-pong through a pair of {@link io.mp2p.SecureMulticastChannel}s: alice's session
 * sends, a thread on bob's side receives and sends the message back, alice's session receives.
 */
final class Mp2pPingPong implements RoundTripper {
    private static final Duration RECEIVE_POLL = Duration.ofMillis(100);
    private static final long JOIN_MILLIS = 1000;

    private final Mp2pPair pair;
    private final PeerSession toBob;
    private final PeerSession toAlice;
    private final Thread echoThread;
    private final byte[] ping = new byte[PING_SIZE];
    private volatile boolean stopping;

    Mp2pPingPong(CipherSuite suite) throws IOException, BenchException, InterruptedException {
        this.pair = new Mp2pPair(suite, null);
        try {
            PeerSession[] s = pair.connect();
            this.toBob = s[0];
            this.toAlice = s[1];
        } catch (BenchException | InterruptedException | RuntimeException e) {
            pair.close();
            throw e;
        }
        this.echoThread = new Thread(this::echo, "bench-mp2p-echo");
        this.echoThread.setDaemon(true);
        this.echoThread.start();
    }

    private void echo() {
        try {
            while (!stopping) {
                byte[] m = toAlice.receive(RECEIVE_POLL);
                if (m != null) {
                    toAlice.send(m);
                }
            }
        } catch (ChannelClosedException e) {
            // close(): the run is over
        } catch (Mp2pException e) {
            System.err.println("mp2p bench: the mp2p echo stopped: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public long roundTrip(long seq) throws InterruptedException, BenchException {
        ByteBuffer.wrap(ping).putLong(0, seq);
        long start = System.nanoTime();
        try {
            toBob.send(ping);
            while (true) {
                long left = REPLY_TIMEOUT_NANOS - (System.nanoTime() - start);
                byte[] reply = left > 0 ? toBob.receive(Duration.ofNanos(left)) : null;
                if (reply == null) {
                    return -1;
                }
                if (reply.length == PING_SIZE && ByteBuffer.wrap(reply).getLong(0) == seq) {
                    return System.nanoTime() - start;
                }
                // a late echo of an earlier ping: keep waiting for this one
            }
        } catch (Mp2pException e) {
            throw new BenchException("mp2p: ping failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        stopping = true;
        pair.close();
        try {
            echoThread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
