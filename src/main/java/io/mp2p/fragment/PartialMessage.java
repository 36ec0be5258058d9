package io.mp2p.fragment;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes received so far of one fragmented message: disjoint pieces keyed by offset, each
 * holding only bytes that were new when they arrived, so memory follows what was received rather
 * than what the first fragment announced.
 */
final class PartialMessage {
    final Object key;
    final int messageId;
    final int totalLength;
    final long deadline;
    final Reassembler.Account account;
    private final TreeMap<Integer, byte[]> pieces = new TreeMap<>();
    private int received;
    /** Bytes charged for this message: {@link Reassembler#PARTIAL_OVERHEAD} plus each piece's charge. */
    long charge = Reassembler.PARTIAL_OVERHEAD;

    PartialMessage(Object key, int messageId, int totalLength, long deadline, Reassembler.Account account) {
        this.key = key;
        this.messageId = messageId;
        this.totalLength = totalLength;
        this.deadline = deadline;
        this.account = account;
    }

    /**
     * The sub-ranges of {@code [from, to)} not yet received, as consecutive (start, end) pairs in
     * {@code out}; returns how many ints were written.
     */
    int gaps(int from, int to, int[] out) {
        int n = 0;
        int pos = from;
        Map.Entry<Integer, byte[]> before = pieces.floorEntry(pos);
        if (before != null) {
            pos = Math.max(pos, before.getKey() + before.getValue().length);
        }
        while (pos < to) {
            Map.Entry<Integer, byte[]> next = pieces.ceilingEntry(pos);
            int gapEnd = next == null ? to : Math.min(to, next.getKey());
            if (gapEnd > pos) {
                out[n++] = pos;
                out[n++] = gapEnd;
            }
            if (next == null || next.getKey() >= to) {
                break;
            }
            pos = next.getKey() + next.getValue().length;
        }
        return n;
    }

    /** The charge of storing the gaps {@code gaps[0..n)}: their bytes and one piece overhead each. */
    static long chargeOf(int[] gaps, int n) {
        long c = 0;
        for (int i = 0; i < n; i += 2) {
            c += gaps[i + 1] - gaps[i] + Reassembler.PIECE_OVERHEAD;
        }
        return c;
    }

    /** Stores the gaps found by {@link #gaps}, taking bytes {@code offset..} from {@code buf[off..]}. */
    void fill(int[] gaps, int n, int offset, byte[] buf, int off) {
        for (int i = 0; i < n; i += 2) {
            int start = gaps[i];
            int end = gaps[i + 1];
            pieces.put(start, Arrays.copyOfRange(buf, off + (start - offset), off + (end - offset)));
            received += end - start;
        }
        charge += chargeOf(gaps, n);
    }

    int pieceCount() {
        return pieces.size();
    }

    boolean isComplete() {
        return received == totalLength;
    }

    /** The whole message; the pieces are zeroed. */
    byte[] assemble() {
        byte[] out = new byte[totalLength];
        for (Map.Entry<Integer, byte[]> e : pieces.entrySet()) {
            System.arraycopy(e.getValue(), 0, out, e.getKey(), e.getValue().length);
        }
        wipe();
        return out;
    }

    /** Zeroes the pieces: application plaintext should not linger in freed buffers. */
    void wipe() {
        for (byte[] piece : pieces.values()) {
            Arrays.fill(piece, (byte) 0);
        }
        pieces.clear();
    }
}
