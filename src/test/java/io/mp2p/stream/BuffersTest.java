package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** {@link RangeSet} against a bit set, and {@link OffsetBuffer}'s wrap-around, growth and bound. */
class BuffersTest {
    @Test
    void rangeSetAgreesWithABitSet() {
        SplittableRandom r = new SplittableRandom(3);
        RangeSet s = new RangeSet();
        BitSet model = new BitSet();
        for (int i = 0; i < 20_000; i++) {
            int a = r.nextInt(500);
            int b = a + r.nextInt(30);
            switch (r.nextInt(4)) {
                case 0, 1 -> {
                    if (a < b) {
                        // A new range unless [a, b) overlaps or touches one: no member in [a − 1, b].
                        assertEquals(model.get(Math.max(0, a - 1), b + 1).isEmpty(), s.wouldAddRange(a, b),
                                "wouldAddRange " + a + ".." + b + " in " + s);
                    }
                    s.add(a, b);
                    model.set(a, b);
                }
                case 2 -> {
                    s.remove(a, b);
                    model.clear(a, b);
                }
                default -> {
                    assertEquals(!model.get(a, b).isEmpty(), s.intersects(a, b), "intersects " + a + ".." + b);
                }
            }
            int x = r.nextInt(530);
            assertEquals(model.get(x), s.contains(x));
        }
        assertEquals(model.cardinality(), s.size());
        int ranges = 0;
        for (int i = model.nextSetBit(0); i >= 0; i = model.nextSetBit(model.nextClearBit(i))) {
            ranges++;
        }
        assertEquals(ranges, s.rangeCount());
    }

    @Test
    void rangeSetMergesTouchingRanges() {
        RangeSet s = new RangeSet();
        s.add(0, 10);
        s.add(20, 30);
        assertTrue(s.wouldAddRange(12, 15));
        assertFalse(s.wouldAddRange(10, 15), "touches [0, 10)");
        assertFalse(s.wouldAddRange(15, 20), "touches [20, 30)");
        s.add(10, 20);
        assertEquals("{[0, 30)}", s.toString());
        s.remove(5, 25);
        assertEquals("{[0, 5), [25, 30)}", s.toString());
        assertEquals(5, s.contiguousEnd(0));
        assertEquals(7, s.contiguousEnd(7));
        s.removeBelow(27);
        assertEquals("{[27, 30)}", s.toString());
    }

    @Test
    void offsetBufferWrapsGrowsAndKeepsItsBound() {
        OffsetBuffer b = new OffsetBuffer(10_000);
        assertEquals(0, b.capacity(), "nothing allocated until used");
        byte[] data = new byte[10_000];
        new SplittableRandom(1).nextBytes(data);
        b.put(0, data, 0, 3000);
        assertEquals(4096, b.capacity());
        b.advance(2500, false);
        b.put(3000, data, 3000, 3500); // wraps in a 4096 ring? no: grows, the window is [2500, 6500)
        assertTrue(b.capacity() >= 4000 && b.capacity() <= 10_000);
        byte[] out = new byte[4000];
        b.get(2500, out, 0, 4000);
        assertArrayEquals(Arrays.copyOfRange(data, 2500, 6500), out);
        b.advance(6000, false);
        b.put(6500, data, 6500, 3500);
        byte[] tail = new byte[4000];
        b.get(6000, tail, 0, 4000);
        assertArrayEquals(Arrays.copyOfRange(data, 6000, 10_000), tail);
        assertThrows(IllegalArgumentException.class, () -> b.put(6000, data, 0, 10_001 - 0 - 1 + 1),
                "past start + limit");
        assertThrows(IllegalArgumentException.class, () -> b.put(5999, data, 0, 1), "below start");
        b.advance(10_000, true);
        assertEquals(0, b.capacity(), "released when empty");
    }

    @Test
    void offsetBufferRandomAgainstAnArray() {
        SplittableRandom r = new SplittableRandom(2);
        int limit = 5000;
        OffsetBuffer b = new OffsetBuffer(limit);
        byte[] model = new byte[1 << 20];
        r.nextBytes(model);
        long start = 0;
        long written = 0;
        for (int i = 0; i < 5000; i++) {
            int n = r.nextInt(Math.max(1, (int) (start + limit - written)) + 1);
            n = (int) Math.min(n, start + limit - written);
            if (written + n > model.length) {
                break;
            }
            b.put(written, model, (int) written, n);
            written += n;
            long newStart = start + r.nextInt((int) (written - start) + 1);
            int check = (int) (written - newStart);
            byte[] out = new byte[check];
            b.get(newStart, out, 0, check);
            assertArrayEquals(Arrays.copyOfRange(model, (int) newStart, (int) written), out);
            start = newStart;
            b.advance(start, false);
            assertTrue(b.capacity() <= limit);
        }
    }
}
