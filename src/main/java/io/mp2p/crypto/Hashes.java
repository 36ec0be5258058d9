package io.mp2p.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.Supplier;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * The four Noise hash functions, and HMAC (RFC 2104) built on each. SHA-256 and SHA-512 come from
 * the JDK, whose SHA-2 uses the CPU's SHA extensions: HMAC-SHA256 on it measured 0.9 µs against
 * 3.6–6 µs for Bouncy Castle's {@code HMac} (docs/perf/handshake.md), and a handshake runs about
 * fifteen per side. BLAKE2s and BLAKE2b come from Bouncy Castle (the JDK has none).
 *
 * <p>HMAC is written out here rather than taken from {@code javax.crypto.Mac}, because its keys
 * are Noise chaining keys, secrets that must be wiped: the padded key lives only in an array this
 * class zeroes, and the digest is reset after each use, which in the JDK restores the initial state
 * and zeroes its block buffer (and in Bouncy Castle likewise), whereas a {@code SecretKeySpec} keeps
 * a copy of the key out of reach. One digest per thread is reused: {@code getInstance} per call
 * was a visible share of a handshake.
 */
public final class Hashes {
    private Hashes() {
    }

    public static final HashFunction SHA256 = new Impl("SHA256", 32, 64, () -> new Jdk("SHA-256"));
    public static final HashFunction SHA512 = new Impl("SHA512", 64, 128, () -> new Jdk("SHA-512"));
    public static final HashFunction BLAKE2S = new Impl("BLAKE2s", 32, 64, () -> new Bc(new Blake2sDigest()));
    public static final HashFunction BLAKE2B = new Impl("BLAKE2b", 64, 128, () -> new Bc(new Blake2bDigest()));

    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    /** The three calls HMAC needs from a digest, over the JDK's or Bouncy Castle's. */
    private interface Engine {
        void update(byte[] b, int off, int len);

        /** Writes the hash to {@code out[off..)} and resets to the initial state, wiping the buffered block. */
        void finish(byte[] out, int off);
    }

    private static final class Jdk implements Engine {
        private final MessageDigest md;

        Jdk(String algorithm) {
            try {
                md = MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(algorithm + " is mandatory in every JDK", e);
            }
        }

        @Override
        public void update(byte[] b, int off, int len) {
            md.update(b, off, len);
        }

        @Override
        public void finish(byte[] out, int off) {
            try {
                md.digest(out, off, md.getDigestLength());
            } catch (java.security.DigestException e) {
                throw new IllegalStateException("the output was sized to the digest", e);
            } finally {
                // digest() leaves the last block in the buffer until the next use; reset() zeroes it now.
                md.reset();
            }
        }
    }

    private static final class Bc implements Engine {
        private final Digest d;

        Bc(Digest d) {
            this.d = d;
        }

        @Override
        public void update(byte[] b, int off, int len) {
            d.update(b, off, len);
        }

        @Override
        public void finish(byte[] out, int off) {
            d.doFinal(out, off); // doFinal resets the digest
        }
    }

    private static final class Impl implements HashFunction {
        private final String name;
        private final int hashLen;
        private final int blockLen;
        private final ThreadLocal<Engine> engines;

        Impl(String name, int hashLen, int blockLen, Supplier<Engine> engine) {
            this.name = name;
            this.hashLen = hashLen;
            this.blockLen = blockLen;
            this.engines = ThreadLocal.withInitial(engine);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int hashLen() {
            return hashLen;
        }

        @Override
        public int blockLen() {
            return blockLen;
        }

        @Override
        public byte[] hash(byte[] a, byte[] b) {
            Engine e = engines.get();
            e.update(a, 0, a.length);
            if (b != null) {
                e.update(b, 0, b.length);
            }
            byte[] out = new byte[hashLen];
            e.finish(out, 0);
            return out;
        }

        @Override
        public byte[] hmac(byte[] key, byte[]... data) {
            byte[] out = new byte[hashLen];
            Engine e = engines.get();
            byte[] pad = keyBlock(e, key);
            try {
                xor(pad, IPAD);
                e.update(pad, 0, blockLen);
                for (byte[] part : data) {
                    e.update(part, 0, part.length);
                }
                e.finish(out, 0);
                xor(pad, (byte) (IPAD ^ OPAD));
                e.update(pad, 0, blockLen);
                e.update(out, 0, hashLen);
                e.finish(out, 0);
                return out;
            } finally {
                Arrays.fill(pad, (byte) 0);
            }
        }

        @Override
        public void hmac(byte[] key, byte[] data, int off, int len, byte[] out, int outOff) {
            byte[] inner = new byte[hashLen];
            Engine e = engines.get();
            byte[] pad = keyBlock(e, key);
            try {
                xor(pad, IPAD);
                e.update(pad, 0, blockLen);
                e.update(data, off, len);
                e.finish(inner, 0);
                xor(pad, (byte) (IPAD ^ OPAD));
                e.update(pad, 0, blockLen);
                e.update(inner, 0, hashLen);
                e.finish(out, outOff);
            } finally {
                Arrays.fill(pad, (byte) 0);
                Arrays.fill(inner, (byte) 0);
            }
        }

        /** The key padded with zeros to one block; a key longer than a block is hashed first (RFC 2104). */
        private byte[] keyBlock(Engine e, byte[] key) {
            byte[] block = new byte[blockLen];
            if (key.length > blockLen) {
                e.update(key, 0, key.length);
                e.finish(block, 0);
            } else {
                System.arraycopy(key, 0, block, 0, key.length);
            }
            return block;
        }

        private static void xor(byte[] b, byte v) {
            for (int i = 0; i < b.length; i++) {
                b[i] ^= v;
            }
        }
    }
}
