package io.mp2p.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The four Noise hash functions. HASH comes from the JDK for SHA-2 (fastest here, DESIGN.md) and
 * from Bouncy Castle for BLAKE2. HMAC is Bouncy Castle's {@link HMac} for all four, because its
 * keys are Noise chaining keys: secrets that must be wiped, and a BC HMac's state can be
 * overwritten after use, where the JDK's Mac keeps a copy of the key out of reach. HMAC runs a few
 * times per handshake, so its speed does not matter.
 */
public final class Hashes {
    private Hashes() {
    }

    public static final HashFunction SHA256 = new Impl("SHA256", 32, 64, () -> jdk("SHA-256"), SHA256Digest::new);
    public static final HashFunction SHA512 = new Impl("SHA512", 64, 128, () -> jdk("SHA-512"), SHA512Digest::new);
    public static final HashFunction BLAKE2S = new Impl("BLAKE2s", 32, 64, null, Blake2sDigest::new);
    public static final HashFunction BLAKE2B = new Impl("BLAKE2b", 64, 128, null, Blake2bDigest::new);

    private static MessageDigest jdk(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is mandatory in every JDK", e);
        }
    }

    private static final class Impl implements HashFunction {
        private final String name;
        private final int hashLen;
        private final int blockLen;
        private final Supplier<MessageDigest> jdkDigest;
        private final Supplier<Digest> bcDigest;

        Impl(String name, int hashLen, int blockLen, Supplier<MessageDigest> jdkDigest, Supplier<Digest> bcDigest) {
            this.name = name;
            this.hashLen = hashLen;
            this.blockLen = blockLen;
            this.jdkDigest = jdkDigest;
            this.bcDigest = bcDigest;
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
            if (jdkDigest != null) {
                MessageDigest md = jdkDigest.get();
                md.update(a);
                if (b != null) {
                    md.update(b);
                }
                return md.digest();
            }
            Digest d = bcDigest.get();
            d.update(a, 0, a.length);
            if (b != null) {
                d.update(b, 0, b.length);
            }
            byte[] out = new byte[hashLen];
            d.doFinal(out, 0);
            return out;
        }

        @Override
        public byte[] hmac(byte[] key, byte[]... data) {
            HMac mac = new HMac(bcDigest.get());
            KeyParameter keyParameter = new KeyParameter(key);
            mac.init(keyParameter);
            for (byte[] part : data) {
                mac.update(part, 0, part.length);
            }
            byte[] out = new byte[hashLen];
            mac.doFinal(out, 0);
            // Overwrite the keyed inner/outer states so no trace of the key stays on the heap.
            mac.init(new KeyParameter(new byte[blockLen]));
            java.util.Arrays.fill(keyParameter.getKey(), (byte) 0);
            return out;
        }
    }
}
