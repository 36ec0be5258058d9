package io.mp2p.engine;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.mp2p.identity.PeerKey;

/**
 * What a handshake with a peer would otherwise recompute each time, kept once per peer as WireGuard
 * does: the static-static DH {@code ss} with its Noise static key, and its Ed25519 identity once
 * validated (the point check and the Montgomery form, spec IDENTITY.md). Keyed by the peer's
 * 32-byte X25519 static key, least recently used first out, at most {@code capacity} entries: a
 * flood of fresh identities (key pairs are free) only evicts entries, which then cost their peer
 * one full handshake's work again, never more memory. An entry leaves with its {@code ss} zeroed.
 * Single-threaded, like the engine.
 */
final class PeerSecrets {
    /**
     * The most entries kept: 137 bytes each measured, plus about 110 for an identity the peer table
     * no longer shares, so at most about 1 MiB (docs/perf/handshake.md).
     */
    static final int MAX_CAPACITY = 4096;
    private static final int KEY_LENGTH = 32;
    private static final float LOAD_FACTOR = 0.75f;

    /** One peer's precomputed values. */
    static final class Entry {
        private final byte[] ss;
        private PeerKey identity;

        private Entry(byte[] ss) {
            this.ss = ss;
        }

        /** The validated Ed25519 identity whose X25519 form is this entry's key, or null if not yet seen. */
        PeerKey identity() {
            return identity;
        }

        /** Copies ss into {@code out}. */
        void copySs(byte[] out) {
            System.arraycopy(ss, 0, out, 0, ss.length);
        }

        private void wipe() {
            Arrays.fill(ss, (byte) 0);
        }
    }

    private final int capacity;
    private final Map<Key, Entry> entries;

    /** At most {@code min(maxPeers, MAX_CAPACITY)} entries. */
    PeerSecrets(int maxPeers) {
        this.capacity = Math.min(maxPeers, MAX_CAPACITY);
        this.entries = new LinkedHashMap<>(16, LOAD_FACTOR, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                if (size() > capacity) {
                    eldest.getValue().wipe();
                    return true;
                }
                return false;
            }
        };
    }

    /** The entry of the peer whose X25519 static key is {@code x25519}, or null; counts as a use. */
    Entry get(byte[] x25519) {
        return x25519.length == KEY_LENGTH ? entries.get(new Key(x25519)) : null;
    }

    /**
     * Remembers {@code ss} (copied) for {@code x25519}, and {@code identity} if not null; an entry
     * already there keeps its ss (the same value: it is a function of the two static keys). With
     * {@code ss} null, only adds the identity to an entry held.
     */
    void put(byte[] x25519, byte[] ss, PeerKey identity) {
        Key k = new Key(x25519.clone());
        Entry e = entries.get(k);
        if (e == null) {
            if (ss == null) {
                return;
            }
            e = new Entry(ss.clone());
            entries.put(k, e);
        }
        if (identity != null) {
            e.identity = identity;
        }
    }

    int size() {
        return entries.size();
    }

    /** Zeroes every ss and forgets all entries. */
    void destroy() {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            it.next().wipe();
            it.remove();
        }
    }

    /**
     * 32 key bytes as a map key. Comparable, so that keys chosen to collide in the hash table's
     * buckets cost a tree look-up, not a list scan.
     */
    private static final class Key implements Comparable<Key> {
        private final byte[] bytes;
        private final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public int compareTo(Key o) {
            return Arrays.compareUnsigned(bytes, o.bytes);
        }
    }
}
