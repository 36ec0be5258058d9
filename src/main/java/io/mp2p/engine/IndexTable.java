package io.mp2p.engine;

import io.mp2p.crypto.RandomSource;

/**
 * Local 32-bit indices (spec §6.1): random, non-zero, unique among live handshakes and sessions.
 * An index names either a {@link PendingHandshake} or a {@link Session}.
 *
 * <p>An open-addressing table of primitive keys (linear probing, backward-shift deletion, at most
 * half full): a lookup per received packet boxes no {@code Integer}, and an entry costs 8 to 16
 * bytes of array instead of a {@code HashMap} node and a boxed key (48 bytes). Index 0 is never
 * handed out, so it marks an empty slot.
 */
final class IndexTable {
    private static final int EMPTY = 0;
    private static final int INITIAL_CAPACITY = 16;
    /** Fibonacci hashing: the indices are random already, this only spreads them over the table. */
    private static final int MIX = 0x9E3779B9;

    private final RandomSource random;
    private final byte[] scratch = new byte[Integer.BYTES];
    private int[] keys = new int[INITIAL_CAPACITY];
    private Object[] values = new Object[INITIAL_CAPACITY];
    private int size;

    IndexTable(RandomSource random) {
        this.random = random;
    }

    /** A fresh index, reserved for {@code owner} once {@link #put} is called. */
    int allocate() {
        while (true) {
            random.nextBytes(scratch);
            int i = (scratch[0] & 0xff) << 24 | (scratch[1] & 0xff) << 16 | (scratch[2] & 0xff) << 8 | (scratch[3] & 0xff);
            if (i != EMPTY && slotOf(i) < 0) {
                return i;
            }
        }
    }

    void put(int index, Object owner) {
        if (index == EMPTY) {
            throw new IllegalArgumentException("index 0 is never allocated");
        }
        int slot = slotOf(index);
        if (slot >= 0) {
            values[slot] = owner;
            return;
        }
        if ((size + 1) * 2 > keys.length) {
            resize(keys.length * 2);
        }
        int mask = keys.length - 1;
        int i = hash(index) & mask;
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = index;
        values[i] = owner;
        size++;
    }

    Object get(int index) {
        int slot = slotOf(index);
        return slot < 0 ? null : values[slot];
    }

    /** Removes {@code index} only if it still names {@code owner}. */
    void remove(int index, Object owner) {
        int slot = slotOf(index);
        if (slot < 0 || values[slot] != owner) {
            return;
        }
        deleteAt(slot);
        size--;
        if (keys.length > INITIAL_CAPACITY && size * 8 < keys.length) {
            resize(keys.length / 2);
        }
    }

    int size() {
        return size;
    }

    private int slotOf(int index) {
        if (index == EMPTY) {
            return -1;
        }
        int mask = keys.length - 1;
        for (int i = hash(index) & mask; keys[i] != EMPTY; i = (i + 1) & mask) {
            if (keys[i] == index) {
                return i;
            }
        }
        return -1;
    }

    /** Empties {@code slot} and moves back the entries after it that probing would no longer find. */
    private void deleteAt(int slot) {
        int mask = keys.length - 1;
        int hole = slot;
        for (int i = (slot + 1) & mask; keys[i] != EMPTY; i = (i + 1) & mask) {
            int home = hash(keys[i]) & mask;
            // Move entry i into the hole unless its home lies cyclically in (hole, i].
            boolean stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!stays) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                hole = i;
            }
        }
        keys[hole] = EMPTY;
        values[hole] = null;
    }

    private void resize(int capacity) {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new int[capacity];
        values = new Object[capacity];
        int mask = capacity - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != EMPTY) {
                int i = hash(oldKeys[j]) & mask;
                while (keys[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }
    }

    private static int hash(int index) {
        int h = index * MIX;
        return h ^ (h >>> 16);
    }
}
