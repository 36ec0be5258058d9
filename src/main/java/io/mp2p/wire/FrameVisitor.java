package io.mp2p.wire;

/**
 * Receives the frames of a validated TransportData plaintext, in order (spec §5). Padding is not
 * reported. The byte ranges passed point into the caller's plaintext buffer: copy what must outlive
 * the call.
 *
 * <p>Frame types 0x05..0x0d are the stream layer's (spec/STREAMS.md §3): they come as one run, a
 * PACKET_NUMBER frame followed by other stream frames, reported whole by {@link #onStreamRun}. The
 * types above them up to {@link Frames#RESERVED_LAST} are reserved for later versions: they fail
 * {@link Frames#validate}, so no packet holding one ever reaches a visitor.
 *
 * <pre>{@code
 * if (Frames.validate(plain, 0, n) == null) {
 *     Frames.visit(plain, 0, n, new FrameVisitor() {
 *         public void onDatagram(byte[] b, int off, int len) { deliver(Arrays.copyOfRange(b, off, off + len)); }
 *         public void onFragment(int id, int total, int at, byte[] b, int off, int len) { reassembly.add(id, total, at, b, off, len); }
 *         public void onKeepalive() { }
 *         public void onClose(int reason) { session.closeByPeer(reason); }
 *     });
 * }
 * }</pre>
 */
public interface FrameVisitor {
    /** A whole application message in {@code buf[off..off+len)}. */
    void onDatagram(byte[] buf, int off, int len);

    /** Bytes {@code offset..offset+len} of message {@code messageId}, which is {@code totalLength} long. */
    void onFragment(int messageId, int totalLength, int offset, byte[] buf, int off, int len);

    /** A KEEPALIVE frame. */
    void onKeepalive();

    /** A CLOSE frame with its reason byte (0..255). */
    void onClose(int reason);

    /** A run of stream-layer frames in {@code buf[off..off+len)}, validated by {@code StreamFrames.runLength}. */
    default void onStreamRun(byte[] buf, int off, int len) {
    }
}
