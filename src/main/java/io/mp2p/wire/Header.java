package io.mp2p.wire;

/**
 * The 4-byte header every packet starts with (spec §4): type, version, suite, reserved.
 *
 * <pre>{@code
 * byte[] packet = new byte[TransportData.HEADER_LENGTH + n];
 * Header.write(packet, 0, PacketType.TRANSPORT_DATA, 0);
 * }</pre>
 */
public final class Header {
    /** Length of the common header in bytes. */
    public static final int LENGTH = 4;
    /** The protocol version this implementation speaks (byte 1 of every packet). */
    public static final int PROTOCOL_VERSION = 1;

    static final int TYPE_OFFSET = 0;
    static final int VERSION_OFFSET = 1;
    static final int SUITE_OFFSET = 2;
    static final int RESERVED_OFFSET = 3;
    /** The suite byte of every packet type except HandshakeInitiation. */
    static final int NO_SUITE = 0;

    private Header() {
    }

    /** Writes {@code type, PROTOCOL_VERSION, suite, 0} at {@code buf[off..off+4)}. */
    public static void write(byte[] buf, int off, PacketType type, int suite) {
        buf[off + TYPE_OFFSET] = (byte) type.code();
        buf[off + VERSION_OFFSET] = (byte) PROTOCOL_VERSION;
        buf[off + SUITE_OFFSET] = (byte) suite;
        buf[off + RESERVED_OFFSET] = 0;
    }

    /**
     * Checks the range, the exact (or minimum) length and the header of a packet that must be of
     * {@code expected} type. Returns null when all hold, else the error to report.
     */
    static <T> Parsed<T> check(byte[] buf, int off, int len, PacketType expected, int length, boolean exact) {
        String range = Bytes.badRange(buf, off, len);
        if (range != null) {
            return Parsed.error(WireError.BAD_LENGTH, range);
        }
        if (exact ? len != length : len < length) {
            WireError e = exact ? WireError.BAD_LENGTH : WireError.TOO_SHORT;
            return Parsed.error(e, expected + " is " + (exact ? "" : "at least ") + length + " bytes, got " + len);
        }
        Parsed<PacketType> type = PacketType.peek(buf, off, len);
        if (!type.isOk()) {
            return type.castError();
        }
        if (type.value() != expected) {
            return Parsed.error(WireError.UNKNOWN_TYPE, "expected " + expected + ", got " + type.value());
        }
        return null;
    }
}
