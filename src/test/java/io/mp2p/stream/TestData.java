package io.mp2p.stream;

/** Deterministic stream contents: byte {@code i} of stream data {@code seed} is a hash of both, with no period. */
final class TestData {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private TestData() {
    }

    static byte at(long seed, long offset) {
        long w = mix(seed * GOLDEN + (offset >>> 3));
        return (byte) (w >>> ((offset & 7) * Byte.SIZE));
    }

    static void fill(long seed, long offset, byte[] dst, int off, int len) {
        for (int i = 0; i < len; i++) {
            dst[off + i] = at(seed, offset + i);
        }
    }

    /** Index of the first byte of {@code src[off..off+len)} that differs from the data at {@code offset}, or −1. */
    static int firstMismatch(long seed, long offset, byte[] src, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (src[off + i] != at(seed, offset + i)) {
                return i;
            }
        }
        return -1;
    }

    /** SplitMix64's finalizer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
