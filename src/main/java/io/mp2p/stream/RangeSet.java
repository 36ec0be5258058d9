package io.mp2p.stream;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A set of non-negative longs held as disjoint half-open ranges {@code [start, end)}, merged when they
 * touch. Used for received packet numbers, received and acknowledged stream bytes, and bytes to
 * retransmit. The number of ranges is what costs memory, so callers bound it ({@link #rangeCount}).
 *
 * <pre>{@code
 * RangeSet s = new RangeSet();
 * s.add(0, 10); s.add(20, 30); s.add(10, 20);   // one range [0, 30)
 * s.remove(5, 25);                               // [0, 5) and [25, 30)
 * }</pre>
 */
final class RangeSet implements Iterable<Map.Entry<Long, Long>> {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    /** Adds {@code [start, end)}. */
    void add(long start, long end) {
        if (start >= end) {
            return;
        }
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            if (before.getValue() >= end) {
                return;
            }
            start = before.getKey();
        }
        // Swallow every range starting inside [start, end].
        for (Map.Entry<Long, Long> e = ranges.ceilingEntry(start); e != null && e.getKey() <= end;
             e = ranges.ceilingEntry(start)) {
            end = Math.max(end, e.getValue());
            ranges.remove(e.getKey());
        }
        ranges.put(start, end);
    }

    /** Whether {@code [start, end)} would add a range rather than extend or fall inside one. */
    boolean wouldAddRange(long start, long end) {
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            return false;
        }
        Long next = ranges.ceilingKey(start);
        return next == null || next > end;
    }

    /** Removes {@code [start, end)}. */
    void remove(long start, long end) {
        if (start >= end) {
            return;
        }
        Map.Entry<Long, Long> before = ranges.lowerEntry(start);
        if (before != null && before.getValue() > start) {
            ranges.put(before.getKey(), start);
            if (before.getValue() > end) {
                ranges.put(end, before.getValue());
                return;
            }
        }
        for (Map.Entry<Long, Long> e = ranges.ceilingEntry(start); e != null && e.getKey() < end;
             e = ranges.ceilingEntry(start)) {
            ranges.remove(e.getKey());
            if (e.getValue() > end) {
                ranges.put(end, e.getValue());
                break;
            }
        }
    }

    /** Removes everything below {@code x}. */
    void removeBelow(long x) {
        if (!ranges.isEmpty()) {
            remove(ranges.firstKey(), x);
        }
    }

    /** Removes the lowest range. */
    void removeFirst() {
        ranges.pollFirstEntry();
    }

    boolean contains(long x) {
        Map.Entry<Long, Long> e = ranges.floorEntry(x);
        return e != null && e.getValue() > x;
    }

    /** The end of the range containing {@code x}, or {@code x} itself when none does. */
    long contiguousEnd(long x) {
        Map.Entry<Long, Long> e = ranges.floorEntry(x);
        return e != null && e.getValue() > x ? e.getValue() : x;
    }

    /** Whether any member lies in {@code [start, end)}. */
    boolean intersects(long start, long end) {
        if (start >= end) {
            return false;
        }
        Map.Entry<Long, Long> e = ranges.lowerEntry(end);
        return e != null && e.getValue() > start;
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    int rangeCount() {
        return ranges.size();
    }

    /** Smallest member; the set must not be empty. */
    long first() {
        return ranges.firstKey();
    }

    /** One past the largest member; the set must not be empty. */
    long end() {
        return ranges.lastEntry().getValue();
    }

    /** Ranges from the highest down. */
    Iterable<Map.Entry<Long, Long>> descending() {
        NavigableMap<Long, Long> d = ranges.descendingMap();
        return d.entrySet();
    }

    /** Ranges from the lowest up, as (start, end) entries. */
    @Override
    public Iterator<Map.Entry<Long, Long>> iterator() {
        return ranges.entrySet().iterator();
    }

    /** Sum of the range lengths. */
    long size() {
        long n = 0;
        for (Map.Entry<Long, Long> e : ranges.entrySet()) {
            n += e.getValue() - e.getKey();
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<Long, Long> e : ranges.entrySet()) {
            b.append(b.length() > 1 ? ", " : "").append('[').append(e.getKey()).append(", ").append(e.getValue()).append(')');
        }
        return b.append('}').toString();
    }
}
