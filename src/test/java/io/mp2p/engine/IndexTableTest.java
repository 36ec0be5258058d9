package io.mp2p.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The primitive index table behaves as a map from non-zero ints, through growth, collisions and deletion. */
class IndexTableTest {

    @Test
    void agreesWithAHashMapOverRandomPutsAndRemoves() {
        SplittableRandom r = new SplittableRandom(3);
        IndexTable t = new IndexTable(r::nextBytes);
        Map<Integer, Object> model = new HashMap<>();
        // Few distinct keys in a small range, so that probe chains collide and deletions shift entries back.
        for (int step = 0; step < 200_000; step++) {
            int key = 1 + r.nextInt(3_000);
            if (r.nextInt(3) == 0) {
                Object owner = model.get(key);
                t.remove(key, r.nextBoolean() ? owner : new Object());
                if (owner != null && t.get(key) == null) {
                    model.remove(key);
                }
            } else {
                Object o = new Object();
                t.put(key, o);
                model.put(key, o);
            }
            if (step % 997 == 0) {
                for (int k = 1; k <= 3_000; k++) {
                    assertEquals(model.get(k), t.get(k), "key " + k + " at step " + step);
                }
            }
            assertEquals(model.size(), t.size());
        }
    }

    @Test
    void removeOnlyRemovesTheNamedOwnerAndAllocateSkipsLiveIndices() {
        SplittableRandom r = new SplittableRandom(4);
        IndexTable t = new IndexTable(r::nextBytes);
        Object a = new Object();
        int i = t.allocate();
        assertNotEquals(0, i);
        t.put(i, a);
        t.remove(i, new Object());
        assertEquals(a, t.get(i));
        t.remove(i, a);
        assertNull(t.get(i));
        assertNull(t.get(0));
    }
}
