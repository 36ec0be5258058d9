package io.mp2p.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hashes' HASH and HMAC cross-checked against Bouncy Castle on random inputs, plus RFC 4231. */
class HashesTest {
    private static final int CASES = 300;
    /** Past every block length, so keys longer than a block (hashed first, RFC 2104) are covered. */
    private static final int MAX_KEY = 300;
    private static final int MAX_DATA = 500;
    private static final int MAX_PARTS = 4;

    static Stream<Arguments> functions() {
        return Stream.of(
                Arguments.of(Hashes.SHA256, (Supplier<Digest>) SHA256Digest::new),
                Arguments.of(Hashes.SHA512, (Supplier<Digest>) SHA512Digest::new),
                Arguments.of(Hashes.BLAKE2S, (Supplier<Digest>) Blake2sDigest::new),
                Arguments.of(Hashes.BLAKE2B, (Supplier<Digest>) Blake2bDigest::new));
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @MethodSource("functions")
    void hmacAndHashMatchBouncyCastle(HashFunction f, Supplier<Digest> digest) {
        SplittableRandom r = new SplittableRandom(f.name().hashCode());
        assertEquals(digest.get().getDigestSize(), f.hashLen());
        for (int c = 0; c < CASES; c++) {
            byte[] key = bytes(r, r.nextInt(MAX_KEY));
            byte[][] parts = new byte[r.nextInt(MAX_PARTS + 1)][];
            HMac ref = new HMac(digest.get());
            ref.init(new KeyParameter(key));
            Digest refHash = digest.get();
            for (int i = 0; i < parts.length; i++) {
                parts[i] = bytes(r, r.nextInt(MAX_DATA));
                ref.update(parts[i], 0, parts[i].length);
            }
            byte[] expected = new byte[ref.getMacSize()];
            ref.doFinal(expected, 0);
            byte[] keyCopy = key.clone();
            assertArrayEquals(expected, f.hmac(key, parts), f.name() + " case " + c);
            assertArrayEquals(keyCopy, key, "hmac must not alter the caller's key");

            byte[] a = bytes(r, r.nextInt(MAX_DATA));
            byte[] b = r.nextBoolean() ? null : bytes(r, r.nextInt(MAX_DATA));
            refHash.update(a, 0, a.length);
            if (b != null) {
                refHash.update(b, 0, b.length);
            }
            byte[] h = new byte[refHash.getDigestSize()];
            refHash.doFinal(h, 0);
            assertArrayEquals(h, f.hash(a, b), f.name() + " hash case " + c);
        }
    }

    /** The range form writes the same HMAC into the caller's array, leaving the bytes around it alone. */
    @ParameterizedTest
    @MethodSource("functions")
    void hmacOfARangeMatchesBouncyCastle(HashFunction f, Supplier<Digest> digest) {
        SplittableRandom r = new SplittableRandom(f.name().hashCode() + 1);
        for (int c = 0; c < CASES; c++) {
            byte[] key = bytes(r, r.nextInt(MAX_KEY));
            byte[] buf = bytes(r, MAX_DATA);
            int off = r.nextInt(MAX_DATA);
            int len = r.nextInt(MAX_DATA - off + 1);
            HMac ref = new HMac(digest.get());
            ref.init(new KeyParameter(key));
            ref.update(buf, off, len);
            byte[] expected = new byte[ref.getMacSize()];
            ref.doFinal(expected, 0);
            int outOff = r.nextInt(8);
            byte[] out = bytes(r, f.hashLen() + 2 * outOff);
            byte[] before = out.clone();
            f.hmac(key, buf, off, len, out, outOff);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, outOff, outOff + f.hashLen()),
                    f.name() + " case " + c);
            assertArrayEquals(java.util.Arrays.copyOfRange(before, outOff + f.hashLen(), out.length),
                    java.util.Arrays.copyOfRange(out, outOff + f.hashLen(), out.length));
            assertArrayEquals(java.util.Arrays.copyOf(before, outOff), java.util.Arrays.copyOf(out, outOff));
        }
    }

    /** RFC 4231 test case 2 (HMAC-SHA-256). */
    @Test
    void hmacSha256Rfc4231Case2() {
        byte[] mac = Hashes.SHA256.hmac("Jefe".getBytes(StandardCharsets.US_ASCII),
                "what do ya ".getBytes(StandardCharsets.US_ASCII),
                "want for nothing?".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(HexFormat.of().parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                mac);
    }
}
