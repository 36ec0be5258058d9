package io.mp2p.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Bulk transfer one way over a byte stream (a TCP socket or an mp2p stream, the same code for both):
 * the benchmark's thread writes {@link StreamPattern#WRITE_SIZE}-byte chunks, a reader thread reads
 * and checks every byte. A slice writes for a fixed time, then waits until every byte it wrote has
 * arrived, so nothing of one slice is counted in the next and the time runs to the last arrival.
 */
final class BulkTransfer implements AutoCloseable {
    /** The writer looks this often whether the reader has caught up. */
    private static final long DRAIN_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    /** A reliable stream on loopback that has not delivered its last bytes by then is broken. */
    private static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long JOIN_MILLIS = 1000;

    private final String name;
    private final InputStream in;
    private final OutputStream out;
    private final StreamPattern pattern = new StreamPattern();
    private final Thread reader;
    /** Bytes the reader got and checked; written after {@link #lastArrival}, so a reader of both sees them agree. */
    private volatile long received;
    private volatile long lastArrival;
    /** Why the stream cannot be measured any more, or null. */
    private volatile String broken;
    private volatile boolean closing;
    private long written;

    /** @param name what the errors call this contender ("TCP", "mp2p stream") */
    BulkTransfer(String name, InputStream in, OutputStream out) {
        this.name = name;
        this.in = in;
        this.out = out;
        this.reader = new Thread(this::read, "bench-" + name.replace(' ', '-') + "-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    private void read() {
        byte[] buf = new byte[StreamPattern.WRITE_SIZE];
        long position = 0;
        try {
            for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
                if (broken != null) {
                    continue; // keep the stream flowing, so that a writer never waits on a reader that gave up
                }
                if (!pattern.matches(buf, 0, n, position)) {
                    broken = "the bytes read at offset " + position + " are not the ones written";
                    continue;
                }
                position += n;
                lastArrival = System.nanoTime();
                received = position;
            }
            if (!closing && broken == null) {
                broken = "the stream ended after " + position + " bytes";
            }
        } catch (IOException e) {
            if (!closing && broken == null) {
                broken = "reading failed after " + position + " bytes: " + e.getMessage();
            }
        }
    }

    /** Writes for {@code writeNanos}, then waits until every byte written has arrived. */
    StreamSlice run(long writeNanos) throws IOException, BenchException {
        long first = written;
        long start = System.nanoTime();
        long end = start + writeNanos;
        do {
            out.write(pattern.bytes(), StreamPattern.offset(written), StreamPattern.WRITE_SIZE);
            written += StreamPattern.WRITE_SIZE;
        } while (System.nanoTime() - end < 0 && broken == null);
        out.flush();
        long drainEnd = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
        while (received < written && broken == null) {
            if (System.nanoTime() - drainEnd >= 0) {
                throw new BenchException(name + ": " + (written - received) + " bytes written did not arrive within "
                        + TimeUnit.NANOSECONDS.toSeconds(DRAIN_TIMEOUT_NANOS) + " s");
            }
            LockSupport.parkNanos(DRAIN_POLL_NANOS);
        }
        if (broken == null && received != written) {
            broken = received + " bytes arrived where " + written + " were written";
        }
        if (broken != null) {
            throw new BenchException(name + ": " + broken);
        }
        return new StreamSlice(written - first, lastArrival - start);
    }

    /** Tells the reader that an end of the stream from now on is the run's, not a failure; the owner then closes the stream. */
    void stopping() {
        closing = true;
    }

    /** Waits for the reader, once the owner has closed the stream. */
    @Override
    public void close() {
        closing = true;
        try {
            reader.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
