package io.mp2p.noise;

import static io.mp2p.noise.NoiseTestSupport.TAG;
import static io.mp2p.noise.NoiseTestSupport.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeded property tests: random payloads, prologues, buffer offsets, over the supported suites. */
class NoisePropertyTest {
    private static final int CASES = 80;
    private static final int MAX_PAYLOAD = 2000;
    private static final int MAX_PROLOGUE = 64;
    private static final int MAX_OFFSET = 50;
    private static final int TRANSPORT_MESSAGES = 4;
    private static final long SEED = 0x9E37_79B9_7F4A_7C15L;

    /**
     * Runs a full handshake whose messages carry {@code payloadSize}-byte random payloads (checked
     * on arrival) and returns {initiator's keys, responder's keys}.
     */
    static CipherStatePair[] handshake(NoiseTestSupport.Pair p, SplittableRandom r, int payloadSize)
            throws NoiseException {
        HandshakeState writer = p.initiator;
        HandshakeState reader = p.responder;
        while (!writer.isFinished()) {
            byte[] payload = bytes(r, payloadSize);
            int off = r.nextInt(MAX_OFFSET);
            byte[] msg = new byte[off + writer.nextMessageOverhead() + payloadSize + r.nextInt(MAX_OFFSET)];
            int n = writer.writeMessage(payload, 0, payload.length, msg, off);
            int outOff = r.nextInt(MAX_OFFSET);
            byte[] got = new byte[outOff + payloadSize + r.nextInt(MAX_OFFSET)];
            int m = reader.readMessage(msg, off, n, got, outOff);
            assertEquals(payloadSize, m);
            assertArrayEquals(payload, Arrays.copyOfRange(got, outOff, outOff + m));
            HandshakeState t = writer;
            writer = reader;
            reader = t;
        }
        assertTrue(p.initiator.isFinished() && p.responder.isFinished());
        return new CipherStatePair[] {p.initiator.split(), p.responder.split()};
    }

    private static void roundTrip(CipherState tx, CipherState rx, SplittableRandom r) throws NoiseException {
        int len = r.nextInt(MAX_PAYLOAD + 1);
        byte[] plain = bytes(r, len);
        byte[] ad = bytes(r, r.nextInt(MAX_PROLOGUE));
        int off = r.nextInt(MAX_OFFSET);
        byte[] ct = new byte[off + len + TAG + r.nextInt(MAX_OFFSET)];
        assertEquals(len + TAG, tx.encryptWithAd(ad, 0, ad.length, plain, 0, len, ct, off));
        int outOff = r.nextInt(MAX_OFFSET);
        byte[] back = new byte[outOff + len + r.nextInt(MAX_OFFSET)];
        assertEquals(len, rx.decryptWithAd(ad, 0, ad.length, ct, off, len + TAG, back, outOff));
        assertArrayEquals(plain, Arrays.copyOfRange(back, outOff, outOff + len));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Noise_IK_25519_AESGCM_SHA256", "Noise_IK_25519_ChaChaPoly_SHA256",
        "Noise_IK_25519_AESGCM_BLAKE2s", "Noise_IK_25519_ChaChaPoly_BLAKE2s",
        "Noise_XX_25519_AESGCM_SHA256"})
    void handshakesCompleteAndTransportRoundTrips(String name) throws Exception {
        SplittableRandom r = new SplittableRandom(SEED ^ name.hashCode());
        for (int c = 0; c < CASES; c++) {
            byte[] prologue = bytes(r, r.nextInt(MAX_PROLOGUE));
            NoiseTestSupport.Pair p = new NoiseTestSupport.Pair(name, r, prologue, prologue, null);
            CipherStatePair[] keys = handshake(p, r, r.nextInt(MAX_PAYLOAD + 1));
            assertArrayEquals(p.initiator.handshakeHash(), p.responder.handshakeHash(), name + " case " + c);
            assertArrayEquals(p.initiatorStatic.publicKey(), p.responder.remoteStaticPublicKey());
            assertArrayEquals(p.responderStatic.publicKey(), p.initiator.remoteStaticPublicKey());
            for (int i = 0; i < TRANSPORT_MESSAGES; i++) {
                roundTrip(keys[0].sender(), keys[1].receiver(), r);
                roundTrip(keys[1].sender(), keys[0].receiver(), r);
            }
            assertEquals(TRANSPORT_MESSAGES, keys[0].sender().nonce());
            assertEquals(TRANSPORT_MESSAGES, keys[1].receiver().nonce());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Noise_IK_25519_AESGCM_SHA256", "Noise_IK_25519_ChaChaPoly_BLAKE2s",
        "Noise_XX_25519_AESGCM_SHA256"})
    void differentProloguesFailTheFirstEncryptedMessage(String name) throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + name.length());
        for (int c = 0; c < CASES / 4; c++) {
            byte[] a = bytes(r, r.nextInt(MAX_PROLOGUE));
            byte[] b = a.length > 0 && r.nextBoolean() ? a.clone() : bytes(r, 1 + r.nextInt(MAX_PROLOGUE));
            if (a.length > 0 && Arrays.equals(a, b)) {
                b[r.nextInt(b.length)] ^= 1;
            }
            NoiseTestSupport.Pair p = new NoiseTestSupport.Pair(name, r, a, b, null);
            HandshakeState writer = p.initiator;
            HandshakeState reader = p.responder;
            // XX's first message is e and an unencrypted payload: the mismatch shows at message 2.
            while (true) {
                byte[] msg = NoiseTestSupport.write(writer, bytes(r, r.nextInt(MAX_PROLOGUE)));
                if (hasTag(name, writer)) {
                    HandshakeState rd = reader;
                    assertThrows(AuthenticationFailedException.class, () -> NoiseTestSupport.read(rd, msg),
                            name + " case " + c);
                    break;
                }
                NoiseTestSupport.read(reader, msg);
                assertNotEquals(Arrays.toString(writer.handshakeHash()), Arrays.toString(reader.handshakeHash()));
                HandshakeState t = writer;
                writer = reader;
                reader = t;
            }
        }
    }

    /** Whether the message just written by {@code writer} carried an AEAD tag (any after the first in XX, all in IK). */
    private static boolean hasTag(String name, HandshakeState writer) {
        return name.contains("_IK_") || !writer.isInitiator() || writer.isFinished();
    }

    /** Encrypting at an offset writes exactly [off, off + len + 16) and nothing else. */
    @Test
    void transportEncryptTouchesOnlyItsOutputRange() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        CipherStatePair[] keys = handshake(new NoiseTestSupport.Pair(NoiseTestSupport.IK, r), r, 0);
        final byte canary = (byte) 0xA5;
        for (int c = 0; c < CASES; c++) {
            int len = r.nextInt(MAX_PAYLOAD + 1);
            byte[] plain = bytes(r, len);
            int off = r.nextInt(MAX_OFFSET);
            int slack = r.nextInt(MAX_OFFSET);
            byte[] out = new byte[off + len + TAG + slack];
            Arrays.fill(out, canary);
            int n = keys[0].sender().encrypt(c, null, 0, 0, plain, 0, len, out, off);
            assertEquals(len + TAG, n);
            for (int i = 0; i < off; i++) {
                assertEquals(canary, out[i], "byte " + i + " before the output was touched");
            }
            for (int i = off + n; i < out.length; i++) {
                assertEquals(canary, out[i], "byte " + i + " after the output was touched");
            }
            byte[] back = new byte[off + len + slack];
            Arrays.fill(back, canary);
            assertEquals(len, keys[1].receiver().decrypt(c, null, 0, 0, out, off, n, back, off));
            assertArrayEquals(plain, Arrays.copyOfRange(back, off, off + len));
            for (int i = 0; i < off; i++) {
                assertEquals(canary, back[i]);
            }
            for (int i = off + len; i < back.length; i++) {
                assertEquals(canary, back[i]);
            }
        }
    }
}
