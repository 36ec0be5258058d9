package io.mp2p.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11 item 6 (spec §6.9): after {@link AeadKey#destroy()} no copy of the key is left in the
 * objects the key reached, JDK internals included: its own array, its key object, the Cipher's key
 * copies and schedules. Checked by reflection on every array the walk reached before the wipe,
 * so copies the JDK replaced (not only the ones it still holds) are checked too.
 */
class AeadKeyWipeTest {

    private static AeadKey used(JdkAead aead, byte[] key) throws Exception {
        AeadKey k = aead.newKey(key);
        byte[] plain = new byte[100];
        byte[] sealed = new byte[plain.length + AeadCipher.TAG_LENGTH];
        for (long n = 0; n < 3; n++) {
            k.encrypt(n, new byte[4], 0, 4, plain, 0, plain.length, sealed, 0);
        }
        byte[] out = new byte[plain.length];
        k.decrypt(2, new byte[4], 0, 4, sealed, 0, sealed.length, out, 0);
        return k;
    }

    @ParameterizedTest
    @ValueSource(strings = {"AESGCM", "ChaChaPoly"})
    void destroyLeavesNoCopyOfTheKeyInAnythingTheCipherReached(String name) throws Exception {
        JdkAead aead = name.equals("AESGCM") ? JdkAead.AESGCM : JdkAead.CHACHAPOLY;
        byte[] key = new byte[AeadCipher.KEY_LENGTH];
        new SplittableRandom(name.hashCode()).nextBytes(key);
        AeadKey k = used(aead, key);
        KeyResidue before = KeyResidue.from(k);
        assertEquals(List.of(), before.inaccessible(), "the test JVM must open the JDK's crypto internals");
        List<String> copies = before.recheck(key);
        // The walk reaches the JDK's copies (else this test could not fail): key object, cipher state.
        assertTrue(copies.size() >= 3, "copies found before the wipe: " + copies);
        List<int[]> schedules = before.intArraysOfLength(60);
        assertEquals(name.equals("AESGCM"), !schedules.isEmpty(), "AES-256 key schedules reached");
        k.destroy();
        assertEquals(List.of(), before.recheck(key), "copies left after destroy");
        assertEquals(List.of(), KeyResidue.find(k, key));
        for (int[] schedule : schedules) {
            assertTrue(Arrays.stream(schedule).allMatch(w -> w == 0), "an AES key schedule was not zeroed");
        }
        assertThrows(IllegalStateException.class,
                () -> k.encrypt(9, new byte[0], 0, 0, new byte[1], 0, 1, new byte[17], 0));
        k.destroy();
    }

    @ParameterizedTest
    @ValueSource(strings = {"AESGCM", "ChaChaPoly"})
    void aKeyNeverUsedIsWipedToo(String name) {
        JdkAead aead = name.equals("AESGCM") ? JdkAead.AESGCM : JdkAead.CHACHAPOLY;
        byte[] key = new byte[AeadCipher.KEY_LENGTH];
        new SplittableRandom(7).nextBytes(key);
        AeadKey k = aead.newKey(key);
        KeyResidue before = KeyResidue.from(k);
        assertFalse(before.recheck(key).isEmpty());
        k.destroy();
        assertEquals(List.of(), before.recheck(key));
    }
}
