package io.mp2p.wire;

import java.util.Arrays;

/**
 * TAI64N timestamps as the initiation carries them (spec §6.3): 8 bytes {@code 2^62 + unix seconds}
 * then 4 bytes nanoseconds, big-endian. Leap seconds are ignored, as WireGuard does: only the order
 * of one initiator's timestamps matters.
 *
 * <pre>{@code
 * byte[] t = Tai64n.fromUnixNanos(clock.unixNanos());
 * if (Tai64n.compare(t, last) <= 0) t = Tai64n.plusOneNano(last);   // keep them strictly increasing
 * }</pre>
 */
public final class Tai64n {
    /** Length of a TAI64N label in bytes. */
    public static final int LENGTH = 12;

    /** TAI64 labels second {@code s} of the Unix epoch as {@code 2^62 + s}. */
    private static final long TAI64_EPOCH = 1L << 62;
    /**
     * Clock readings are rounded down to this many nanoseconds (about 16.8 ms) so that the timestamp
     * does not reveal the precision of the sender's clock, as in WireGuard.
     */
    private static final long ROUNDING_NANOS = 1L << 24;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int SECONDS_LENGTH = Long.BYTES;

    private Tai64n() {
    }

    /** The TAI64N label of a Unix time in nanoseconds, rounded down to a multiple of 2^24 ns. */
    public static byte[] fromUnixNanos(long unixNanos) {
        // Masking rounds toward negative infinity, which is "down" for times before 1970 as well.
        long rounded = unixNanos & -ROUNDING_NANOS;
        return encode(Math.floorDiv(rounded, NANOS_PER_SECOND), (int) Math.floorMod(rounded, NANOS_PER_SECOND));
    }

    /**
     * The TAI64N label of a Unix time in nanoseconds, not rounded: for bounds a responder compares
     * received labels with (spec §6.3), where rounding would move the bound.
     */
    public static byte[] exactFromUnixNanos(long unixNanos) {
        return encode(Math.floorDiv(unixNanos, NANOS_PER_SECOND), (int) Math.floorMod(unixNanos, NANOS_PER_SECOND));
    }

    /**
     * Orders two labels as unsigned big-endian numbers, that is as times.
     *
     * @throws IllegalArgumentException if either is not {@link #LENGTH} bytes
     */
    public static int compare(byte[] a, byte[] b) {
        requireLength(a);
        requireLength(b);
        return Arrays.compareUnsigned(a, b);
    }

    /**
     * The label one nanosecond after {@code t}, carrying into the seconds.
     *
     * @throws IllegalArgumentException if {@code t} is not {@link #LENGTH} bytes
     */
    public static byte[] plusOneNano(byte[] t) {
        requireLength(t);
        long seconds = Bytes.i64(t, 0);
        long nanos = Integer.toUnsignedLong(Bytes.i32(t, SECONDS_LENGTH)) + 1;
        if (nanos >= NANOS_PER_SECOND) {
            seconds += nanos / NANOS_PER_SECOND;
            nanos %= NANOS_PER_SECOND;
        }
        byte[] out = new byte[LENGTH];
        Bytes.put64(out, 0, seconds);
        Bytes.put32(out, SECONDS_LENGTH, (int) nanos);
        return out;
    }

    /** Whether the nanoseconds field of a label is below one second, as TAI64N requires. */
    static boolean hasValidNanos(byte[] buf, int off) {
        return Integer.toUnsignedLong(Bytes.i32(buf, off + SECONDS_LENGTH)) < NANOS_PER_SECOND;
    }

    private static byte[] encode(long unixSeconds, int nanos) {
        byte[] out = new byte[LENGTH];
        Bytes.put64(out, 0, TAI64_EPOCH + unixSeconds);
        Bytes.put32(out, SECONDS_LENGTH, nanos);
        return out;
    }

    private static void requireLength(byte[] t) {
        if (t == null || t.length != LENGTH) {
            throw new IllegalArgumentException("a TAI64N label is " + LENGTH + " bytes");
        }
    }
}
