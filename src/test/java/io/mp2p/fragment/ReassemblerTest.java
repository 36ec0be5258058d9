package io.mp2p.fragment;

import static io.mp2p.fragment.Reassembler.Status.COMPLETE;
import static io.mp2p.fragment.Reassembler.Status.DUPLICATE;
import static io.mp2p.fragment.Reassembler.Status.INCOMPLETE;
import static io.mp2p.fragment.Reassembler.Status.INCONSISTENT;
import static io.mp2p.fragment.Reassembler.Status.REFUSED_PEER_LIMIT;
import static io.mp2p.fragment.Reassembler.Status.REFUSED_TOTAL_LIMIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mp2p.fragment.Reassembler.Result;
import io.mp2p.fragment.Reassembler.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReassemblerTest {

    private static final long TIMEOUT = 10_000_000_000L;
    private static final long MIB = 1 << 20;
    // A clock reading near the wrap point, to check comparisons by subtraction.
    private static final long T0 = Long.MAX_VALUE - 3_000_000_000L;

    private static byte[] message(SplittableRandom rnd, int length) {
        byte[] m = new byte[length];
        for (int i = 0; i < length; i++) {
            m[i] = (byte) rnd.nextInt();
        }
        return m;
    }

    /** What a partial message holding pieces of these lengths is charged. */
    private static long charge(int... pieces) {
        long c = Reassembler.PARTIAL_OVERHEAD;
        for (int p : pieces) {
            c += p + Reassembler.PIECE_OVERHEAD;
        }
        return c;
    }

    private static Result send(Reassembler<String> r, String key, int id, byte[] msg, int from,
            int to, long now) {
        return r.accept(key, id, msg.length, from, msg, from, to - from, now);
    }

    @Test
    void inOrder() {
        Reassembler<String> r = new Reassembler<>(MIB, 16 * MIB, TIMEOUT);
        byte[] msg = message(new SplittableRandom(1), 3000);
        assertEquals(INCOMPLETE, send(r, "a", 7, msg, 0, 1000, T0).status());
        assertEquals(charge(1000), r.bytesHeld(), "charged for the bytes received, not the announced length");
        assertEquals(1, r.partialCount());
        assertEquals(INCOMPLETE, send(r, "a", 7, msg, 1000, 2000, T0).status());
        Result done = send(r, "a", 7, msg, 2000, 3000, T0);
        assertEquals(COMPLETE, done.status());
        assertArrayEquals(msg, done.message());
        assertEquals(0, r.bytesHeld());
        assertEquals(0, r.partialCount());
    }

    @Test
    void reverseOrder() {
        Reassembler<String> r = new Reassembler<>(MIB, 16 * MIB, TIMEOUT);
        byte[] msg = message(new SplittableRandom(2), 65_535);
        List<Status> statuses = new ArrayList<>();
        Result last = null;
        for (int end = msg.length; end > 0; end -= 1000) {
            last = send(r, "a", 1, msg, Math.max(0, end - 1000), end, T0);
            statuses.add(last.status());
        }
        assertEquals(COMPLETE, last.status());
        assertArrayEquals(msg, last.message());
        assertEquals(1, Collections.frequency(statuses, COMPLETE));
        assertEquals(statuses.size() - 1, Collections.frequency(statuses, INCOMPLETE));
    }

    @Test
    void singleFragmentMessageCompletesWithoutChargeAndOnce() {
        Reassembler<String> r = new Reassembler<>(0, 0, TIMEOUT);
        byte[] msg = {1, 2, 3};
        Result res = send(r, "a", 1, msg, 0, 3, T0);
        assertEquals(COMPLETE, res.status());
        assertArrayEquals(msg, res.message());
        assertEquals(DUPLICATE, send(r, "a", 1, msg, 0, 3, T0).status());
        assertEquals(DUPLICATE, send(r, "a", 1, msg, 1, 2, T0).status());
    }

    @Test
    void duplicateFragmentsWhilePartialAndAfterCompletion() {
        Reassembler<String> r = new Reassembler<>(MIB, 16 * MIB, TIMEOUT);
        byte[] msg = message(new SplittableRandom(3), 200);
        assertEquals(INCOMPLETE, send(r, "a", 1, msg, 0, 100, T0).status());
        assertEquals(DUPLICATE, send(r, "a", 1, msg, 0, 100, T0).status());
        assertEquals(DUPLICATE, send(r, "a", 1, msg, 10, 20, T0).status());
        assertEquals(INCOMPLETE, send(r, "a", 1, msg, 50, 150, T0).status()); // overlap adds bytes
        Result done = send(r, "a", 1, msg, 150, 200, T0);
        assertEquals(COMPLETE, done.status());
        assertArrayEquals(msg, done.message());
        for (int i = 0; i < 200; i += 50) {
            Result again = send(r, "a", 1, msg, i, i + 50, T0 + TIMEOUT - 1);
            assertEquals(DUPLICATE, again.status());
            assertNull(again.message());
        }
        assertEquals(0, r.partialCount());
        // The memory lapses with the timeout: the id may then start a new message.
        r.expire(T0 + TIMEOUT);
        assertEquals(INCOMPLETE, send(r, "a", 1, msg, 0, 100, T0 + TIMEOUT).status());
    }

    @Test
    void completedMemoryIsBoundedPerKey() {
        Reassembler<String> r = new Reassembler<>(MIB, 16 * MIB, TIMEOUT);
        byte[] msg = {9};
        int n = Reassembler.MAX_COMPLETED_PER_KEY + 10;
        for (int id = 0; id < n; id++) {
            assertEquals(COMPLETE, send(r, "a", id, msg, 0, 1, T0).status());
        }
        for (int id = 10; id < n; id++) {
            assertEquals(DUPLICATE, send(r, "a", id, msg, 0, 1, T0).status());
        }
        // The oldest memories were forgotten to stay within the bound.
        assertEquals(COMPLETE, send(r, "a", 0, msg, 0, 1, T0).status());
    }

    @Test
    void inconsistentTotalLengthIsNotStored() {
        Reassembler<String> r = new Reassembler<>(MIB, 16 * MIB, TIMEOUT);
        byte[] msg = message(new SplittableRandom(4), 100);
        assertEquals(INCOMPLETE, send(r, "a", 1, msg, 0, 50, T0).status());
        byte[] other = new byte[120];
        assertEquals(INCONSISTENT, r.accept("a", 1, 120, 50, other, 0, 70, T0).status());
        assertEquals(1, r.inconsistentCount());
        assertEquals(charge(50), r.bytesHeld());
        Result done = send(r, "a", 1, msg, 50, 100, T0);
        assertEquals(COMPLETE, done.status());
        assertArrayEquals(msg, done.message());
    }

    @Test
    void malformedArgumentsAreInconsistentNotExceptions() {
        Reassembler<String> r = new Reassembler<>(MIB, 16 * MIB, TIMEOUT);
        byte[] b = new byte[10];
        assertEquals(INCONSISTENT, r.accept("a", 1, 0, 0, b, 0, 1, T0).status());
        assertEquals(INCONSISTENT, r.accept("a", 1, 70_000, 0, b, 0, 1, T0).status());
        assertEquals(INCONSISTENT, r.accept("a", 1, 10, 5, b, 0, 6, T0).status());
        assertEquals(INCONSISTENT, r.accept("a", 1, 10, 0, b, 5, 6, T0).status());
        assertEquals(INCONSISTENT, r.accept("a", 1, 10, 0, b, 0, 0, T0).status());
        assertEquals(INCONSISTENT, r.accept("a", 1, 10, -1, b, 0, 1, T0).status());
        assertEquals(INCONSISTENT, r.accept("a", 1, 10, 0, null, 0, 1, T0).status());
        assertEquals(INCONSISTENT, r.accept(null, 1, 10, 0, b, 0, 1, T0).status());
        assertEquals(0, r.partialCount());
        assertThrows(IllegalArgumentException.class, () -> new Reassembler<String>(1, 1, 0));
    }

    @Test
    void perKeyLimitRefusesNewAndRecoversAfterCompletion() {
        long limit = 2 * charge(10) + 90 + Reassembler.PIECE_OVERHEAD;
        Reassembler<String> r = new Reassembler<>(limit, 16 * MIB, TIMEOUT);
        byte[] m1 = message(new SplittableRandom(5), 1500);
        byte[] m2 = message(new SplittableRandom(6), 100);
        byte[] m3 = message(new SplittableRandom(7), 100);
        assertEquals(INCOMPLETE, send(r, "a", 1, m1, 0, 10, T0).status());
        assertEquals(INCOMPLETE, send(r, "a", 2, m2, 0, 10, T0).status());
        assertEquals(REFUSED_PEER_LIMIT, send(r, "a", 3, m3, 0, 10, T0).status());
        assertEquals(REFUSED_PEER_LIMIT, send(r, "a", 1, m1, 10, 110, T0).status(), "more bytes of a held message too");
        assertEquals(INCOMPLETE, send(r, "b", 3, m3, 0, 10, T0).status()); // other key unaffected
        assertEquals(2 * charge(10), r.bytesHeld("a"));
        // The rest of m2 just fits; the completed message frees its charge.
        assertEquals(COMPLETE, send(r, "a", 2, m2, 10, 100, T0).status());
        assertEquals(charge(10), r.bytesHeld("a"));
        assertEquals(INCOMPLETE, send(r, "a", 3, m3, 0, 10, T0).status());
        assertEquals(2 * charge(10), r.bytesHeld("a"));
    }

    @Test
    void totalLimitRefusesAnAccountAtItsFairShareAndRecoversAfterExpiry() {
        Reassembler<String> r = new Reassembler<>(MIB, 2 * charge(10), TIMEOUT);
        byte[] m = message(new SplittableRandom(8), 1000);
        assertEquals(INCOMPLETE, send(r, "a", 1, m, 0, 10, T0).status());
        assertEquals(INCOMPLETE, send(r, "b", 1, m, 0, 10, T0 + 5).status());
        // c's fair share is a third of the total, less than one partial message: refused, nothing evicted.
        assertEquals(REFUSED_TOTAL_LIMIT, send(r, "c", 1, m, 0, 10, T0 + 10).status());
        assertEquals(2 * charge(10), r.bytesHeld());
        assertEquals(0, r.evictedCount());
        assertEquals(1, r.expire(T0 + TIMEOUT));
        assertEquals(charge(10), r.bytesHeld());
        assertEquals(INCOMPLETE, send(r, "c", 1, m, 0, 10, T0 + TIMEOUT).status());
        assertEquals(REFUSED_TOTAL_LIMIT, send(r, "b", 1, m, 10, 1000, T0 + TIMEOUT).status());
    }

    @Test
    void expiryCountsAndNextExpiry() {
        Reassembler<String> r = new Reassembler<>(MIB, 16 * MIB, TIMEOUT);
        assertEquals(Long.MAX_VALUE, r.nextExpiry());
        byte[] m = new byte[100];
        send(r, "a", 1, m, 0, 10, T0);
        send(r, "a", 2, m, 0, 10, T0 + 1_000);
        send(r, "b", 1, m, 0, 10, T0 + 2_000);
        assertEquals(T0 + TIMEOUT, r.nextExpiry());
        assertEquals(0, r.expire(T0 + TIMEOUT - 1));
        assertEquals(1, r.expire(T0 + TIMEOUT));
        assertEquals(T0 + TIMEOUT + 1_000, r.nextExpiry());
        assertEquals(2, r.expire(T0 + TIMEOUT + 5_000));
        assertEquals(0, r.partialCount());
        assertEquals(0, r.bytesHeld());
        assertEquals(Long.MAX_VALUE, r.nextExpiry());
        // A late fragment of an expired message starts over rather than completing stale bytes.
        assertEquals(INCOMPLETE, send(r, "a", 1, m, 10, 100, T0 + TIMEOUT + 6_000).status());
    }

    @Test
    void nextExpiryIncludesCompletedMemories() {
        Reassembler<String> r = new Reassembler<>(MIB, 16 * MIB, TIMEOUT);
        byte[] m = new byte[100];
        send(r, "a", 1, m, 0, 100, T0); // completes at once, remembered
        send(r, "a", 2, m, 0, 10, T0 + 50);
        assertEquals(T0 + TIMEOUT, r.nextExpiry());
        assertEquals(0, r.expire(T0 + TIMEOUT));
        assertEquals(T0 + TIMEOUT + 50, r.nextExpiry());
        assertEquals(1, r.expire(T0 + TIMEOUT + 50));
        assertEquals(Long.MAX_VALUE, r.nextExpiry());
    }

    @Test
    void removeKeyDropsPartialsAndMemories() {
        Reassembler<String> r = new Reassembler<>(MIB, 16 * MIB, TIMEOUT);
        byte[] m = new byte[100];
        send(r, "a", 1, m, 0, 10, T0);
        send(r, "a", 2, m, 0, 100, T0);
        send(r, "b", 1, m, 0, 10, T0);
        r.removeKey("a");
        r.removeKey("zzz");
        assertEquals(1, r.partialCount());
        assertEquals(charge(10), r.bytesHeld());
        assertEquals(0, r.bytesHeld("a"));
        assertEquals(COMPLETE, send(r, "a", 2, m, 0, 100, T0).status()); // memory forgotten
        assertEquals(INCOMPLETE, send(r, "a", 1, m, 0, 10, T0).status()); // partial forgotten
        assertEquals(0, r.expire(T0 + TIMEOUT - 1));
        assertEquals(2, r.expire(T0 + TIMEOUT));
    }

    @Test
    void theFirstFragmentOfALargeMessageIsChargedForItsOwnBytes() {
        Reassembler<String> r = new Reassembler<>(MIB, 16 * MIB, TIMEOUT);
        byte[] big = new byte[65_535];
        assertEquals(INCOMPLETE, send(r, "a", 1, big, 0, 1, T0).status());
        assertEquals(charge(1), r.bytesHeld());
        // Overlapping fragments store only their new bytes.
        assertEquals(INCOMPLETE, send(r, "a", 1, big, 0, 100, T0).status());
        assertEquals(charge(1, 99), r.bytesHeld());
    }

    /**
     * Seventeen accounts fill the pool with partial messages that never complete; an eighteenth,
     * below its fair share, still gets its messages through by evicting the largest holders' oldest.
     */
    @Test
    void aNewAccountBelowItsFairShareEvictsTheLargestHoldersOldestMessages() {
        long total = 17 * 64 * charge(1189);
        Reassembler<String> r = new Reassembler<>(MIB, total, TIMEOUT);
        byte[] big = message(new SplittableRandom(9), 65_535);
        int id = 0;
        for (int round = 0; round < 64; round++) {
            for (int a = 0; a < 17; a++) {
                send(r, "attacker" + a, id++, big, 0, 1189, T0);
            }
        }
        assertEquals(total, r.bytesHeld(), "the attackers filled the pool");
        long refused = 0;
        for (int m = 0; m < 5; m++) {
            Result last = null;
            for (int from = 0; from < big.length; from += 1189) {
                last = send(r, "honest", 1000 + m, big, from, Math.min(big.length, from + 1189), T0);
                // The attackers keep trying to hold more: at their fair share they are refused.
                Result a = send(r, "attacker" + (from % 17), id++, big, 0, 1189, T0);
                refused += a.status() == REFUSED_TOTAL_LIMIT ? 1 : 0;
            }
            assertEquals(COMPLETE, last.status(), "message " + m);
            assertArrayEquals(big, last.message());
        }
        assertTrue(r.evictedCount() > 0);
        assertTrue(refused > 0);
        assertTrue(r.bytesHeld() <= total);
    }

    @Test
    void anAccountTakesUpToItsFairShareByEvictionAndNoFurther() {
        long total = 4 * charge(100);
        Reassembler<String> r = new Reassembler<>(MIB, total, TIMEOUT);
        byte[] m = new byte[1000];
        for (int i = 0; i < 4; i++) {
            assertEquals(INCOMPLETE, send(r, "a", i, m, 0, 100, T0).status());
        }
        // b's fair share is half the pool: it may take two partial messages' worth, evicting a's oldest.
        assertEquals(INCOMPLETE, send(r, "b", 0, m, 0, 100, T0).status());
        assertEquals(INCOMPLETE, send(r, "b", 1, m, 0, 100, T0).status());
        assertEquals(2, r.evictedCount());
        assertEquals(REFUSED_TOTAL_LIMIT, send(r, "b", 2, m, 0, 100, T0).status());
        assertEquals(REFUSED_TOTAL_LIMIT, send(r, "a", 9, m, 0, 100, T0).status());
        assertEquals(2 * charge(100), r.accountBytes("a"));
        assertEquals(2 * charge(100), r.accountBytes("b"));
        assertEquals(4, r.partialCount());
        // a, at its fair share now, cannot start a message again.
        assertEquals(REFUSED_TOTAL_LIMIT, send(r, "a", 0, m, 100, 200, T0).status());
    }

    @Test
    void accountsGroupKeys() {
        Reassembler<String> r = new Reassembler<>(charge(10) + 5, 16 * MIB, TIMEOUT, k -> k.substring(0, 1));
        byte[] m = new byte[100];
        assertEquals(INCOMPLETE, send(r, "a1", 1, m, 0, 10, T0).status());
        assertEquals(REFUSED_PEER_LIMIT, send(r, "a2", 1, m, 0, 10, T0).status(), "a1 and a2 share account a");
        assertEquals(INCOMPLETE, send(r, "b1", 1, m, 0, 10, T0).status());
        assertEquals(charge(10), r.accountBytes("a"));
    }

    /** 2,000 messages over several keys, fragments shuffled, overlapping and repeated. */
    @ParameterizedTest
    @ValueSource(longs = {11L, 12L})
    void randomPermutationWithDuplicatesAndOverlaps(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Reassembler<Integer> r = new Reassembler<>(Long.MAX_VALUE, Long.MAX_VALUE, TIMEOUT);
        record Frag(int key, int id, int from, int to) {}
        Map<List<Integer>, byte[]> messages = new HashMap<>();
        List<Frag> frags = new ArrayList<>();
        int count = 2_000;
        for (int i = 0; i < count; i++) {
            int key = rnd.nextInt(5);
            int id = i;
            int length = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(10) : 1 + rnd.nextInt(5_000);
            messages.put(List.of(key, id), message(rnd, length));
            // Cover the message with chunks, then add overlapping and repeated pieces.
            int pos = 0;
            while (pos < length) {
                int end = Math.min(length, pos + 1 + rnd.nextInt(700));
                frags.add(new Frag(key, id, pos, end));
                if (rnd.nextInt(4) == 0) {
                    frags.add(new Frag(key, id, pos, end));
                }
                pos = end;
            }
            for (int k = rnd.nextInt(3); k > 0; k--) {
                int a = rnd.nextInt(length);
                int b = a + 1 + rnd.nextInt(length - a);
                frags.add(new Frag(key, id, a, b));
            }
        }
        Collections.shuffle(frags, new Random(rnd.nextLong()));
        Map<List<Integer>, Integer> delivered = new HashMap<>();
        for (Frag f : frags) {
            byte[] msg = messages.get(List.of(f.key(), f.id()));
            // Put the bytes at a random position of a larger buffer, as a packet would.
            int pad = rnd.nextInt(40);
            byte[] packet = new byte[pad + f.to() - f.from() + 7];
            System.arraycopy(msg, f.from(), packet, pad, f.to() - f.from());
            Result res = r.accept(f.key(), f.id(), msg.length, f.from(), packet, pad,
                    f.to() - f.from(), T0);
            if (res.status() == COMPLETE) {
                assertArrayEquals(msg, res.message(), "message " + f);
                delivered.merge(List.of(f.key(), f.id()), 1, Integer::sum);
            } else {
                assertNull(res.message());
            }
        }
        assertEquals(count, delivered.size());
        assertEquals(Collections.singleton(1), new java.util.HashSet<>(delivered.values()));
        assertEquals(0, r.partialCount());
        assertEquals(0, r.bytesHeld());
    }
}
