package io.mp2p.wire;

/** Big-endian integer access and range checks shared by the parsers. */
final class Bytes {
    private static final int BYTE_MASK = 0xff;

    private Bytes() {
    }

    static int u8(byte[] b, int off) {
        return b[off] & BYTE_MASK;
    }

    static int u16(byte[] b, int off) {
        return (u8(b, off) << Byte.SIZE) | u8(b, off + 1);
    }

    static int i32(byte[] b, int off) {
        return (u8(b, off) << 24) | (u8(b, off + 1) << 16) | (u8(b, off + 2) << 8) | u8(b, off + 3);
    }

    static long i64(byte[] b, int off) {
        return ((long) i32(b, off) << Integer.SIZE) | (i32(b, off + Integer.BYTES) & 0xffffffffL);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> Byte.SIZE);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void put64(byte[] b, int off, long v) {
        put32(b, off, (int) (v >>> Integer.SIZE));
        put32(b, off + Integer.BYTES, (int) v);
    }

    /**
     * A description of why {@code [off, off+len)} is not inside {@code buf}, or null when it is.
     * Parsers check this first so that a caller's bad range yields an error, not an exception.
     */
    static String badRange(byte[] buf, int off, int len) {
        if (buf == null) {
            return "no buffer";
        }
        if (off < 0 || len < 0 || off > buf.length - len) {
            return "range [" + off + ", " + off + "+" + len + ") outside a buffer of " + buf.length + " bytes";
        }
        return null;
    }

    static boolean allZero(byte[] b, int off, int len) {
        int acc = 0;
        for (int i = 0; i < len; i++) {
            acc |= b[off + i];
        }
        return acc == 0;
    }
}
