package io.mp2p.cli.bench;

import java.util.Arrays;

/**
 * The bytes every stream contender carries: byte {@code i} of a stream is {@code i mod 251}. The
 * writer sends straight out of one precomputed buffer and the reader compares every byte it gets
 * with a vectorised {@link Arrays#equals}, so checking costs both contenders alike and next to
 * nothing, and a stream that loses, repeats or reorders a stretch (or delivers zeros) fails the run
 * instead of looking fast. The period is prime, so a 64 KiB write or a packet-sized stretch is never
 * a whole number of periods.
 */
final class StreamPattern {
    /** Every bulk write, and the reader's buffer. */
    static final int WRITE_SIZE = 64 * 1024;
    private static final int PERIOD = 251;

    private final byte[] bytes = new byte[WRITE_SIZE + PERIOD];

    StreamPattern() {
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i % PERIOD);
        }
    }

    /** The buffer to write from: {@link #WRITE_SIZE} bytes at {@link #offset} are the stream's next. */
    byte[] bytes() {
        return bytes;
    }

    /** Where in {@link #bytes()} the stream's byte at {@code position} is. */
    static int offset(long position) {
        return (int) (position % PERIOD);
    }

    /** Whether {@code len} (at most {@link #WRITE_SIZE}) bytes read at stream {@code position} are the ones written. */
    boolean matches(byte[] b, int off, int len, long position) {
        int from = offset(position);
        return Arrays.equals(b, off, off + len, bytes, from, from + len);
    }
}
