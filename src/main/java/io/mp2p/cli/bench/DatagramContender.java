package io.mp2p.cli.bench;

import java.io.IOException;

/** One sender thread and one receiver thread moving messages over loopback, a slice at a time. */
interface DatagramContender extends AutoCloseable {
    /**
     * Sends {@code size}-byte messages for {@code sendNanos} (at least one batch, however short), then
     * waits for the last arrivals until {@code drainDeadline} at most. Messages still on their way
     * count when they arrive: read the slice's figure once the phase is over.
     */
    SliceCounter.Run run(int size, long sendNanos, long drainDeadline) throws IOException, InterruptedException, BenchException;

    /** Messages received so far, all slices together: it stops rising once the contender is still. */
    long arrived();

    @Override
    void close();
}
