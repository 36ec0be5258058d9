package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** RFC 9000 §16 variable-length integers, with the vectors of RFC 9000 Appendix A.1. */
class VarIntTest {
    private static long decode(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        return VarInt.read(b, 0, b.length);
    }

    @Test
    void rfc9000AppendixA1Vectors() {
        assertEquals(151_288_809_941_952_652L, decode("c2197c5eff14e88c"));
        assertEquals(494_878_333L, decode("9d7f3e7d"));
        assertEquals(15_293L, decode("7bbd"));
        assertEquals(37L, decode("25"));
        assertEquals(37L, decode("4025"), "a longer encoding than needed is accepted");
    }

    @Test
    void writesTheShortestEncoding() {
        byte[] b = new byte[8];
        assertEquals(1, VarInt.write(b, 0, 37));
        assertEquals("25", HexFormat.of().formatHex(b, 0, 1));
        assertEquals(2, VarInt.write(b, 0, 15_293));
        assertEquals("7bbd", HexFormat.of().formatHex(b, 0, 2));
        assertEquals(4, VarInt.write(b, 0, 494_878_333L));
        assertEquals("9d7f3e7d", HexFormat.of().formatHex(b, 0, 4));
        assertEquals(8, VarInt.write(b, 0, 151_288_809_941_952_652L));
        assertEquals("c2197c5eff14e88c", HexFormat.of().formatHex(b, 0, 8));
    }

    @Test
    void boundariesRoundTrip() {
        long[] values = {0, 63, 64, 16_383, 16_384, (1L << 30) - 1, 1L << 30, VarInt.MAX};
        int[] lengths = {1, 1, 2, 2, 4, 4, 8, 8};
        byte[] b = new byte[8];
        for (int i = 0; i < values.length; i++) {
            assertEquals(lengths[i], VarInt.length(values[i]));
            int end = VarInt.write(b, 0, values[i]);
            assertEquals(lengths[i], end);
            assertEquals(lengths[i], VarInt.encodedLength(b, 0));
            assertEquals(values[i], VarInt.read(b, 0, end));
        }
        assertThrows(IllegalArgumentException.class, () -> VarInt.length(VarInt.MAX + 1));
        assertThrows(IllegalArgumentException.class, () -> VarInt.length(-1));
    }

    @Test
    void truncatedInputIsReportedNotThrown() {
        byte[] b = new byte[8];
        VarInt.write(b, 0, VarInt.MAX);
        for (int end = 0; end < 8; end++) {
            assertEquals(VarInt.TRUNCATED, VarInt.read(b, 0, end));
        }
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            r.nextBytes(b);
            int end = r.nextInt(9);
            long v = VarInt.read(b, 0, end);
            assertEquals(v == VarInt.TRUNCATED, end < VarInt.encodedLength(b, 0) || end == 0);
        }
    }
}
