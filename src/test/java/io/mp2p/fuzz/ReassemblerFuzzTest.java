package io.mp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mp2p.fragment.Reassembler;

/**
 * Coverage-guided fuzzing of the fragment reassembler (spec/PROTOCOL.md §8) with an attacker's
 * choice of fragments from three senders: any ids, lengths, offsets and overlaps, and time passing.
 * Each piece's bytes are a function of (sender, id, position), so whatever the reassembler completes
 * must equal that function: a message made of wrong or shifted bytes is caught. The bounds on held
 * bytes must hold after every step.
 *
 * <p>The input is read as 8-byte operations: kind, sender, id, total (2), offset (2), length.
 */
class ReassemblerFuzzTest {
    private static final int OP_LENGTH = 8;
    private static final int SENDERS = 3;
    private static final int IDS = 5;
    private static final long PER_SENDER = 6_000;
    private static final long TOTAL = 10_000;
    private static final long TIMEOUT = 1_000;
    /** Kinds 0..TICK_KINDS-1 advance time instead of adding a fragment. */
    private static final int TICK_KINDS = 16;
    /** The largest piece an operation makes: lengths are scaled by this from one byte. */
    private static final int LENGTH_SCALE = 4;

    /** The byte at {@code position} of message {@code id} from {@code sender}: the same in every piece. */
    static byte pattern(int sender, int id, int position) {
        return (byte) (sender * 31 + id * 7 + position * 13 + (position >>> 8));
    }

    @FuzzTest
    void fragments(byte[] data) {
        Reassembler<Integer> r = new Reassembler<>(PER_SENDER, TOTAL, TIMEOUT);
        long now = 0;
        int completed = 0;
        for (int p = 0; p + OP_LENGTH <= data.length; p += OP_LENGTH) {
            int kind = data[p] & 0xff;
            int sender = (data[p + 1] & 0xff) % SENDERS;
            int id = (data[p + 2] & 0xff) % IDS;
            int total = ((data[p + 3] & 0xff) << 8 | data[p + 4] & 0xff);
            int offset = ((data[p + 5] & 0xff) << 8 | data[p + 6] & 0xff);
            int len = (data[p + 7] & 0xff) * LENGTH_SCALE;
            if (kind < TICK_KINDS) {
                now += (long) kind * TIMEOUT / 4;
                int expired = r.expire(now);
                assertTrue(expired >= 0);
                continue;
            }
            byte[] piece = new byte[len + 2];
            for (int i = 0; i < len; i++) {
                piece[1 + i] = pattern(sender, id, offset + i);
            }
            Reassembler.Result res = r.accept(sender, id, total, offset, piece, 1, len, now);
            assertNotNull(res.status());
            if (res.status() == Reassembler.Status.COMPLETE) {
                byte[] m = res.message();
                assertEquals(total, m.length, "a completed message has its announced length");
                for (int i = 0; i < m.length; i++) {
                    assertEquals(pattern(sender, id, i), m[i], "byte " + i + " of a completed message is wrong");
                }
                completed++;
            } else {
                assertEquals(null, res.message());
            }
            assertTrue(r.bytesHeld() <= TOTAL, "the total bound was passed: " + r.bytesHeld());
            for (int s = 0; s < SENDERS; s++) {
                assertTrue(r.bytesHeld(s) <= PER_SENDER, "a sender's bound was passed");
            }
        }
        // Forgetting a sender releases what it held.
        for (int s = 0; s < SENDERS; s++) {
            r.removeKey(s);
            assertEquals(0, r.bytesHeld(s));
        }
        assertEquals(0, r.bytesHeld(), "removing every sender frees everything");
        assertEquals(0, r.partialCount());
        assertTrue(completed >= 0);
    }
}
