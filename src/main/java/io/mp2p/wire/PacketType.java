package io.mp2p.wire;

/**
 * The packet types of spec §4, with the check of the common header that dispatching needs.
 *
 * <pre>{@code
 * Parsed<PacketType> t = PacketType.peek(buf, 0, len);
 * if (t.isOk()) switch (t.value()) {
 *     case HANDSHAKE_INITIATION -> onInitiation(HandshakeInitiation.parse(buf, 0, len));
 *     ...
 * }
 * }</pre>
 */
public enum PacketType {
    /** Noise IK message 1 with mac1/mac2 (spec §4.2). */
    HANDSHAKE_INITIATION(1),
    /** Noise IK message 2 with mac1/mac2 (spec §4.3). */
    HANDSHAKE_RESPONSE(2),
    /** An encrypted cookie answering an initiation under load (spec §4.5). */
    COOKIE_REPLY(3),
    /** Encrypted frames of an established session (spec §4.6). */
    TRANSPORT_DATA(4);

    private static final PacketType[] BY_CODE = new PacketType[TRANSPORT_DATA.code + 1];
    /** One immutable result per type: peeking at every received packet allocates nothing. */
    @SuppressWarnings("unchecked")
    private static final Parsed<PacketType>[] OK = new Parsed[TRANSPORT_DATA.code + 1];

    static {
        for (PacketType t : values()) {
            BY_CODE[t.code] = t;
            OK[t.code] = Parsed.ok(t);
        }
    }

    private final int code;

    PacketType(int code) {
        this.code = code;
    }

    /** The type byte of this packet type. */
    public int code() {
        return code;
    }

    /**
     * Reads and checks the common header of {@code buf[off..off+len)}: at least {@link Header#LENGTH}
     * bytes, a known type, version {@link Header#PROTOCOL_VERSION}, reserved byte zero, and suite byte
     * zero for every type but HandshakeInitiation (whose suite {@link HandshakeInitiation#parse} checks).
     * Never throws.
     */
    public static Parsed<PacketType> peek(byte[] buf, int off, int len) {
        String range = Bytes.badRange(buf, off, len);
        if (range != null) {
            return Parsed.error(WireError.BAD_LENGTH, range);
        }
        if (len < Header.LENGTH) {
            return Parsed.error(WireError.TOO_SHORT, "a packet header is " + Header.LENGTH + " bytes, got " + len);
        }
        int code = Bytes.u8(buf, off + Header.TYPE_OFFSET);
        PacketType type = code < BY_CODE.length ? BY_CODE[code] : null;
        if (type == null) {
            return Parsed.error(WireError.UNKNOWN_TYPE, "unknown packet type " + code);
        }
        int version = Bytes.u8(buf, off + Header.VERSION_OFFSET);
        if (version != Header.PROTOCOL_VERSION) {
            return Parsed.error(WireError.UNSUPPORTED_VERSION, "version " + version + ", expected " + Header.PROTOCOL_VERSION);
        }
        if (buf[off + Header.RESERVED_OFFSET] != 0) {
            return Parsed.error(WireError.RESERVED_NONZERO, "reserved header byte is " + Bytes.u8(buf, off + Header.RESERVED_OFFSET));
        }
        if (type != HANDSHAKE_INITIATION && buf[off + Header.SUITE_OFFSET] != Header.NO_SUITE) {
            return Parsed.error(WireError.RESERVED_NONZERO,
                    "suite byte of " + type + " must be 0, got " + Bytes.u8(buf, off + Header.SUITE_OFFSET));
        }
        return OK[code];
    }
}
