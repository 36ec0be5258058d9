package io.mp2p.stream;

/**
 * Variable-length integers of RFC 9000 §16: the two high bits of the first byte give the length
 * (1, 2, 4 or 8 bytes), the rest is the value, big-endian, 0..2^62−1.
 *
 * <pre>{@code
 * int end = VarInt.write(buf, 0, 1_000_000);   // 4 bytes
 * long v = VarInt.read(buf, 0, end);           // 1_000_000, or VarInt.TRUNCATED
 * int next = 0 + VarInt.encodedLength(buf, 0); // 4
 * }</pre>
 */
public final class VarInt {
    /** Largest encodable value, 2^62 − 1. */
    public static final long MAX = (1L << 62) - 1;
    /** What {@link #read} returns when the integer does not fit before {@code end}. */
    public static final long TRUNCATED = -1;

    private static final long MAX_1 = (1L << 6) - 1;
    private static final long MAX_2 = (1L << 14) - 1;
    private static final long MAX_4 = (1L << 30) - 1;
    private static final int LENGTH_SHIFT = 6;
    private static final int VALUE_MASK_FIRST = 0x3f;
    private static final int BYTE_MASK = 0xff;
    private static final int PREFIX_2 = 0x40;
    private static final int PREFIX_4 = 0x80;
    private static final int PREFIX_8 = 0xc0;

    private VarInt() {
    }

    /** Bytes the shortest encoding of {@code v} takes. */
    public static int length(long v) {
        if (v < 0 || v > MAX) {
            throw new IllegalArgumentException("varint out of range: " + v);
        }
        return v <= MAX_1 ? 1 : v <= MAX_2 ? 2 : v <= MAX_4 ? 4 : 8;
    }

    /** Bytes the integer starting at {@code buf[off]} takes, from its first byte (1, 2, 4 or 8). */
    public static int encodedLength(byte[] buf, int off) {
        return 1 << ((buf[off] & BYTE_MASK) >>> LENGTH_SHIFT);
    }

    /** Writes the shortest encoding of {@code v} at {@code buf[off..)} and returns the offset after it. */
    public static int write(byte[] buf, int off, long v) {
        int n = length(v);
        long prefixed = switch (n) {
            case 1 -> v;
            case 2 -> v | ((long) PREFIX_2 << Byte.SIZE);
            case 4 -> v | ((long) PREFIX_4 << (3 * Byte.SIZE));
            default -> v | ((long) PREFIX_8 << (7 * Byte.SIZE));
        };
        for (int i = n - 1; i >= 0; i--) {
            buf[off + i] = (byte) prefixed;
            prefixed >>>= Byte.SIZE;
        }
        return off + n;
    }

    /**
     * Reads the integer at {@code buf[off..end)}; returns {@link #TRUNCATED} when it does not fit.
     * Longer-than-needed encodings are accepted, as RFC 9000 §16 allows. Never throws for
     * {@code 0 <= off <= end <= buf.length}.
     */
    public static long read(byte[] buf, int off, int end) {
        if (off >= end) {
            return TRUNCATED;
        }
        int n = encodedLength(buf, off);
        if (n > end - off) {
            return TRUNCATED;
        }
        long v = buf[off] & VALUE_MASK_FIRST;
        for (int i = 1; i < n; i++) {
            v = (v << Byte.SIZE) | (buf[off + i] & BYTE_MASK);
        }
        return v;
    }
}
