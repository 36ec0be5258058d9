package io.mp2p.wire;

/**
 * The clear fields of a HandshakeResponse (type 2, spec §4.3): 108 bytes, of which bytes
 * {@code NOISE_OFFSET .. NOISE_OFFSET+NOISE_LENGTH} are Noise IK message 2 (whose 4-byte payload is
 * the responder's sender index), then response_auth, mac1 and mac2.
 *
 * <pre>{@code
 * byte[] packet = new byte[HandshakeResponse.LENGTH];
 * HandshakeResponse.writeHeader(packet, 0, initiatorIndex);
 * byte[] payload = HandshakeResponse.encodePayload(localIndex); // Noise encrypts it
 * int peerIndex = HandshakeResponse.decodePayload(decryptedPayload);
 * }</pre>
 */
public final class HandshakeResponse {
    /** Exact packet length. */
    public static final int LENGTH = 108;
    /** Offset of the receiver index (the initiation's sender index). */
    public static final int RECEIVER_INDEX_OFFSET = 4;
    /** Offset of Noise message 2. */
    public static final int NOISE_OFFSET = 8;
    /** Length of Noise message 2: e (32) + encrypted payload (4 + 16). */
    public static final int NOISE_LENGTH = 52;
    /** Length of the ResponsePayload: the responder's sender index. */
    public static final int PAYLOAD_LENGTH = 4;
    /** Offset of response_auth, which covers bytes 0 .. AUTH_OFFSET. */
    public static final int AUTH_OFFSET = 60;
    /** Length of response_auth. */
    public static final int AUTH_LENGTH = 16;
    /** Offset of mac1. */
    public static final int MAC1_OFFSET = 76;
    /** Offset of mac2. */
    public static final int MAC2_OFFSET = 92;

    private final int receiverIndex;

    private HandshakeResponse(int receiverIndex) {
        this.receiverIndex = receiverIndex;
    }

    /** Checks length and header of {@code buf[off..off+len)}. Never throws. */
    public static Parsed<HandshakeResponse> parse(byte[] buf, int off, int len) {
        Parsed<HandshakeResponse> bad = Header.check(buf, off, len, PacketType.HANDSHAKE_RESPONSE, LENGTH, true);
        if (bad != null) {
            return bad;
        }
        return Parsed.ok(new HandshakeResponse(Bytes.i32(buf, off + RECEIVER_INDEX_OFFSET)));
    }

    /** Writes the header and the receiver index (bytes 0..8). */
    public static void writeHeader(byte[] buf, int off, int receiverIndex) {
        Header.write(buf, off, PacketType.HANDSHAKE_RESPONSE, Header.NO_SUITE);
        Bytes.put32(buf, off + RECEIVER_INDEX_OFFSET, receiverIndex);
    }

    /** The ResponsePayload carrying the responder's local index. */
    public static byte[] encodePayload(int senderIndex) {
        byte[] p = new byte[PAYLOAD_LENGTH];
        Bytes.put32(p, 0, senderIndex);
        return p;
    }

    /**
     * Reads the responder's index from a decrypted ResponsePayload. Noise fixes the payload length by
     * the packet length, so a payload of another length is a caller bug.
     *
     * @throws IllegalArgumentException if {@code payload4} is not {@link #PAYLOAD_LENGTH} bytes
     */
    public static int decodePayload(byte[] payload4) {
        if (payload4 == null || payload4.length != PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("a ResponsePayload is " + PAYLOAD_LENGTH + " bytes");
        }
        return Bytes.i32(payload4, 0);
    }

    /** The initiator's index this response answers. */
    public int receiverIndex() {
        return receiverIndex;
    }

    @Override
    public String toString() {
        return "HandshakeResponse[receiverIndex=" + Integer.toUnsignedString(receiverIndex) + "]";
    }
}
