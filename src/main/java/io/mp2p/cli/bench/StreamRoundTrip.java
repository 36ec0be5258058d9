package io.mp2p.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * Request and reply over a byte stream (a TCP socket or an mp2p stream, the same code for both): the
 * benchmark's thread writes a {@link #PING_SIZE}-byte request numbered in its first eight bytes, a
 * thread on the other side reads whole requests and writes each back, and the round trip ends when
 * the reply with that number has been read.
 */
final class StreamRoundTrip implements RoundTripper {
    private static final long JOIN_MILLIS = 1000;

    /** A read that gives up after {@link RoundTripper#REPLY_TIMEOUT_NANOS} with a {@link SocketTimeoutException}. */
    @FunctionalInterface
    interface TimedRead {
        int read(byte[] b, int off, int len) throws IOException;
    }

    private final String name;
    private final TimedRead replies;
    private final OutputStream requests;
    private final InputStream echoIn;
    private final OutputStream echoOut;
    private final Thread echoThread;
    private final byte[] request = new byte[PING_SIZE];
    private final byte[] reply = new byte[PING_SIZE];
    /** Bytes of the next reply already read: a timed-out read may leave one half read, and the stream must stay in step. */
    private int replyFilled;
    private volatile boolean closing;

    /**
     * @param replies  the requesting side's input, read with a timeout
     * @param requests the requesting side's output
     * @param echoIn   the echoing side's input
     * @param echoOut  the echoing side's output
     */
    StreamRoundTrip(String name, TimedRead replies, OutputStream requests, InputStream echoIn, OutputStream echoOut) {
        this.name = name;
        this.replies = replies;
        this.requests = requests;
        this.echoIn = echoIn;
        this.echoOut = echoOut;
        this.echoThread = new Thread(this::echo, "bench-" + name.replace(' ', '-') + "-echo");
        this.echoThread.setDaemon(true);
        this.echoThread.start();
    }

    private void echo() {
        byte[] buf = new byte[PING_SIZE];
        try {
            while (echoIn.readNBytes(buf, 0, PING_SIZE) == PING_SIZE) {
                echoOut.write(buf, 0, PING_SIZE);
                echoOut.flush();
            }
        } catch (IOException e) {
            if (!closing) {
                System.err.println("mp2p bench: the " + name + " echo stopped: " + e.getMessage());
            }
        }
    }

    @Override
    public long roundTrip(long seq) throws IOException, BenchException {
        ByteBuffer.wrap(request).putLong(0, seq);
        long start = System.nanoTime();
        requests.write(request, 0, PING_SIZE);
        requests.flush();
        while (true) {
            while (replyFilled < PING_SIZE) {
                int n;
                try {
                    n = replies.read(reply, replyFilled, PING_SIZE - replyFilled);
                } catch (SocketTimeoutException e) {
                    return -1;
                }
                if (n < 0) {
                    throw new BenchException(name + ": the echo side ended the stream");
                }
                replyFilled += n;
            }
            replyFilled = 0;
            if (ByteBuffer.wrap(reply).getLong(0) == seq) {
                return System.nanoTime() - start;
            }
            if (System.nanoTime() - start > REPLY_TIMEOUT_NANOS) {
                return -1;
            }
            // the late reply to a request that timed out: keep reading for this one
        }
    }

    /** Tells the echo thread that an end of the stream from now on is the run's, not a failure; the owner then closes the stream. */
    void stopping() {
        closing = true;
    }

    /** Waits for the echo thread, once the owner has closed the streams. */
    @Override
    public void close() {
        closing = true;
        try {
            echoThread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
