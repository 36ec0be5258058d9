package io.mp2p.wire;

import io.mp2p.stream.StreamFrames;

/**
 * Writing, validating and reading the frames of a TransportData plaintext (spec §5).
 *
 * <pre>{@code
 * byte[] plain = new byte[Frames.datagramLength(msg.length) + Frames.CLOSE_LENGTH];
 * int end = Frames.writeDatagram(plain, 0, msg, 0, msg.length);
 * end = Frames.writeClose(plain, end, Frames.CLOSE_REASON_NORMAL);
 * // receiver:
 * WireError e = Frames.validate(plain, 0, end);
 * if (e == null) Frames.visit(plain, 0, end, visitor); else drop(e);
 * }</pre>
 */
public final class Frames {
    /** Zero bytes up to the end of the plaintext. */
    public static final int PADDING = 0x00;
    /** One whole application message. */
    public static final int DATAGRAM = 0x01;
    /** A piece of a message too long for one packet. */
    public static final int FRAGMENT = 0x02;
    /** Refreshes timers, asks for nothing. */
    public static final int KEEPALIVE = 0x03;
    /** The sender ends the session. */
    public static final int CLOSE = 0x04;
    /** First frame type of the stream layer (PACKET_NUMBER, which starts a run; spec/STREAMS.md §3). */
    public static final int STREAM_FIRST = StreamFrames.PACKET_NUMBER;
    /** Last frame type of the stream layer. */
    public static final int STREAM_LAST = 0x0d;
    /** First frame type reserved for later versions. */
    public static final int RESERVED_FIRST = 0x0e;
    /** Last frame type reserved for later versions. */
    public static final int RESERVED_LAST = 0x3f;

    /** Frame type (1) + length (2). */
    public static final int DATAGRAM_HEADER = 3;
    /** Frame type (1) + message id (4) + total length (2) + offset (2) + length (2). */
    public static final int FRAGMENT_HEADER = 11;
    /** Frame type (1) + reason (1). */
    public static final int CLOSE_LENGTH = 2;
    /** CLOSE reason: the application closed the session. */
    public static final int CLOSE_REASON_NORMAL = 0;
    /** CLOSE reason: the node is shutting down. */
    public static final int CLOSE_REASON_SHUTDOWN = 1;

    private static final int TYPE_LENGTH = 1;
    private static final int KEEPALIVE_LENGTH = TYPE_LENGTH;
    /** Lengths, offsets and total lengths are 16-bit fields. */
    private static final int MAX_FIELD = 0xffff;
    private static final int MAX_REASON = 0xff;
    private static final int FRAGMENT_ID_OFFSET = 1;
    private static final int FRAGMENT_TOTAL_OFFSET = 5;
    private static final int FRAGMENT_OFFSET_OFFSET = 7;
    private static final int FRAGMENT_LENGTH_OFFSET = 9;

    private Frames() {
    }

    /** Bytes a DATAGRAM frame carrying {@code n} bytes takes. */
    public static int datagramLength(int n) {
        return DATAGRAM_HEADER + n;
    }

    /** Bytes a FRAGMENT frame carrying {@code n} bytes takes. */
    public static int fragmentLength(int n) {
        return FRAGMENT_HEADER + n;
    }

    /**
     * Writes a DATAGRAM frame at {@code buf[off..)} and returns the offset after it.
     *
     * @throws IllegalArgumentException if {@code msgLen} is above 65,535
     */
    public static int writeDatagram(byte[] buf, int off, byte[] msg, int msgOff, int msgLen) {
        requireField("datagram length", msgLen, 0);
        buf[off] = DATAGRAM;
        Bytes.put16(buf, off + TYPE_LENGTH, msgLen);
        System.arraycopy(msg, msgOff, buf, off + DATAGRAM_HEADER, msgLen);
        return off + DATAGRAM_HEADER + msgLen;
    }

    /**
     * Writes a FRAGMENT frame at {@code buf[off..)} and returns the offset after it.
     *
     * @throws IllegalArgumentException unless {@code 1 <= dataLen}, {@code offset + dataLen <= totalLength <= 65535}
     */
    public static int writeFragment(byte[] buf, int off, int messageId, int totalLength, int offset,
                                    byte[] data, int dataOff, int dataLen) {
        requireField("total length", totalLength, 1);
        requireField("offset", offset, 0);
        requireField("fragment length", dataLen, 1);
        if (offset + dataLen > totalLength) {
            throw new IllegalArgumentException("fragment " + offset + "+" + dataLen + " exceeds total length " + totalLength);
        }
        buf[off] = FRAGMENT;
        Bytes.put32(buf, off + FRAGMENT_ID_OFFSET, messageId);
        Bytes.put16(buf, off + FRAGMENT_TOTAL_OFFSET, totalLength);
        Bytes.put16(buf, off + FRAGMENT_OFFSET_OFFSET, offset);
        Bytes.put16(buf, off + FRAGMENT_LENGTH_OFFSET, dataLen);
        System.arraycopy(data, dataOff, buf, off + FRAGMENT_HEADER, dataLen);
        return off + FRAGMENT_HEADER + dataLen;
    }

    /** Writes a KEEPALIVE frame and returns the offset after it. */
    public static int writeKeepalive(byte[] buf, int off) {
        buf[off] = KEEPALIVE;
        return off + KEEPALIVE_LENGTH;
    }

    /**
     * Writes a CLOSE frame and returns the offset after it.
     *
     * @throws IllegalArgumentException if {@code reason} is not 0..255
     */
    public static int writeClose(byte[] buf, int off, int reason) {
        if (reason < 0 || reason > MAX_REASON) {
            throw new IllegalArgumentException("close reason must be 0.." + MAX_REASON + ", got " + reason);
        }
        buf[off] = CLOSE;
        buf[off + TYPE_LENGTH] = (byte) reason;
        return off + CLOSE_LENGTH;
    }

    /**
     * Checks that {@code buf[off..off+len)} is a well-formed frame sequence: every frame a known type
     * that fits, padding zero to the end, fragments consistent. Returns null when it is, else
     * {@link WireError#BAD_FRAME} (or {@link WireError#BAD_LENGTH} for a range outside {@code buf}).
     * An empty plaintext is well-formed (a keepalive packet). Never throws.
     */
    public static WireError validate(byte[] buf, int off, int len) {
        if (Bytes.badRange(buf, off, len) != null) {
            return WireError.BAD_LENGTH;
        }
        int end = off + len;
        int p = off;
        int runs = 0;
        while (p < end) {
            int remaining = end - p;
            switch (Bytes.u8(buf, p)) {
                case PADDING -> {
                    return Bytes.allZero(buf, p, remaining) ? null : WireError.BAD_FRAME;
                }
                case DATAGRAM -> {
                    if (remaining < DATAGRAM_HEADER) {
                        return WireError.BAD_FRAME;
                    }
                    int n = Bytes.u16(buf, p + TYPE_LENGTH);
                    if (n > remaining - DATAGRAM_HEADER) {
                        return WireError.BAD_FRAME;
                    }
                    p += DATAGRAM_HEADER + n;
                }
                case FRAGMENT -> {
                    if (remaining < FRAGMENT_HEADER) {
                        return WireError.BAD_FRAME;
                    }
                    int total = Bytes.u16(buf, p + FRAGMENT_TOTAL_OFFSET);
                    int at = Bytes.u16(buf, p + FRAGMENT_OFFSET_OFFSET);
                    int n = Bytes.u16(buf, p + FRAGMENT_LENGTH_OFFSET);
                    if (total < 1 || n < 1 || at + n > total || n > remaining - FRAGMENT_HEADER) {
                        return WireError.BAD_FRAME;
                    }
                    p += FRAGMENT_HEADER + n;
                }
                case KEEPALIVE -> p += KEEPALIVE_LENGTH;
                case CLOSE -> {
                    if (remaining < CLOSE_LENGTH) {
                        return WireError.BAD_FRAME;
                    }
                    p += CLOSE_LENGTH;
                }
                case StreamFrames.PACKET_NUMBER -> {
                    // A stream-layer run (spec/STREAMS.md §3.1); at most one per plaintext.
                    if (runs++ > 0) {
                        return WireError.BAD_FRAME;
                    }
                    int n = StreamFrames.runLength(buf, p, end);
                    if (n <= 0) {
                        return WireError.BAD_FRAME;
                    }
                    p += n;
                }
                default -> {
                    // Reserved (stream layer, later versions) and undefined types alike: the packet
                    // is dropped whole, since its other frames may depend on the one we cannot read.
                    return WireError.BAD_FRAME;
                }
            }
        }
        return null;
    }

    /**
     * Calls {@code v} for each frame of {@code buf[off..off+len)}, in order, stopping at padding.
     *
     * @throws IllegalArgumentException if the plaintext does not pass {@link #validate}: visiting
     *                                  unvalidated input is a bug in the caller
     */
    public static void visit(byte[] buf, int off, int len, FrameVisitor v) {
        WireError e = validate(buf, off, len);
        if (e != null) {
            throw new IllegalArgumentException("visit() needs a plaintext that validate() accepts: " + e);
        }
        int end = off + len;
        int p = off;
        while (p < end) {
            switch (Bytes.u8(buf, p)) {
                case DATAGRAM -> {
                    int n = Bytes.u16(buf, p + TYPE_LENGTH);
                    v.onDatagram(buf, p + DATAGRAM_HEADER, n);
                    p += DATAGRAM_HEADER + n;
                }
                case FRAGMENT -> {
                    int n = Bytes.u16(buf, p + FRAGMENT_LENGTH_OFFSET);
                    v.onFragment(Bytes.i32(buf, p + FRAGMENT_ID_OFFSET), Bytes.u16(buf, p + FRAGMENT_TOTAL_OFFSET),
                            Bytes.u16(buf, p + FRAGMENT_OFFSET_OFFSET), buf, p + FRAGMENT_HEADER, n);
                    p += FRAGMENT_HEADER + n;
                }
                case KEEPALIVE -> {
                    v.onKeepalive();
                    p += KEEPALIVE_LENGTH;
                }
                case CLOSE -> {
                    v.onClose(Bytes.u8(buf, p + TYPE_LENGTH));
                    p += CLOSE_LENGTH;
                }
                case StreamFrames.PACKET_NUMBER -> {
                    int n = StreamFrames.runLength(buf, p, end);
                    v.onStreamRun(buf, p, n);
                    p += n;
                }
                default -> p = end; // padding, zero to the end (validated above)
            }
        }
    }

    private static void requireField(String name, int value, int min) {
        if (value < min || value > MAX_FIELD) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + MAX_FIELD + ", got " + value);
        }
    }
}
