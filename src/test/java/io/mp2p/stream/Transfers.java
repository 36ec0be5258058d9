package io.mp2p.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * Test applications: bulk transfers over streams, each a writer on one side and a reader on the
 * other, driven by the connections' events (a reader reads only after {@code Readable}, a writer
 * writes again only after {@code Writable}), checking every byte.
 */
final class Transfers implements SimPair.App {
    private static final int CHUNK = 64 * 1024;

    /** One stream's transfer: {@code total} bytes of {@link TestData} {@code seed}, then FIN. */
    static final class Transfer {
        final int port;
        final long seed;
        final long total;
        long writerId = StreamConnection.NO_STREAM;
        long readerId = StreamConnection.NO_STREAM;
        long written;
        long read;
        long firstMismatch = -1;
        long openedAt = -1;
        long completedAt = -1;
        boolean readerFinished;
        boolean writerSawEnd;
        /** The reader stops reading while this is true (a stalled application). */
        boolean readerPaused;
        /** Set by {@link #resume}: read once without waiting for an event (bytes already signalled). */
        boolean resumeRequested;
        private final byte[] pending = new byte[CHUNK];
        private int pendingOff;
        private int pendingLen;

        Transfer(int port, long seed, long total) {
            this.port = port;
            this.seed = seed;
            this.total = total;
        }

        boolean complete() {
            return completedAt >= 0;
        }

        /** Goodput in bytes per simulated second, from open to the last byte read. */
        double goodput() {
            return total / SimPair.toSeconds(completedAt - openedAt);
        }
    }

    final List<Transfer> writing = new ArrayList<>();
    final List<Transfer> reading = new ArrayList<>();
    private final byte[] readBuf = new byte[CHUNK];

    /** Starts a transfer from {@code from} to {@code to}; both sides' apps must be {@link Transfers}. */
    static Transfer start(SimPair sim, SimPair.Side from, SimPair.Side to, int port, long seed, long total) {
        Transfer t = new Transfer(port, seed, total);
        ((Transfers) from.app).writing.add(t);
        ((Transfers) to.app).reading.add(t);
        return t;
    }

    /** Lets a paused reader read again. */
    static void resume(Transfer t) {
        t.readerPaused = false;
        t.resumeRequested = true;
    }

    static Transfers install(SimPair.Side side) {
        Transfers t = new Transfers();
        side.app = t;
        return t;
    }

    @Override
    public void step(SimPair sim, SimPair.Side side, List<StreamEvent> events) {
        StreamConnection c = side.conn;
        for (Transfer t : writing) {
            if (t.writerId == StreamConnection.NO_STREAM) {
                t.writerId = c.openStream(t.port);
                if (t.writerId != StreamConnection.NO_STREAM) {
                    t.openedAt = sim.now;
                    write(c, t);
                }
            }
        }
        for (StreamEvent e : events) {
            if (e instanceof StreamEvent.StreamOpened o) {
                for (Transfer t : reading) {
                    if (t.port == o.port() && t.readerId == StreamConnection.NO_STREAM) {
                        t.readerId = o.streamId();
                        read(sim, c, t);
                    }
                }
            } else if (e instanceof StreamEvent.Readable r) {
                for (Transfer t : reading) {
                    if (t.readerId == r.streamId()) {
                        read(sim, c, t);
                    }
                }
                for (Transfer t : writing) {
                    if (t.writerId == r.streamId()) {
                        drainEnd(c, t);
                    }
                }
            } else if (e instanceof StreamEvent.Writable w) {
                for (Transfer t : writing) {
                    if (t.writerId == w.streamId()) {
                        write(c, t);
                    }
                }
            }
        }
        for (Transfer t : reading) {
            if (t.resumeRequested && t.readerId != StreamConnection.NO_STREAM) {
                t.resumeRequested = false;
                read(sim, c, t); // no new Readable comes for bytes signalled while paused
            }
        }
    }

    private static void write(StreamConnection c, Transfer t) {
        while (t.written < t.total) {
            if (t.pendingLen == 0) {
                t.pendingOff = 0;
                t.pendingLen = (int) Math.min(CHUNK, t.total - t.written);
                TestData.fill(t.seed, t.written, t.pending, 0, t.pendingLen);
            }
            int n = c.write(t.writerId, t.pending, t.pendingOff, t.pendingLen);
            if (n <= 0) {
                return;
            }
            t.written += n;
            t.pendingOff += n;
            t.pendingLen -= n;
        }
        c.finish(t.writerId);
    }

    private void read(SimPair sim, StreamConnection c, Transfer t) {
        if (t.readerPaused) {
            return;
        }
        while (true) {
            int n = c.read(t.readerId, readBuf, 0, readBuf.length);
            if (n > 0) {
                if (t.firstMismatch < 0) {
                    int m = TestData.firstMismatch(t.seed, t.read, readBuf, 0, n);
                    if (m >= 0) {
                        t.firstMismatch = t.read + m;
                    }
                }
                t.read += n;
                continue;
            }
            if (n == StreamConnection.END_OF_STREAM && !t.readerFinished) {
                t.readerFinished = true;
                t.completedAt = sim.now;
                c.finish(t.readerId); // nothing to send back: close our half too
            }
            return;
        }
    }

    /** The writer's side reads its (empty) receiving half to the end, so that the stream can close. */
    private void drainEnd(StreamConnection c, Transfer t) {
        int n;
        while ((n = c.read(t.writerId, readBuf, 0, readBuf.length)) > 0) {
            t.firstMismatch = Math.max(t.firstMismatch, 0); // the reader sent data it should not have
        }
        if (n == StreamConnection.END_OF_STREAM) {
            t.writerSawEnd = true;
        }
    }
}
