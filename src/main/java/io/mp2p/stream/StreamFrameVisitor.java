package io.mp2p.stream;

/**
 * Receives the frames of a validated stream-layer run, in order (spec/STREAMS.md §3). Byte ranges
 * point into the caller's buffer and the {@link AckFrame} is reused: copy what must outlive the call.
 */
public interface StreamFrameVisitor {
    /** The PACKET_NUMBER frame that starts every run. */
    void onPacketNumber(int senderEpoch, int receiverEpoch, long packetNumber);

    /** An ACK frame. */
    void onAck(AckFrame ack);

    /**
     * A STREAM frame: bytes {@code offset .. offset+len} of stream {@code streamId} in
     * {@code buf[off..off+len)}; {@code port} is 0..65535 when {@code offset == 0}, else −1.
     */
    void onStream(long streamId, long offset, int port, boolean fin, byte[] buf, int off, int len);

    /** A RESET_STREAM frame. */
    void onResetStream(long streamId, long errorCode, long finalSize);

    /** A STOP_SENDING frame. */
    void onStopSending(long streamId, long errorCode);

    /** A MAX_DATA frame. */
    void onMaxData(long maximumData);

    /** A MAX_STREAM_DATA frame. */
    void onMaxStreamData(long streamId, long maximumStreamData);

    /** A MAX_STREAMS frame. */
    void onMaxStreams(long maximumStreams);

    /** A PING frame. */
    void onPing();
}
