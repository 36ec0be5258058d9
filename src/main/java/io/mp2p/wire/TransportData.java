package io.mp2p.wire;

/**
 * The clear header of a TransportData packet (type 4, spec §4.6): receiver index and 64-bit counter,
 * followed by the AEAD-encrypted frames. The 16 header bytes are the AEAD's associated data.
 *
 * <pre>{@code
 * byte[] packet = new byte[TransportData.OVERHEAD + plaintextLength];
 * TransportData.writeHeader(packet, 0, peerIndex, counter);
 * // seal plaintext into packet[HEADER_LENGTH ..), ad = packet[0 .. HEADER_LENGTH)
 * Parsed<TransportData> p = TransportData.parseHeader(packet, 0, packet.length);
 * }</pre>
 */
public final class TransportData {
    /** Length of the clear header (the AEAD associated data). */
    public static final int HEADER_LENGTH = 16;
    /** Offset of the receiver's 4-byte index. */
    public static final int RECEIVER_INDEX_OFFSET = 4;
    /** Offset of the 8-byte message counter. */
    public static final int COUNTER_OFFSET = 8;
    /** Length of the AEAD tag. */
    public static final int TAG_LENGTH = 16;
    /** Bytes a packet adds to its plaintext: header and tag. */
    public static final int OVERHEAD = HEADER_LENGTH + TAG_LENGTH;
    /** Smallest packet: an empty plaintext. */
    public static final int MIN_LENGTH = OVERHEAD;

    private final int receiverIndex;
    private final long counter;

    private TransportData(int receiverIndex, long counter) {
        this.receiverIndex = receiverIndex;
        this.counter = counter;
    }

    /**
     * Checks the length ({@link #MIN_LENGTH} at least) and header of {@code buf[off..off+len)}.
     * Never throws; does not decrypt.
     */
    public static Parsed<TransportData> parseHeader(byte[] buf, int off, int len) {
        Parsed<TransportData> bad = Header.check(buf, off, len, PacketType.TRANSPORT_DATA, MIN_LENGTH, false);
        if (bad != null) {
            return bad;
        }
        return Parsed.ok(new TransportData(Bytes.i32(buf, off + RECEIVER_INDEX_OFFSET), Bytes.i64(buf, off + COUNTER_OFFSET)));
    }

    /**
     * As {@link #parseHeader} without making a result on success: null if the header is valid,
     * else the refusal. The data path then reads {@link #receiverIndex(byte[], int)} and
     * {@link #counter(byte[], int)}, allocating nothing per packet.
     */
    public static Parsed<TransportData> checkHeader(byte[] buf, int off, int len) {
        return Header.check(buf, off, len, PacketType.TRANSPORT_DATA, MIN_LENGTH, false);
    }

    /** The receiver index of a packet {@link #checkHeader} accepted. */
    public static int receiverIndex(byte[] buf, int off) {
        return Bytes.i32(buf, off + RECEIVER_INDEX_OFFSET);
    }

    /** The counter (unsigned) of a packet {@link #checkHeader} accepted. */
    public static long counter(byte[] buf, int off) {
        return Bytes.i64(buf, off + COUNTER_OFFSET);
    }

    /** Writes the header, receiver index and counter (bytes 0..16). */
    public static void writeHeader(byte[] buf, int off, int receiverIndex, long counter) {
        Header.write(buf, off, PacketType.TRANSPORT_DATA, Header.NO_SUITE);
        Bytes.put32(buf, off + RECEIVER_INDEX_OFFSET, receiverIndex);
        Bytes.put64(buf, off + COUNTER_OFFSET, counter);
    }

    /** The receiver's local session index. */
    public int receiverIndex() {
        return receiverIndex;
    }

    /** The message counter (unsigned 64-bit, held in a long). */
    public long counter() {
        return counter;
    }

    @Override
    public String toString() {
        return "TransportData[receiverIndex=" + Integer.toUnsignedString(receiverIndex)
                + ", counter=" + Long.toUnsignedString(counter) + "]";
    }
}
