package io.mp2p.crypto;

import java.security.GeneralSecurityException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

/**
 * AES-256-GCM and ChaCha20-Poly1305 from {@code javax.crypto}. Chosen by measurement over Bouncy
 * Castle's lightweight engines (docs/perf/datapath.md §2, {@code AeadBenchmark}, one loaded 2-core
 * machine): the JDK's AES-GCM sealed 593 k vs BC's 21 k messages of 1,200 B per second on JDK 17
 * (522 k vs 29 k on JDK 25); ChaCha20-Poly1305 was level on JDK 17 (JDK 29–54 k/s, BC 48–57 k/s)
 * and the JDK 3–5 times faster on JDK 25, whose ChaCha20 is intrinsified (163–274 k/s vs 56–59 k/s).
 * BC allocates less per message (240–590 B vs 0.9–2.3 KB, all of it inside {@code Cipher.init} and
 * {@code doFinal}), which did not outweigh its speed.
 *
 * <p>Noise nonces (§5.1, §12): 32 zero bits, then the 64-bit counter, big-endian for AESGCM and
 * little-endian for ChaChaPoly.
 *
 * <p>A key holds its 32 bytes and no {@code Cipher}: it borrows one from a {@link SharedCiphers}
 * (the engine's, for transport keys; a private one otherwise), initialised per message.
 */
public final class JdkAead implements AeadCipher {
    /** AES-256-GCM. */
    public static final JdkAead AESGCM = new JdkAead(0, "AESGCM", "AES/GCM/NoPadding", "AES", true);
    /** ChaCha20-Poly1305 (RFC 8439). */
    public static final JdkAead CHACHAPOLY = new JdkAead(1, "ChaChaPoly", "ChaCha20-Poly1305", "ChaCha20", false);

    private final int id;
    private final String name;
    private final String transformation;
    private final String keyAlgorithm;
    private final boolean bigEndian;

    private JdkAead(int id, String name, String transformation, String keyAlgorithm, boolean bigEndian) {
        this.id = id;
        this.name = name;
        this.transformation = transformation;
        this.keyAlgorithm = keyAlgorithm;
        this.bigEndian = bigEndian;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AeadKey newKey(byte[] key) {
        return newKey(key, new SharedCiphers());
    }

    @Override
    public AeadKey newKey(byte[] key, SharedCiphers ciphers) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a cipher key is " + KEY_LENGTH + " bytes, got " + key.length);
        }
        return new Keyed(ciphers, new WipeableSecretKey(key, keyAlgorithm));
    }

    private final class Keyed implements AeadKey {
        private final SharedCiphers ciphers;
        private final WipeableSecretKey spec;
        private boolean destroyed;

        Keyed(SharedCiphers ciphers, WipeableSecretKey spec) {
            this.ciphers = ciphers;
            this.spec = spec;
        }

        /**
         * The shared Cipher for {@code mode}, initialised with this key and nonce {@code n}. The JDK's
         * ChaCha20-Poly1305 refuses two initialisations in a row with the same key and nonce, even to
         * decrypt; a forged packet with counter n would then make the genuine one fail. For decryption
         * only, an init with another nonce in between clears that check; encryption keeps the JDK's
         * refusal, which guards against nonce reuse.
         */
        private Cipher init(int mode, long n) throws GeneralSecurityException {
            if (destroyed) {
                throw new IllegalStateException("this key was destroyed");
            }
            SharedCiphers.Slot slot = ciphers.slot(id, transformation, mode);
            if (mode == Cipher.DECRYPT_MODE && !bigEndian && slot.owner == this && slot.nonce == n) {
                slot.cipher.init(mode, spec, ciphers.params(bigEndian, n + 1));
            }
            slot.cipher.init(mode, spec, ciphers.params(bigEndian, n));
            slot.owner = this;
            slot.mode = mode;
            slot.nonce = n;
            return slot.cipher;
        }

        @Override
        public int encrypt(long n, byte[] ad, int adOff, int adLen, byte[] in, int inOff, int inLen, byte[] out,
                           int outOff) throws GeneralSecurityException {
            Cipher cipher = init(Cipher.ENCRYPT_MODE, n);
            if (adLen > 0) {
                cipher.updateAAD(ad, adOff, adLen);
            }
            return cipher.doFinal(in, inOff, inLen, out, outOff);
        }

        @Override
        public int decrypt(long n, byte[] ad, int adOff, int adLen, byte[] in, int inOff, int inLen, byte[] out,
                           int outOff) throws GeneralSecurityException {
            if (inLen < TAG_LENGTH) {
                throw new AEADBadTagException("ciphertext shorter than the tag");
            }
            Cipher cipher = init(Cipher.DECRYPT_MODE, n);
            if (adLen > 0) {
                cipher.updateAAD(ad, adOff, adLen);
            }
            if (!bigEndian && inOff != 0) {
                // The JDK's ChaCha20-Poly1305 (17) opens a ciphertext in place only when it starts at
                // offset 0; elsewhere it copies it through a growing ByteArrayOutputStream, about
                // 3.3 KB per 1.2 KB packet. One copy into a reused array costs less.
                byte[] at0 = ciphers.scratch(inLen);
                System.arraycopy(in, inOff, at0, 0, inLen);
                return cipher.doFinal(at0, 0, inLen, out, outOff);
            }
            return cipher.doFinal(in, inOff, inLen, out, outOff);
        }

        /**
         * Zeroes every copy of the key this object can reach (spec §6.9): its key object's bytes, and,
         * for each shared Cipher this key was the last to initialise, the copies the JDK holds there
         * (AES-GCM's last key and AES key schedules, ChaCha20's key and initial state), by initialising
         * that Cipher under an all-zero key (the JDK zeroes the previous ones when it is re-keyed).
         */
        @Override
        public void destroy() {
            if (destroyed) {
                return;
            }
            destroyed = true;
            spec.destroy();
            for (SharedCiphers.Slot slot : ciphers.slots(id)) {
                if (slot != null && slot.owner == this) {
                    wipe(slot);
                }
            }
        }

        private void wipe(SharedCiphers.Slot slot) {
            WipeableSecretKey zero = new WipeableSecretKey(new byte[KEY_LENGTH], keyAlgorithm);
            try {
                // A fresh nonce for the all-zero key, so that the JDK's nonce-reuse check never refuses it.
                slot.cipher.init(Cipher.ENCRYPT_MODE, zero, ciphers.params(bigEndian, ciphers.nextWipeNonce()));
            } catch (GeneralSecurityException e) {
                // The JDK takes any 32-byte key and 12-byte nonce; if it did not, what we own is zero.
                throw new IllegalStateException("could not re-key the cipher to wipe it", e);
            }
            slot.owner = null;
        }
    }
}
