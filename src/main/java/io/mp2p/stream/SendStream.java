package io.mp2p.stream;

/**
 * The sending half of a stream: the states of RFC 9000 §3.1, a bounded buffer of bytes written but
 * not yet acknowledged, the peer's credit (MAX_STREAM_DATA, §4.1) and what must be sent again.
 *
 * <pre>
 *  READY --write/finish--> SEND --all sent with FIN--> DATA_SENT --all acked--> DATA_RECVD
 *    |                      |                            |
 *    +------- reset --------+----------- reset ----------+--> RESET_SENT --acked--> RESET_RECVD
 * </pre>
 */
final class SendStream {
    /** RFC 9000 §3.1 sending stream states. */
    enum State { READY, SEND, DATA_SENT, DATA_RECVD, RESET_SENT, RESET_RECVD }

    /** What the next STREAM frame of this stream should carry. */
    record Chunk(long offset, int length, boolean fin, boolean newData) {
    }

    private final OffsetBuffer buffer;
    private final RangeSet acked = new RangeSet();
    private final RangeSet lost = new RangeSet();
    private State state = State.READY;
    private long writeOffset;
    private long sentOffset;
    private long maxStreamData = StreamConstants.INITIAL_MAX_STREAM_DATA;
    private boolean finRequested;
    private boolean finSent;
    private boolean finLost;
    private boolean finAcked;
    /** A frame at offset 0 (it carries the port) must be sent even with no data: the stream was opened here. */
    private boolean openPending;
    private long resetCode;
    private boolean resetPending;
    private boolean writeBlocked;

    SendStream(int bufferLimit, boolean openedLocally) {
        this.buffer = new OffsetBuffer(bufferLimit);
        this.openPending = openedLocally;
    }

    State state() {
        return state;
    }

    /** Accepts up to {@code len} bytes into the buffer; returns how many (0 when full). */
    int write(byte[] src, int off, int len) {
        if (finRequested || isReset()) {
            throw new IllegalStateException("write on a stream that was finished or reset");
        }
        long held = writeOffset - buffer.start();
        int n = (int) Math.min(len, buffer.limit() - held);
        if (n > 0) {
            buffer.put(writeOffset, src, off, n);
            writeOffset += n;
            state = State.SEND;
        }
        if (n < len) {
            writeBlocked = true;
        }
        return n;
    }

    /** The application has no more to write (FIN). */
    void finish() {
        if (isReset() || finRequested) {
            return;
        }
        finRequested = true;
        state = State.SEND;
    }

    /** Abandons the stream (RFC 9000 §3.1 "reset"); returns false when it is already reset or fully acknowledged. */
    boolean reset(long code) {
        if (isReset() || state == State.DATA_RECVD) {
            return false;
        }
        resetCode = code;
        resetPending = true;
        state = State.RESET_SENT;
        lost.removeBelow(Long.MAX_VALUE);
        acked.removeBelow(Long.MAX_VALUE);
        buffer.advance(writeOffset, true);
        writeBlocked = false;
        return true;
    }

    boolean isReset() {
        return state == State.RESET_SENT || state == State.RESET_RECVD;
    }

    /** Final size for RESET_STREAM: the bytes of credit used (RFC 9000 §4.5). */
    long finalSizeForReset() {
        return sentOffset;
    }

    long resetCode() {
        return resetCode;
    }

    boolean resetPending() {
        return resetPending;
    }

    void onResetSent() {
        resetPending = false;
    }

    void onResetLost() {
        if (state == State.RESET_SENT) {
            resetPending = true;
        }
    }

    void onResetAcked() {
        if (state == State.RESET_SENT) {
            state = State.RESET_RECVD;
            resetPending = false;
        }
    }

    /** MAX_STREAM_DATA from the peer; credit only grows (RFC 9000 §4.1). */
    void onMaxStreamData(long max) {
        maxStreamData = Math.max(maxStreamData, max);
    }

    /** Whether a STREAM frame is waiting, given {@code connCredit} bytes of connection-level credit. */
    boolean hasPending(long connCredit) {
        if (isReset()) {
            return false;
        }
        return !lost.isEmpty() || finLost || openPending
                || (sentOffset < writeOffset && sentOffset < maxStreamData && connCredit > 0)
                || (finRequested && !finSent && sentOffset == writeOffset);
    }

    /**
     * The next frame's range, at most {@code maxLen} bytes of data and at most {@code connCredit} new
     * bytes; lost data first (§13.3), then new data. Null when nothing can be sent.
     */
    Chunk nextChunk(int maxLen, long connCredit) {
        if (isReset()) {
            return null;
        }
        if (!lost.isEmpty()) {
            long from = lost.first();
            long to = Math.min(lost.contiguousEnd(from), from + maxLen);
            return new Chunk(from, (int) (to - from), finRequested && to == writeOffset, false);
        }
        if (finLost) {
            return new Chunk(writeOffset, 0, true, false);
        }
        long limit = Math.min(writeOffset, Math.min(maxStreamData, sentOffset + Math.max(0, connCredit)));
        int n = (int) Math.min(maxLen, limit - sentOffset);
        boolean fin = finRequested && !finSent && sentOffset + n == writeOffset;
        if (n > 0 || fin || (openPending && sentOffset == 0)) {
            return new Chunk(sentOffset, Math.max(0, n), fin, true);
        }
        return null;
    }

    /** Copies the chunk's bytes into {@code dst}. */
    void copy(Chunk c, byte[] dst, int off) {
        buffer.get(c.offset(), dst, off, c.length());
    }

    /** Records that {@code c} was put in a packet. */
    void onSent(Chunk c) {
        long end = c.offset() + c.length();
        if (c.newData()) {
            sentOffset = end;
        } else {
            lost.remove(c.offset(), end);
        }
        if (c.offset() == 0) {
            openPending = false;
        }
        if (state == State.READY) {
            state = State.SEND;
        }
        if (c.fin()) {
            finSent = true;
            finLost = false;
            if (state == State.SEND) {
                state = State.DATA_SENT;
            }
        }
    }

    /** A packet carrying bytes {@code offset..offset+length} (and FIN if {@code fin}) was acknowledged. */
    void onAcked(long offset, int length, boolean fin) {
        if (isReset()) {
            return;
        }
        acked.add(Math.max(offset, buffer.start()), offset + length);
        lost.remove(offset, offset + length);
        if (fin) {
            finAcked = true;
            finLost = false;
        }
        long base = acked.isEmpty() ? buffer.start() : acked.contiguousEnd(buffer.start());
        if (base > buffer.start()) {
            acked.removeBelow(base);
            buffer.advance(base, base == writeOffset);
        }
        if (finAcked && buffer.start() == writeOffset && state == State.DATA_SENT) {
            state = State.DATA_RECVD;
        }
    }

    /** A packet carrying that range was declared lost: what is not yet acknowledged goes again. */
    void onLost(long offset, int length, boolean fin) {
        if (isReset()) {
            return;
        }
        long from = Math.max(offset, buffer.start());
        long to = offset + length;
        if (from < to) {
            lost.add(from, to);
            for (java.util.Map.Entry<Long, Long> a : acked) {
                lost.remove(a.getKey(), a.getValue());
            }
        }
        if (fin && !finAcked) {
            finLost = true;
        }
        if (offset == 0 && length == 0 && !fin && sentOffset == 0) {
            openPending = true;
        }
    }

    /** Bytes of the buffer in use: written and not yet acknowledged. */
    long buffered() {
        return writeOffset - buffer.start();
    }

    /** Memory the buffer's ring takes now. */
    int bufferCapacity() {
        return buffer.capacity();
    }

    /** Whether a write came up short and room has since been made: clears the flag when true. */
    boolean takeWritable() {
        if (writeBlocked && buffered() < buffer.limit()) {
            writeBlocked = false;
            return true;
        }
        return false;
    }

    /** Whether every byte and the FIN are acknowledged, or the reset is (a terminal state). */
    boolean isTerminal() {
        return state == State.DATA_RECVD || state == State.RESET_RECVD;
    }

    long writeOffset() {
        return writeOffset;
    }

    long sentOffset() {
        return sentOffset;
    }

    boolean finRequested() {
        return finRequested;
    }
}
