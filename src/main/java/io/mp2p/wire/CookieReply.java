package io.mp2p.wire;

/**
 * The clear fields of a CookieReply (type 3, spec §4.5): 64 bytes holding a random nonce and an
 * encrypted cookie; {@code io.mp2p.cookie} creates and opens them.
 *
 * <pre>{@code
 * Parsed<CookieReply> p = CookieReply.parse(buf, 0, len);
 * if (p.isOk()) handshakeFor(p.value().receiverIndex()).consumeCookie(buf, 0, len);
 * }</pre>
 */
public final class CookieReply {
    /** Exact packet length. */
    public static final int LENGTH = 64;
    /** Offset of the receiver index (the answered packet's sender index). */
    public static final int RECEIVER_INDEX_OFFSET = 4;
    /** Offset of the random nonce. */
    public static final int NONCE_OFFSET = 8;
    /** Length of the random nonce: 192 bits, so random nonces never collide in practice. */
    public static final int NONCE_LENGTH = 24;
    /** Offset of the encrypted cookie. */
    public static final int ENCRYPTED_COOKIE_OFFSET = 32;
    /** Length of the encrypted cookie: 16-byte cookie + 16-byte tag. */
    public static final int ENCRYPTED_COOKIE_LENGTH = 32;

    private final int receiverIndex;

    private CookieReply(int receiverIndex) {
        this.receiverIndex = receiverIndex;
    }

    /** Checks length and header of {@code buf[off..off+len)}. Never throws. */
    public static Parsed<CookieReply> parse(byte[] buf, int off, int len) {
        Parsed<CookieReply> bad = Header.check(buf, off, len, PacketType.COOKIE_REPLY, LENGTH, true);
        if (bad != null) {
            return bad;
        }
        return Parsed.ok(new CookieReply(Bytes.i32(buf, off + RECEIVER_INDEX_OFFSET)));
    }

    /** Writes the header and the receiver index (bytes 0..8). */
    public static void writeHeader(byte[] buf, int off, int receiverIndex) {
        Header.write(buf, off, PacketType.COOKIE_REPLY, Header.NO_SUITE);
        Bytes.put32(buf, off + RECEIVER_INDEX_OFFSET, receiverIndex);
    }

    /** The index of the handshake this reply answers. */
    public int receiverIndex() {
        return receiverIndex;
    }

    @Override
    public String toString() {
        return "CookieReply[receiverIndex=" + Integer.toUnsignedString(receiverIndex) + "]";
    }
}
