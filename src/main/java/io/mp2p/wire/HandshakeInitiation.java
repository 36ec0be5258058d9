package io.mp2p.wire;

/**
 * The clear fields of a HandshakeInitiation (type 1, spec §4.2): 216 bytes, of which bytes
 * {@code NOISE_OFFSET .. NOISE_OFFSET+NOISE_LENGTH} are Noise IK message 1, then mac1 and mac2.
 *
 * <pre>{@code
 * byte[] packet = new byte[HandshakeInitiation.LENGTH];
 * HandshakeInitiation.writeHeader(packet, 0, SuiteId.AESGCM_SHA256, localIndex);
 * // Noise writes packet[NOISE_OFFSET .. MAC1_OFFSET), prologue = "mp2p/1" || packet[0 .. PROLOGUE_HEADER_LENGTH)
 * Parsed<HandshakeInitiation> p = HandshakeInitiation.parse(packet, 0, packet.length);
 * }</pre>
 */
public final class HandshakeInitiation {
    /** Exact packet length. */
    public static final int LENGTH = 216;
    /** Offset of the initiator's 4-byte sender index. */
    public static final int SENDER_INDEX_OFFSET = 4;
    /** Offset of Noise message 1. */
    public static final int NOISE_OFFSET = 8;
    /** Offset of the initiator's ephemeral public key, the start of Noise message 1. */
    public static final int EPHEMERAL_OFFSET = NOISE_OFFSET;
    /** Length of the ephemeral public key. */
    public static final int EPHEMERAL_LENGTH = 32;
    /** Length of Noise message 1: e (32) + encrypted s (48) + encrypted payload (80 + 16). */
    public static final int NOISE_LENGTH = 176;
    /** Offset of mac1. */
    public static final int MAC1_OFFSET = 184;
    /** Offset of mac2. */
    public static final int MAC2_OFFSET = 200;
    /** Length of mac1 and of mac2. */
    public static final int MAC_LENGTH = 16;
    /** How many leading bytes of the packet are appended to the Noise prologue (spec §2). */
    public static final int PROLOGUE_HEADER_LENGTH = 8;

    private final int suite;
    private final int senderIndex;

    private HandshakeInitiation(int suite, int senderIndex) {
        this.suite = suite;
        this.senderIndex = senderIndex;
    }

    /** Checks length, header and suite of {@code buf[off..off+len)}. Never throws. */
    public static Parsed<HandshakeInitiation> parse(byte[] buf, int off, int len) {
        Parsed<HandshakeInitiation> bad = Header.check(buf, off, len, PacketType.HANDSHAKE_INITIATION, LENGTH, true);
        if (bad != null) {
            return bad;
        }
        int suite = Bytes.u8(buf, off + Header.SUITE_OFFSET);
        if (!SuiteId.isKnown(suite)) {
            return Parsed.error(WireError.UNKNOWN_SUITE, "unknown suite " + suite);
        }
        return Parsed.ok(new HandshakeInitiation(suite, Bytes.i32(buf, off + SENDER_INDEX_OFFSET)));
    }

    /** Writes the header and the sender index (bytes 0..8), which are also the prologue suffix. */
    public static void writeHeader(byte[] buf, int off, int suite, int senderIndex) {
        Header.write(buf, off, PacketType.HANDSHAKE_INITIATION, suite);
        Bytes.put32(buf, off + SENDER_INDEX_OFFSET, senderIndex);
    }

    /** The suite id named in the header, one of {@link SuiteId}. */
    public int suite() {
        return suite;
    }

    /** The initiator's local index for this handshake. */
    public int senderIndex() {
        return senderIndex;
    }

    @Override
    public String toString() {
        return "HandshakeInitiation[suite=" + suite + ", senderIndex=" + Integer.toUnsignedString(senderIndex) + "]";
    }
}
