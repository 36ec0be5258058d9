package io.mp2p.bench;

import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.mp2p.crypto.AeadKey;
import io.mp2p.crypto.JdkAead;
import io.mp2p.crypto.SharedCiphers;

/**
 * One AEAD seal ({@code seal}) or open ({@code open}) of a 1,200-byte plaintext with 16 bytes of associated data, fresh nonce each time,
 * the way the engine seals a packet (init per message, then doFinal into a reused array). Run with
 * {@code -prof gc} for bytes per operation. {@code impl}:
 * <ul>
 * <li>{@code JDK_BARE}: {@code javax.crypto} as a textbook caller writes it ({@code SecretKeySpec},
 *     a new {@code GCMParameterSpec}/{@code IvParameterSpec} per message): what the JDK allocates;</li>
 * <li>{@code MP2P}: {@link JdkAead} with {@link SharedCiphers}, as the engine uses it;</li>
 * <li>{@code BC}: Bouncy Castle's lightweight engines ({@code GCMBlockCipher} over {@code AESEngine},
 *     {@code ChaCha20Poly1305}), re-initialised per message with the key kept ({@code null} key).</li>
 * </ul>
 * Score = seals/s; MB/s = score × 1200 / 10^6.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class AeadBenchmark {
    private static final int SIZE = 1200;
    private static final int AD = 16;
    private static final int TAG = 16;

    @Param({"AESGCM", "CHACHAPOLY"})
    public String aead;
    @Param({"JDK_BARE", "MP2P", "BC"})
    public String impl;

    private final byte[] key = new byte[32];
    private final byte[] in = new byte[AD + SIZE];
    private final byte[] out = new byte[SIZE + TAG];
    private final byte[] nonce = new byte[12];
    private long counter;
    private Cipher jdk;
    private SecretKeySpec spec;
    private AeadKey mp2p;
    private AEADCipher bc;
    private KeyParameter bcKey;
    /** Two messages sealed in setup under nonces 1 and 2, opened in turn (no nonce twice in a row). */
    private final byte[][] sealed = new byte[2][SIZE + TAG];
    private final byte[] opened = new byte[SIZE + TAG];
    private long opens;

    @Setup
    public void setUp() throws GeneralSecurityException, InvalidCipherTextException {
        new SplittableRandom(1).nextBytes(key);
        new SplittableRandom(2).nextBytes(in);
        boolean gcm = aead.equals("AESGCM");
        switch (impl) {
            case "JDK_BARE" -> {
                jdk = Cipher.getInstance(gcm ? "AES/GCM/NoPadding" : "ChaCha20-Poly1305");
                spec = new SecretKeySpec(key, gcm ? "AES" : "ChaCha20");
            }
            case "MP2P" -> mp2p = (gcm ? JdkAead.AESGCM : JdkAead.CHACHAPOLY).newKey(key, new SharedCiphers());
            case "BC" -> {
                bc = gcm ? GCMBlockCipher.newInstance(AESEngine.newInstance()) : new ChaCha20Poly1305();
                bcKey = new KeyParameter(key);
                bc.init(true, new AEADParameters(bcKey, TAG * Byte.SIZE, nonce));
            }
            default -> throw new IllegalArgumentException(impl);
        }
        for (int i = 0; i < 2; i++) {
            seal();
            System.arraycopy(out, 0, sealed[i], 0, out.length);
        }
        // Sealing goes on from nonce 3: the JDK refuses a nonce it has just encrypted with.
    }

    @Benchmark
    public int open() throws GeneralSecurityException, InvalidCipherTextException {
        int which = (int) (opens++ & 1);
        long n = which + 1;
        byte[] c = sealed[which];
        switch (impl) {
            case "JDK_BARE" -> {
                setNonce(n);
                jdk.init(Cipher.DECRYPT_MODE, spec, aead.equals("AESGCM")
                        ? new GCMParameterSpec(TAG * Byte.SIZE, nonce) : new IvParameterSpec(nonce));
                jdk.updateAAD(in, 0, AD);
                return jdk.doFinal(c, 0, c.length, opened, 0);
            }
            case "MP2P" -> {
                return mp2p.decrypt(n, in, 0, AD, c, 0, c.length, opened, 0);
            }
            default -> {
                setNonce(n);
                bc.init(false, new AEADParameters(null, TAG * Byte.SIZE, nonce));
                bc.processAADBytes(in, 0, AD);
                int len = bc.processBytes(c, 0, c.length, opened, 0);
                return len + bc.doFinal(opened, len);
            }
        }
    }

    @Benchmark
    public int seal() throws GeneralSecurityException, InvalidCipherTextException {
        long n = ++counter;
        switch (impl) {
            case "JDK_BARE" -> {
                setNonce(n);
                jdk.init(Cipher.ENCRYPT_MODE, spec, aead.equals("AESGCM")
                        ? new GCMParameterSpec(TAG * Byte.SIZE, nonce) : new IvParameterSpec(nonce));
                jdk.updateAAD(in, 0, AD);
                return jdk.doFinal(in, AD, SIZE, out, 0);
            }
            case "MP2P" -> {
                return mp2p.encrypt(n, in, 0, AD, in, AD, SIZE, out, 0);
            }
            default -> {
                setNonce(n);
                // A null key keeps the key schedule: only the nonce changes (BC refuses a repeated one).
                bc.init(true, new AEADParameters(null, TAG * Byte.SIZE, nonce));
                bc.processAADBytes(in, 0, AD);
                int len = bc.processBytes(in, AD, SIZE, out, 0);
                return len + bc.doFinal(out, len);
            }
        }
    }

    private void setNonce(long n) {
        boolean bigEndian = aead.equals("AESGCM");
        for (int i = 0; i < Long.BYTES; i++) {
            nonce[4 + i] = (byte) (n >>> ((bigEndian ? Long.BYTES - 1 - i : i) * Byte.SIZE));
        }
    }
}
