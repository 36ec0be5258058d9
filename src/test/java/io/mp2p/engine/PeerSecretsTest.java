package io.mp2p.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mp2p.TestIdentities;
import io.mp2p.identity.PeerKey;

/** The per-peer cache of ss and validated identities: bounded, least recently used out, wiped. */
class PeerSecretsTest {
    private static byte[] bytes(SplittableRandom r) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        return b;
    }

    @Test
    void holdsAtMostItsCapacityAndWipesWhatLeaves() {
        SplittableRandom r = new SplittableRandom(1);
        PeerSecrets cache = new PeerSecrets(3);
        byte[][] keys = new byte[4][];
        for (int i = 0; i < 3; i++) {
            keys[i] = bytes(r);
            cache.put(keys[i], bytes(r), null);
        }
        PeerSecrets.Entry oldest = cache.get(keys[0]);
        assertNotNull(oldest);
        cache.get(keys[1]);
        cache.get(keys[2]);
        keys[3] = bytes(r);
        cache.put(keys[3], bytes(r), null);
        assertEquals(3, cache.size());
        assertNull(cache.get(keys[0]), "the least recently used entry went");
        byte[] ss = new byte[32];
        oldest.copySs(ss);
        assertArrayEquals(new byte[32], ss, "and its ss was zeroed");
        assertNotNull(cache.get(keys[3]));
    }

    @Test
    void capacityIsTheSmallerOfMaxPeersAndTheFixedBound() {
        SplittableRandom r = new SplittableRandom(2);
        PeerSecrets cache = new PeerSecrets(Constants.MAX_PEERS);
        for (int i = 0; i < PeerSecrets.MAX_CAPACITY + 10; i++) {
            cache.put(bytes(r), bytes(r), null);
        }
        assertEquals(PeerSecrets.MAX_CAPACITY, cache.size());
    }

    @Test
    void anEntryKeepsItsSsAndGainsAnIdentity() {
        SplittableRandom r = new SplittableRandom(3);
        PeerSecrets cache = new PeerSecrets(8);
        byte[] key = bytes(r);
        byte[] ss = bytes(r);
        cache.put(key, null, null);
        assertNull(cache.get(key), "no ss, no entry");
        cache.put(key, ss, null);
        PeerKey id = TestIdentities.seeded(r).publicKey();
        cache.put(key, bytes(r), id);
        byte[] got = new byte[32];
        cache.get(key).copySs(got);
        assertArrayEquals(ss, got);
        assertSame(id, cache.get(key).identity());
    }

    @Test
    void destroyWipesEveryEntry() {
        SplittableRandom r = new SplittableRandom(4);
        PeerSecrets cache = new PeerSecrets(8);
        byte[] key = bytes(r);
        cache.put(key, bytes(r), null);
        PeerSecrets.Entry e = cache.get(key);
        cache.destroy();
        assertEquals(0, cache.size());
        byte[] got = new byte[32];
        e.copySs(got);
        assertArrayEquals(new byte[32], got);
    }
}
