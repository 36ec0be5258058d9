package io.mp2p.stream;

/**
 * The receiving half of a stream: the states of RFC 9000 §3.2, reassembly of out-of-order data in a
 * buffer bounded by the stream's flow-control window (§4.1), and the credit it gives the peer.
 *
 * <pre>
 *  RECV --FIN--> SIZE_KNOWN --all data--> DATA_RECVD --app read all--> DATA_READ
 *    |               |                        |
 *    +---------------+----- RESET_STREAM -----+--> RESET_RECVD --app told--> RESET_READ
 * </pre>
 */
final class ReceiveStream {
    /** RFC 9000 §3.2 receiving stream states. */
    enum State { RECV, SIZE_KNOWN, DATA_RECVD, RESET_RECVD, DATA_READ, RESET_READ }

    /** What a STREAM or RESET_STREAM frame did. */
    enum Outcome {
        /** Accepted (possibly nothing new). */
        OK,
        /** Well-formed but not stored: too many gaps (the packet must not be acknowledged). */
        NOT_STORED,
        /** Data past the credit given (RFC 9000 §4.1). */
        FLOW_CONTROL_ERROR,
        /** Data past a known final size, or a final size that changed or is below data received (§4.5). */
        FINAL_SIZE_ERROR,
    }

    private final OffsetBuffer buffer;
    private final RangeSet received = new RangeSet();
    private final int window;
    private final int maxGaps;
    private State state = State.RECV;
    private long readOffset;
    private long highestReceived;
    private long finalSize = -1;
    private long resetCode;
    /** The credit this side means to give; the peer learns it from MAX_STREAM_DATA. */
    private long maxStreamData = StreamConstants.INITIAL_MAX_STREAM_DATA;
    /** The largest credit sent so far: what the peer may be using, and the limit enforced. */
    private long maxStreamDataSent = StreamConstants.INITIAL_MAX_STREAM_DATA;
    private boolean maxStreamDataPending;
    private boolean stopped;
    private long stopCode;
    private boolean stopSendingPending;

    ReceiveStream(int window, int maxGaps) {
        this.window = window;
        this.maxGaps = maxGaps;
        this.buffer = new OffsetBuffer(window);
        updateCredit();
    }

    State state() {
        return state;
    }

    /**
     * Connection-level credit a frame ending at {@code end} would use beyond what this stream used
     * already; the caller checks it against the connection's limit before {@link #onData}.
     */
    long newCredit(long end) {
        return Math.max(0, end - highestReceived);
    }

    /** A STREAM frame (RFC 9000 §3.2, §4.5). */
    Outcome onData(long offset, boolean fin, byte[] src, int off, int len) {
        long end = offset + len;
        if (end > maxStreamDataSent) {
            return Outcome.FLOW_CONTROL_ERROR;
        }
        if (finalSize >= 0 ? (end > finalSize || (fin && end != finalSize)) : (fin && end < highestReceived)) {
            return Outcome.FINAL_SIZE_ERROR;
        }
        if (state == State.RESET_RECVD || state == State.RESET_READ || state == State.DATA_READ) {
            return Outcome.OK; // late data for a finished stream
        }
        long from = Math.max(offset, readOffset);
        if (!stopped && from < end && received.rangeCount() >= maxGaps && received.wouldAddRange(from, end)) {
            return Outcome.NOT_STORED;
        }
        highestReceived = Math.max(highestReceived, end);
        if (fin && finalSize < 0) {
            finalSize = end;
            state = State.SIZE_KNOWN;
        }
        if (!stopped && from < end) {
            buffer.put(from, src, off + (int) (from - offset), (int) (end - from));
            received.add(from, end);
        }
        if (finalSize >= 0 && state == State.SIZE_KNOWN && received.contiguousEnd(readOffset) >= finalSize) {
            state = State.DATA_RECVD;
        }
        return Outcome.OK;
    }

    /** A RESET_STREAM frame (RFC 9000 §3.2, §19.4). */
    Outcome onReset(long code, long size) {
        if ((finalSize >= 0 && size != finalSize) || size < highestReceived) {
            return Outcome.FINAL_SIZE_ERROR;
        }
        if (size > maxStreamDataSent) {
            return Outcome.FLOW_CONTROL_ERROR;
        }
        if (state == State.DATA_RECVD || state == State.DATA_READ || state == State.RESET_RECVD
                || state == State.RESET_READ) {
            return Outcome.OK; // §3.2: all data already arrived, or already reset: nothing changes
        }
        highestReceived = size;
        finalSize = size;
        resetCode = code;
        state = State.RESET_RECVD;
        discard();
        return Outcome.OK;
    }

    /** Bytes readable now, in order. */
    int available() {
        return (int) (received.contiguousEnd(readOffset) - readOffset);
    }

    /**
     * Copies up to {@code len} in-order bytes; returns the count, or −1 at the end of the stream
     * (all data read), or 0 when nothing is readable yet.
     */
    int read(byte[] dst, int off, int len) {
        if (state == State.DATA_READ) {
            return -1;
        }
        int n = Math.min(len, available());
        if (n > 0) {
            buffer.get(readOffset, dst, off, n);
            readOffset += n;
            received.removeBelow(readOffset);
            buffer.advance(readOffset, received.isEmpty());
            updateCredit();
        }
        // DATA_READ only once the application is told the end (the read that returns -1): a stream must
        // not be freed, and its id forgotten, between the read of its last bytes and that one.
        if (n == 0 && state == State.DATA_RECVD && readOffset == finalSize) {
            state = State.DATA_READ;
            return -1;
        }
        return n;
    }

    /** The application has seen the reset (RESET_READ). */
    void onResetRead() {
        if (state == State.RESET_RECVD) {
            state = State.RESET_READ;
        }
    }

    /**
     * The application will read no more (STOP_SENDING, RFC 9000 §3.5): buffered data is dropped, later
     * data counted and dropped. Returns the bytes of credit freed (for the connection's window).
     */
    long stopSending(long code) {
        if (stopped || state == State.DATA_READ || state == State.RESET_READ) {
            return 0;
        }
        stopped = true;
        stopCode = code;
        if (state == State.RECV || state == State.SIZE_KNOWN) {
            stopSendingPending = true;
        }
        return discard();
    }

    /** Drops buffered data and returns the bytes of credit released up to highest received. */
    private long discard() {
        long freed = highestReceived - readOffset;
        readOffset = highestReceived;
        received.removeBelow(Long.MAX_VALUE);
        buffer.advance(readOffset, true);
        maxStreamDataPending = false;
        return freed;
    }

    /** Credit consumed by the application (read or discarded), for the connection window. */
    long consumed() {
        return stopped || state == State.RESET_RECVD || state == State.RESET_READ ? highestReceived : readOffset;
    }

    /** RFC 9000 §4.2: offer more credit when less than half the window remains. */
    private void updateCredit() {
        if (stopped || finalSize >= 0) {
            return;
        }
        if (maxStreamData - readOffset < window / 2) {
            maxStreamData = readOffset + window;
            maxStreamDataPending = true;
        }
    }

    boolean maxStreamDataPending() {
        return maxStreamDataPending && !stopped && finalSize < 0;
    }

    long maxStreamData() {
        return maxStreamData;
    }

    void onMaxStreamDataSent() {
        maxStreamDataPending = false;
        maxStreamDataSent = Math.max(maxStreamDataSent, maxStreamData);
    }

    void onMaxStreamDataLost() {
        maxStreamDataPending = true;
    }

    boolean stopSendingPending() {
        return stopSendingPending && (state == State.RECV || state == State.SIZE_KNOWN);
    }

    long stopCode() {
        return stopCode;
    }

    void onStopSendingSent() {
        stopSendingPending = false;
    }

    void onStopSendingLost() {
        if (stopped) {
            stopSendingPending = true;
        }
    }

    boolean isStopped() {
        return stopped;
    }

    long resetCode() {
        return resetCode;
    }

    long highestReceived() {
        return highestReceived;
    }

    /** Bytes held in the buffer (received above the read offset, gaps included). */
    long buffered() {
        return received.isEmpty() ? 0 : received.end() - readOffset;
    }

    /** Memory the buffer's ring takes now. */
    int bufferCapacity() {
        return buffer.capacity();
    }

    /** Whether the stream's final size is known and its end has been handed over (or it was reset or stopped). */
    boolean isFinishedForApp() {
        return state == State.DATA_READ || state == State.RESET_READ
                || (stopped && finalSize >= 0);
    }

    boolean finalSizeKnown() {
        return finalSize >= 0;
    }
}
