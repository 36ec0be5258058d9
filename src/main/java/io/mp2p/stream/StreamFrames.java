package io.mp2p.stream;

/**
 * Writing, validating and reading stream-layer frames (spec/STREAMS.md §3), types 0x05..0x0d of the
 * range spec/PROTOCOL.md §5 reserves. Stream-layer frames travel as one <em>run</em> inside a
 * TransportData plaintext: a PACKET_NUMBER frame followed by other stream-layer frames, up to the
 * end of the plaintext or the first frame of another type.
 *
 * <pre>{@code
 * int end = StreamFrames.writePacketNumber(buf, 0, myEpoch, peerEpoch, pn);
 * end = StreamFrames.writeStream(buf, end, streamId, 0, port, false, data, 0, n);
 * // receiver:
 * FrameError e = StreamFrames.validate(buf, 0, end);
 * if (e == null) StreamFrames.visit(buf, 0, end, visitor);
 * // engine, inside its own frame loop, at a byte of type 0x05:
 * int runLen = StreamFrames.runLength(plain, p, plainEnd); // -1: malformed
 * }</pre>
 *
 * <p>Parsing never throws on bad input: it returns a {@link FrameError}.
 */
public final class StreamFrames {
    /** PACKET_NUMBER: epochs and the stream-layer packet number; starts every run. */
    public static final int PACKET_NUMBER = 0x05;
    /** ACK with ranges (RFC 9000 §19.3). */
    public static final int ACK = 0x06;
    /** STREAM data (RFC 9000 §19.8), with the port at offset 0. */
    public static final int STREAM = 0x07;
    /** RESET_STREAM (RFC 9000 §19.4). */
    public static final int RESET_STREAM = 0x08;
    /** STOP_SENDING (RFC 9000 §19.5). */
    public static final int STOP_SENDING = 0x09;
    /** MAX_DATA (RFC 9000 §19.9). */
    public static final int MAX_DATA = 0x0a;
    /** MAX_STREAM_DATA (RFC 9000 §19.10). */
    public static final int MAX_STREAM_DATA = 0x0b;
    /** MAX_STREAMS (RFC 9000 §19.11). */
    public static final int MAX_STREAMS = 0x0c;
    /** PING (RFC 9000 §19.2). */
    public static final int PING = 0x0d;
    /** First stream-layer type. */
    public static final int FIRST_TYPE = PACKET_NUMBER;
    /** Last stream-layer type; 0x0e..0x3f stay reserved. */
    public static final int LAST_TYPE = PING;

    /** STREAM flag: the frame ends the stream (its end is the final size). */
    public static final int FLAG_FIN = 0x01;
    /** STREAM flag: a 2-byte port follows the offset; set exactly when the offset is 0. */
    public static final int FLAG_PORT = 0x02;
    /** Bytes of a PACKET_NUMBER frame before the packet number: type, two 4-byte epochs. */
    public static final int PACKET_NUMBER_FIXED = 9;
    /** Bytes of the port field. */
    public static final int PORT_LENGTH = 2;

    private static final int KNOWN_FLAGS = FLAG_FIN | FLAG_PORT;
    private static final int TYPE_LENGTH = 1;
    private static final int FLAGS_LENGTH = 1;
    private static final int BYTE_MASK = 0xff;
    private static final int EPOCH_LENGTH = 4;

    private StreamFrames() {
    }

    /** Whether {@code type} is a stream-layer frame type (0x05..0x0d). */
    public static boolean isStreamType(int type) {
        return type >= FIRST_TYPE && type <= LAST_TYPE;
    }

    // ------------------------------------------------------------------ writing

    /** Bytes a PACKET_NUMBER frame for {@code pn} takes. */
    public static int packetNumberLength(long pn) {
        return PACKET_NUMBER_FIXED + VarInt.length(pn);
    }

    /** Writes PACKET_NUMBER and returns the offset after it. */
    public static int writePacketNumber(byte[] buf, int off, int senderEpoch, int receiverEpoch, long pn) {
        buf[off] = PACKET_NUMBER;
        put32(buf, off + TYPE_LENGTH, senderEpoch);
        put32(buf, off + TYPE_LENGTH + EPOCH_LENGTH, receiverEpoch);
        return VarInt.write(buf, off + PACKET_NUMBER_FIXED, pn);
    }

    /** Bytes the ACK frame {@code a} takes. */
    public static int ackLength(AckFrame a) {
        int n = TYPE_LENGTH + VarInt.length(a.largest()) + VarInt.length(a.ackDelayMicros())
                + VarInt.length(a.rangeCount() - 1) + VarInt.length(a.high(0) - a.low(0));
        for (int i = 1; i < a.rangeCount(); i++) {
            n += VarInt.length(a.low(i - 1) - a.high(i) - 2) + VarInt.length(a.high(i) - a.low(i));
        }
        return n;
    }

    /** Writes ACK (RFC 9000 §19.3 without ECN counts) and returns the offset after it. */
    public static int writeAck(byte[] buf, int off, AckFrame a) {
        if (a.rangeCount() == 0) {
            throw new IllegalArgumentException("an ACK frame needs at least one range");
        }
        buf[off] = ACK;
        int p = VarInt.write(buf, off + TYPE_LENGTH, a.largest());
        p = VarInt.write(buf, p, a.ackDelayMicros());
        p = VarInt.write(buf, p, a.rangeCount() - 1);
        p = VarInt.write(buf, p, a.high(0) - a.low(0));
        for (int i = 1; i < a.rangeCount(); i++) {
            p = VarInt.write(buf, p, a.low(i - 1) - a.high(i) - 2); // Gap
            p = VarInt.write(buf, p, a.high(i) - a.low(i)); // ACK Range Length
        }
        return p;
    }

    /** Bytes a STREAM frame takes before its data. */
    public static int streamHeaderLength(long streamId, long offset, int len) {
        return TYPE_LENGTH + FLAGS_LENGTH + VarInt.length(streamId) + VarInt.length(offset)
                + (offset == 0 ? PORT_LENGTH : 0) + VarInt.length(len);
    }

    /**
     * Writes STREAM and returns the offset after it. {@code port} is written when {@code offset}
     * is 0 (and must then be 0..65535), ignored otherwise.
     */
    public static int writeStream(byte[] buf, int off, long streamId, long offset, int port, boolean fin,
                                  byte[] data, int dataOff, int len) {
        int p = writeStreamHeader(buf, off, streamId, offset, port, fin, len);
        System.arraycopy(data, dataOff, buf, p, len);
        return p + len;
    }

    /**
     * Writes the part of a STREAM frame before its {@code len} data bytes and returns where the data
     * goes (the caller copies it there).
     */
    public static int writeStreamHeader(byte[] buf, int off, long streamId, long offset, int port, boolean fin,
                                        int len) {
        if (offset == 0 && (port < 0 || port > StreamConstants.MAX_PORT)) {
            throw new IllegalArgumentException("a STREAM frame at offset 0 needs a port 0..65535, got " + port);
        }
        if (len == 0 && !fin && offset != 0) {
            throw new IllegalArgumentException("an empty STREAM frame must carry FIN or the port");
        }
        buf[off] = STREAM;
        buf[off + TYPE_LENGTH] = (byte) ((fin ? FLAG_FIN : 0) | (offset == 0 ? FLAG_PORT : 0));
        int p = VarInt.write(buf, off + TYPE_LENGTH + FLAGS_LENGTH, streamId);
        p = VarInt.write(buf, p, offset);
        if (offset == 0) {
            buf[p] = (byte) (port >>> Byte.SIZE);
            buf[p + 1] = (byte) port;
            p += PORT_LENGTH;
        }
        return VarInt.write(buf, p, len);
    }

    /** Bytes a RESET_STREAM frame takes. */
    public static int resetStreamLength(long streamId, long errorCode, long finalSize) {
        return TYPE_LENGTH + VarInt.length(streamId) + VarInt.length(errorCode) + VarInt.length(finalSize);
    }

    /** Writes RESET_STREAM and returns the offset after it. */
    public static int writeResetStream(byte[] buf, int off, long streamId, long errorCode, long finalSize) {
        buf[off] = RESET_STREAM;
        int p = VarInt.write(buf, off + TYPE_LENGTH, streamId);
        p = VarInt.write(buf, p, errorCode);
        return VarInt.write(buf, p, finalSize);
    }

    /** Bytes a STOP_SENDING frame takes. */
    public static int stopSendingLength(long streamId, long errorCode) {
        return TYPE_LENGTH + VarInt.length(streamId) + VarInt.length(errorCode);
    }

    /** Writes STOP_SENDING and returns the offset after it. */
    public static int writeStopSending(byte[] buf, int off, long streamId, long errorCode) {
        buf[off] = STOP_SENDING;
        int p = VarInt.write(buf, off + TYPE_LENGTH, streamId);
        return VarInt.write(buf, p, errorCode);
    }

    /** Bytes a MAX_DATA or MAX_STREAMS frame takes. */
    public static int maxLength(long maximum) {
        return TYPE_LENGTH + VarInt.length(maximum);
    }

    /** Writes MAX_DATA and returns the offset after it. */
    public static int writeMaxData(byte[] buf, int off, long maximumData) {
        buf[off] = MAX_DATA;
        return VarInt.write(buf, off + TYPE_LENGTH, maximumData);
    }

    /** Bytes a MAX_STREAM_DATA frame takes. */
    public static int maxStreamDataLength(long streamId, long maximum) {
        return TYPE_LENGTH + VarInt.length(streamId) + VarInt.length(maximum);
    }

    /** Writes MAX_STREAM_DATA and returns the offset after it. */
    public static int writeMaxStreamData(byte[] buf, int off, long streamId, long maximumStreamData) {
        buf[off] = MAX_STREAM_DATA;
        int p = VarInt.write(buf, off + TYPE_LENGTH, streamId);
        return VarInt.write(buf, p, maximumStreamData);
    }

    /** Writes MAX_STREAMS and returns the offset after it. */
    public static int writeMaxStreams(byte[] buf, int off, long maximumStreams) {
        buf[off] = MAX_STREAMS;
        return VarInt.write(buf, off + TYPE_LENGTH, maximumStreams);
    }

    /** Writes PING and returns the offset after it. */
    public static int writePing(byte[] buf, int off) {
        buf[off] = PING;
        return off + TYPE_LENGTH;
    }

    // ------------------------------------------------------------------ reading

    /**
     * Checks that {@code buf[off..off+len)} is exactly one well-formed run. Returns null when it is.
     * Never throws.
     */
    public static FrameError validate(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return FrameError.BAD_RANGE;
        }
        Reader r = new Reader(buf, off + len, null);
        FrameError e = r.run(off, true);
        return e;
    }

    /**
     * For the engine's frame loop: the length of the well-formed run that starts at {@code buf[off]}
     * (a PACKET_NUMBER frame) and ends before {@code end} or at the first byte that is not a
     * stream-layer type; −1 when that run is malformed. Never throws.
     */
    public static int runLength(byte[] buf, int off, int end) {
        if (buf == null || off < 0 || end < off || end > buf.length) {
            return -1;
        }
        Reader r = new Reader(buf, end, null);
        return r.run(off, false) == null ? r.pos - off : -1;
    }

    /**
     * Validates {@code buf[off..off+len)} as one run and, only if it is well-formed, calls {@code v}
     * for each frame in order. Returns null after visiting, or the error (nothing visited).
     */
    public static FrameError visit(byte[] buf, int off, int len, StreamFrameVisitor v) {
        FrameError e = validate(buf, off, len);
        if (e != null) {
            return e;
        }
        new Reader(buf, off + len, v).run(off, true);
        return null;
    }

    /** Parses frames at {@code pos} while they are stream-layer types, reporting to an optional visitor. */
    private static final class Reader {
        private final byte[] buf;
        private final int end;
        private final StreamFrameVisitor visitor;
        private final AckFrame ack;
        private int pos;

        Reader(byte[] buf, int end, StreamFrameVisitor visitor) {
            this.buf = buf;
            this.end = end;
            this.visitor = visitor;
            this.ack = visitor == null ? null : new AckFrame();
        }

        /** Parses one run from {@code start}; {@code whole}: the run must reach {@code end}. */
        FrameError run(int start, boolean whole) {
            pos = start;
            if (pos >= end || (buf[pos] & BYTE_MASK) != PACKET_NUMBER) {
                return FrameError.MISSING_PACKET_NUMBER;
            }
            FrameError e = packetNumber();
            while (e == null && pos < end) {
                int type = buf[pos] & BYTE_MASK;
                if (!isStreamType(type)) {
                    return whole ? FrameError.NOT_A_STREAM_FRAME : null;
                }
                pos += TYPE_LENGTH;
                e = switch (type) {
                    case PACKET_NUMBER -> FrameError.DUPLICATE_PACKET_NUMBER;
                    case ACK -> ack();
                    case STREAM -> stream();
                    case RESET_STREAM -> resetStream();
                    case STOP_SENDING -> stopSending();
                    case MAX_DATA -> maxData();
                    case MAX_STREAM_DATA -> maxStreamData();
                    case MAX_STREAMS -> maxStreams();
                    default -> ping();
                };
            }
            return e;
        }

        /** Reads a varint at {@code pos} and advances, or returns {@link VarInt#TRUNCATED}. */
        private long varint() {
            long v = VarInt.read(buf, pos, end);
            if (v != VarInt.TRUNCATED) {
                pos += VarInt.encodedLength(buf, pos);
            }
            return v;
        }

        private FrameError packetNumber() {
            if (end - pos < PACKET_NUMBER_FIXED) {
                return FrameError.TRUNCATED;
            }
            int sender = get32(buf, pos + TYPE_LENGTH);
            int receiver = get32(buf, pos + TYPE_LENGTH + EPOCH_LENGTH);
            if (sender == 0) {
                return FrameError.BAD_EPOCH;
            }
            pos += PACKET_NUMBER_FIXED;
            long pn = varint();
            if (pn < 0) {
                return FrameError.TRUNCATED;
            }
            if (visitor != null) {
                visitor.onPacketNumber(sender, receiver, pn);
            }
            return null;
        }

        private FrameError ack() {
            long largest = varint();
            long delay = largest < 0 ? VarInt.TRUNCATED : varint();
            long extra = delay < 0 ? VarInt.TRUNCATED : varint();
            long first = extra < 0 ? VarInt.TRUNCATED : varint();
            if (first < 0) {
                return FrameError.TRUNCATED;
            }
            if (extra >= StreamConstants.MAX_ACK_RANGES) {
                return FrameError.TOO_MANY_ACK_RANGES;
            }
            if (first > largest) {
                return FrameError.BAD_ACK_RANGE;
            }
            long smallest = largest - first;
            if (ack != null) {
                ack.clear(delay);
                ack.addRange(smallest, largest);
            }
            for (long i = 0; i < extra; i++) {
                long gap = varint();
                long length = gap < 0 ? VarInt.TRUNCATED : varint();
                if (length < 0) {
                    return FrameError.TRUNCATED;
                }
                // RFC 9000 §19.3.1: next largest = smallest − gap − 2, next smallest = that − length.
                long hi = smallest - gap - 2;
                if (hi < 0 || length > hi) {
                    return FrameError.BAD_ACK_RANGE;
                }
                smallest = hi - length;
                if (ack != null) {
                    ack.addRange(smallest, hi);
                }
            }
            if (visitor != null) {
                visitor.onAck(ack);
            }
            return null;
        }

        private FrameError stream() {
            if (pos >= end) {
                return FrameError.TRUNCATED;
            }
            int flags = buf[pos] & BYTE_MASK;
            pos += FLAGS_LENGTH;
            if ((flags & ~KNOWN_FLAGS) != 0) {
                return FrameError.BAD_FLAGS;
            }
            long id = varint();
            long offset = id < 0 ? VarInt.TRUNCATED : varint();
            if (offset < 0) {
                return FrameError.TRUNCATED;
            }
            boolean hasPort = (flags & FLAG_PORT) != 0;
            if (hasPort != (offset == 0)) {
                return FrameError.BAD_PORT_FLAG;
            }
            int port = -1;
            if (hasPort) {
                if (end - pos < PORT_LENGTH) {
                    return FrameError.TRUNCATED;
                }
                port = ((buf[pos] & BYTE_MASK) << Byte.SIZE) | (buf[pos + 1] & BYTE_MASK);
                pos += PORT_LENGTH;
            }
            long len = varint();
            if (len < 0 || len > end - pos) {
                return FrameError.TRUNCATED;
            }
            boolean fin = (flags & FLAG_FIN) != 0;
            if (len == 0 && !fin && !hasPort) {
                return FrameError.EMPTY_STREAM_FRAME;
            }
            if (offset > VarInt.MAX - len) {
                return FrameError.OFFSET_OVERFLOW;
            }
            int dataOff = pos;
            pos += (int) len;
            if (visitor != null) {
                visitor.onStream(id, offset, port, fin, buf, dataOff, (int) len);
            }
            return null;
        }

        private FrameError resetStream() {
            long id = varint();
            long code = id < 0 ? VarInt.TRUNCATED : varint();
            long finalSize = code < 0 ? VarInt.TRUNCATED : varint();
            if (finalSize < 0) {
                return FrameError.TRUNCATED;
            }
            if (visitor != null) {
                visitor.onResetStream(id, code, finalSize);
            }
            return null;
        }

        private FrameError stopSending() {
            long id = varint();
            long code = id < 0 ? VarInt.TRUNCATED : varint();
            if (code < 0) {
                return FrameError.TRUNCATED;
            }
            if (visitor != null) {
                visitor.onStopSending(id, code);
            }
            return null;
        }

        private FrameError maxData() {
            long max = varint();
            if (max < 0) {
                return FrameError.TRUNCATED;
            }
            if (visitor != null) {
                visitor.onMaxData(max);
            }
            return null;
        }

        private FrameError maxStreamData() {
            long id = varint();
            long max = id < 0 ? VarInt.TRUNCATED : varint();
            if (max < 0) {
                return FrameError.TRUNCATED;
            }
            if (visitor != null) {
                visitor.onMaxStreamData(id, max);
            }
            return null;
        }

        private FrameError maxStreams() {
            long max = varint();
            if (max < 0) {
                return FrameError.TRUNCATED;
            }
            if (visitor != null) {
                visitor.onMaxStreams(max);
            }
            return null;
        }

        private FrameError ping() {
            if (visitor != null) {
                visitor.onPing();
            }
            return null;
        }
    }

    private static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static int get32(byte[] b, int off) {
        return ((b[off] & BYTE_MASK) << 24) | ((b[off + 1] & BYTE_MASK) << 16) | ((b[off + 2] & BYTE_MASK) << 8)
                | (b[off + 3] & BYTE_MASK);
    }
}
