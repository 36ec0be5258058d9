package io.mp2p.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import javax.crypto.AEADBadTagException;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** JdkAead against published vectors, and against Bouncy Castle on random inputs with Noise's nonce layout. */
class JdkAeadTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int CASES = 300;
    private static final int MAX_LENGTH = 600;
    private static final int NONCE_LENGTH = 12;
    /** Noise nonces put the 64-bit counter after 4 zero bytes (Noise §12). */
    private static final int COUNTER_OFFSET = 4;

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replace(" ", ""));
    }

    private static byte[] jdkEncrypt(AeadCipher c, byte[] key, long n, byte[] ad, byte[] plain) throws Exception {
        byte[] out = new byte[plain.length + AeadCipher.TAG_LENGTH];
        assertEquals(out.length, c.newKey(key).encrypt(n, ad, 0, ad.length, plain, 0, plain.length, out, 0));
        return out;
    }

    /** McGrew-Viega GCM test case 13: AES-256, zero key, zero IV (= Noise nonce 0), empty plaintext. */
    @Test
    void aesGcmMcGrewViegaCase13() throws Exception {
        byte[] out = jdkEncrypt(JdkAead.AESGCM, new byte[32], 0, new byte[0], new byte[0]);
        assertArrayEquals(hex("530f8afbc74536b9a963b4f1c4cb738b"), out);
    }

    /** McGrew-Viega GCM test case 14: AES-256, zero key, zero IV, one zero block. */
    @Test
    void aesGcmMcGrewViegaCase14() throws Exception {
        byte[] out = jdkEncrypt(JdkAead.AESGCM, new byte[32], 0, new byte[0], new byte[16]);
        assertArrayEquals(hex("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919"), out);
        byte[] back = new byte[16];
        JdkAead.AESGCM.newKey(new byte[32]).decrypt(0, new byte[0], 0, 0, out, 0, out.length, back, 0);
        assertArrayEquals(new byte[16], back);
    }

    /**
     * RFC 8439 §2.8.2. Its nonce starts 07 00 00 00, which Noise's layout (4 zero bytes) cannot
     * express, so the vector validates the Bouncy Castle reference that the random cross-check uses.
     */
    @Test
    void bouncyCastleReferenceMatchesRfc8439Section282() throws Exception {
        byte[] plain = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
                + " sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        byte[] ad = hex("50515253c0c1c2c3c4c5c6c7");
        byte[] key = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        byte[] nonce = hex("070000004041424344454647");
        byte[] expected = hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
                + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
                + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
                + "3ff4def08e4b7a9de576d26586cec64b6116"
                + "1ae10b594f09e26a7e902ecbd0600691");
        assertArrayEquals(expected, bc(new ChaCha20Poly1305(), true, key, nonce, ad, plain));
    }

    private static byte[] bc(AEADCipher c, boolean encrypt, byte[] key, byte[] nonce, byte[] ad, byte[] in)
            throws InvalidCipherTextException {
        c.init(encrypt, new AEADParameters(new KeyParameter(key), AeadCipher.TAG_LENGTH * Byte.SIZE, nonce, ad));
        byte[] out = new byte[c.getOutputSize(in.length)];
        int n = c.processBytes(in, 0, in.length, out, 0);
        n += c.doFinal(out, n);
        return Arrays.copyOf(out, n);
    }

    private static byte[] noiseNonce(long n, boolean bigEndian) {
        byte[] nonce = new byte[NONCE_LENGTH];
        for (int i = 0; i < Long.BYTES; i++) {
            int shift = bigEndian ? (Long.BYTES - 1 - i) * Byte.SIZE : i * Byte.SIZE;
            nonce[COUNTER_OFFSET + i] = (byte) (n >>> shift);
        }
        return nonce;
    }

    @Test
    void aesGcmMatchesBouncyCastleOnRandomInputs() throws Exception {
        crossCheck(JdkAead.AESGCM, true, new SplittableRandom(0xAE5L));
    }

    @Test
    void chaChaPolyMatchesBouncyCastleOnRandomInputs() throws Exception {
        crossCheck(JdkAead.CHACHAPOLY, false, new SplittableRandom(0xC4AC4AL));
    }

    private static void crossCheck(JdkAead cipher, boolean aes, SplittableRandom r) throws Exception {
        for (int c = 0; c < CASES; c++) {
            byte[] key = new byte[AeadCipher.KEY_LENGTH];
            r.nextBytes(key);
            byte[] ad = new byte[r.nextInt(MAX_LENGTH / 4)];
            r.nextBytes(ad);
            byte[] plain = new byte[r.nextInt(MAX_LENGTH)];
            r.nextBytes(plain);
            // Exercise both small counters and ones that fill all 8 bytes, to catch byte-order bugs.
            long n = r.nextBoolean() ? r.nextInt(1000) : r.nextLong();
            AEADCipher ref = aes ? GCMBlockCipher.newInstance(AESEngine.newInstance()) : new ChaCha20Poly1305();
            byte[] expected = bc(ref, true, key, noiseNonce(n, aes), ad, plain);
            byte[] actual = jdkEncrypt(cipher, key, n, ad, plain);
            assertArrayEquals(expected, actual, cipher.name() + " case " + c);

            AeadKey k = cipher.newKey(key);
            int off = r.nextInt(32);
            byte[] back = new byte[off + plain.length];
            assertEquals(plain.length, k.decrypt(n, ad, 0, ad.length, actual, 0, actual.length, back, off));
            assertArrayEquals(plain, Arrays.copyOfRange(back, off, back.length));
            actual[r.nextInt(actual.length)] ^= (byte) (1 + r.nextInt(255));
            assertThrows(AEADBadTagException.class,
                    () -> k.decrypt(n, ad, 0, ad.length, actual, 0, actual.length, back, off));
        }
    }

    @Test
    void destroyedKeyRefusesUse() throws Exception {
        for (JdkAead cipher : new JdkAead[] {JdkAead.AESGCM, JdkAead.CHACHAPOLY}) {
            AeadKey k = cipher.newKey(new byte[AeadCipher.KEY_LENGTH]);
            byte[] ct = jdkEncrypt(cipher, new byte[AeadCipher.KEY_LENGTH], 1, new byte[0], new byte[4]);
            k.destroy();
            assertThrows(IllegalStateException.class,
                    () -> k.encrypt(2, new byte[0], 0, 0, new byte[4], 0, 4, new byte[4 + AeadCipher.TAG_LENGTH], 0));
            assertThrows(IllegalStateException.class,
                    () -> k.decrypt(1, new byte[0], 0, 0, ct, 0, ct.length, new byte[4], 0));
        }
    }

    /** A forged message with counter n must not stop the genuine message n from decrypting (and vice versa). */
    @Test
    void sameNonceDecryptsRepeatedly() throws Exception {
        SplittableRandom r = new SplittableRandom(0xD0D0L);
        for (JdkAead cipher : new JdkAead[] {JdkAead.AESGCM, JdkAead.CHACHAPOLY}) {
            byte[] key = new byte[AeadCipher.KEY_LENGTH];
            r.nextBytes(key);
            byte[] plain = new byte[33];
            r.nextBytes(plain);
            long n = 5;
            byte[] ct = jdkEncrypt(cipher, key, n, new byte[0], plain);
            byte[] forged = ct.clone();
            forged[0] ^= 1;
            AeadKey k = cipher.newKey(key);
            byte[] out = new byte[plain.length];
            for (int round = 0; round < 3; round++) {
                assertThrows(AEADBadTagException.class,
                        () -> k.decrypt(n, new byte[0], 0, 0, forged, 0, forged.length, out, 0), cipher.name());
                assertEquals(plain.length, k.decrypt(n, new byte[0], 0, 0, ct, 0, ct.length, out, 0));
                assertArrayEquals(plain, out);
                assertEquals(plain.length, k.decrypt(n, new byte[0], 0, 0, ct, 0, ct.length, out, 0));
            }
        }
    }

    @Test
    void wrongKeyLengthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> JdkAead.AESGCM.newKey(new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> JdkAead.CHACHAPOLY.newKey(new byte[31]));
    }
}
