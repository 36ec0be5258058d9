package io.mp2p.engine;

import java.util.HashMap;
import java.util.Map;

import io.mp2p.crypto.RandomSource;

/**
 * Local 32-bit indices (spec §6.1): random, non-zero, unique among live handshakes and sessions.
 * An index names either a {@link PendingHandshake} or a {@link Session}.
 */
final class IndexTable {
    private final Map<Integer, Object> entries = new HashMap<>();
    private final RandomSource random;
    private final byte[] scratch = new byte[Integer.BYTES];

    IndexTable(RandomSource random) {
        this.random = random;
    }

    /** A fresh index, reserved for {@code owner} once {@link #put} is called. */
    int allocate() {
        while (true) {
            random.nextBytes(scratch);
            int i = (scratch[0] & 0xff) << 24 | (scratch[1] & 0xff) << 16 | (scratch[2] & 0xff) << 8 | (scratch[3] & 0xff);
            if (i != 0 && !entries.containsKey(i)) {
                return i;
            }
        }
    }

    void put(int index, Object owner) {
        entries.put(index, owner);
    }

    Object get(int index) {
        return entries.get(index);
    }

    /** Removes {@code index} only if it still names {@code owner}. */
    void remove(int index, Object owner) {
        entries.remove(index, owner);
    }

    int size() {
        return entries.size();
    }
}
