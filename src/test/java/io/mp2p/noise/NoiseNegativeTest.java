package io.mp2p.noise;

import static io.mp2p.noise.NoiseTestSupport.DH_LEN;
import static io.mp2p.noise.NoiseTestSupport.IK;
import static io.mp2p.noise.NoiseTestSupport.TAG;
import static io.mp2p.noise.NoiseTestSupport.bytes;
import static io.mp2p.noise.NoiseTestSupport.read;
import static io.mp2p.noise.NoiseTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mp2p.crypto.DhKeyPair;

/** Negative tests: every way a message can be bad maps to one specific {@link NoiseException} subclass. */
class NoiseNegativeTest {
    private static final long SEED = 0x5EED_0001L;
    private static final int PAYLOAD_1 = 23;
    private static final int PAYLOAD_2 = 17;
    /** IK message 1: e, then s encrypted (key + tag), then the payload and its tag. */
    private static final int IK1_STATIC_END = DH_LEN + DH_LEN + TAG;
    private static final int IK1_LENGTH = IK1_STATIC_END + PAYLOAD_1 + TAG;
    /** IK message 2: e, then the payload and its tag. */
    private static final int IK2_LENGTH = DH_LEN + PAYLOAD_2 + TAG;

    private static byte[] flip(byte[] msg, int i, byte mask) {
        byte[] t = msg.clone();
        t[i] ^= mask;
        return t;
    }

    private static void assertUnusable(HandshakeState hs, byte[] msg) {
        assertThrows(IllegalStateException.class, () -> hs.readMessage(msg, 0, msg.length, new byte[msg.length], 0));
        assertThrows(IllegalStateException.class, hs::copy);
    }

    /** A byte flipped in a clear ephemeral may (rarely) produce a low-order key; anything else fails the tag. */
    private static void assertTamperRejected(NoiseException ex, int position) {
        if (position < DH_LEN) {
            assertTrue(ex instanceof AuthenticationFailedException || ex instanceof InvalidPublicKeyException,
                    "position " + position + ": " + ex);
        } else {
            assertInstanceOf(AuthenticationFailedException.class, ex, "position " + position);
        }
    }

    @Test
    void everyFlippedByteOfIkMessage1IsRejected() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED);
        NoiseTestSupport.Pair base = new NoiseTestSupport.Pair(IK, r);
        byte[] msg1 = write(base.initiator, bytes(r, PAYLOAD_1));
        assertEquals(IK1_LENGTH, msg1.length);
        for (int i = 0; i < msg1.length; i++) {
            HandshakeState responder = base.responder.copy();
            byte[] tampered = flip(msg1, i, (byte) (1 + r.nextInt(255)));
            NoiseException ex = assertThrows(NoiseException.class, () -> read(responder, tampered));
            assertTamperRejected(ex, i);
            assertUnusable(responder, msg1);
        }
        // The untouched message still reads on the original: the copies did not share state.
        assertEquals(PAYLOAD_1, read(base.responder, msg1).length);
    }

    @Test
    void everyFlippedByteOfIkMessage2IsRejected() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        NoiseTestSupport.Pair base = new NoiseTestSupport.Pair(IK, r);
        read(base.responder, write(base.initiator, bytes(r, PAYLOAD_1)));
        byte[] msg2 = write(base.responder, bytes(r, PAYLOAD_2));
        assertEquals(IK2_LENGTH, msg2.length);
        for (int i = 0; i < msg2.length; i++) {
            HandshakeState initiator = base.initiator.copy();
            byte[] tampered = flip(msg2, i, (byte) (1 + r.nextInt(255)));
            NoiseException ex = assertThrows(NoiseException.class, () -> read(initiator, tampered));
            assertTamperRejected(ex, i);
            assertUnusable(initiator, msg2);
        }
        assertEquals(PAYLOAD_2, read(base.initiator, msg2).length);
        assertTrue(base.initiator.isFinished());
    }

    /** Each forgery is tried with the genuine message's counter, which must still decrypt afterwards. */
    @ParameterizedTest
    @ValueSource(strings = {
        "Noise_IK_25519_AESGCM_SHA256", "Noise_IK_25519_ChaChaPoly_SHA256",
        "Noise_IK_25519_AESGCM_BLAKE2s", "Noise_IK_25519_ChaChaPoly_BLAKE2s"})
    void everyFlippedByteOfATransportMessageIsRejected(String suite) throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 2);
        CipherStatePair[] keys = NoisePropertyTest.handshake(new NoiseTestSupport.Pair(suite, r), r, 0);
        byte[] ad = bytes(r, 8);
        byte[] plain = bytes(r, 40);
        byte[] ct = new byte[plain.length + TAG];
        keys[0].sender().encryptWithAd(ad, 0, ad.length, plain, 0, plain.length, ct, 0);
        CipherState rx = keys[1].receiver();
        byte[] out = new byte[plain.length];
        for (int i = 0; i < ct.length; i++) {
            byte[] tampered = flip(ct, i, (byte) (1 + r.nextInt(255)));
            assertThrows(AuthenticationFailedException.class,
                    () -> rx.decryptWithAd(ad, 0, ad.length, tampered, 0, tampered.length, out, 0), "position " + i);
            assertEquals(0, rx.nonce(), "a failed decryption must not advance the nonce");
        }
        for (int i = 0; i < ad.length; i++) {
            byte[] badAd = flip(ad, i, (byte) 1);
            assertThrows(AuthenticationFailedException.class,
                    () -> rx.decryptWithAd(badAd, 0, badAd.length, ct, 0, ct.length, out, 0), "ad position " + i);
        }
        assertEquals(plain.length, rx.decryptWithAd(ad, 0, ad.length, ct, 0, ct.length, out, 0));
        assertArrayEquals(plain, out);
    }

    @Test
    void wrongResponderStaticKeyFailsOnTheResponder() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 3);
        byte[] notTheResponder = NoiseTestSupport.keyPair(r).publicKey();
        NoiseTestSupport.Pair p = new NoiseTestSupport.Pair(IK, r, new byte[0], new byte[0], notTheResponder);
        byte[] msg1 = write(p.initiator, bytes(r, PAYLOAD_1));
        assertThrows(AuthenticationFailedException.class, () -> read(p.responder, msg1));
        assertUnusable(p.responder, msg1);
    }

    @Test
    void lowOrderEphemeralIsRejectedAsInvalidPublicKey() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 4);
        NoiseTestSupport.Pair p = new NoiseTestSupport.Pair(IK, r);
        read(p.responder, write(p.initiator, new byte[0]));
        byte[] msg2 = write(p.responder, new byte[0]);
        // u = 0 is the point of order 2: every DH with it is all zeros.
        Arrays.fill(msg2, 0, DH_LEN, (byte) 0);
        assertThrows(InvalidPublicKeyException.class, () -> read(p.initiator, msg2));
        assertUnusable(p.initiator, msg2);
    }

    /** IK message 1: short of e or s is truncation; short of the payload tag too; past that, the tag fails. */
    @Test
    void everyTruncationOfIkMessage1IsRejected() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 5);
        NoiseTestSupport.Pair base = new NoiseTestSupport.Pair(IK, r);
        byte[] msg1 = write(base.initiator, bytes(r, PAYLOAD_1));
        for (int len = 0; len < msg1.length; len++) {
            HandshakeState responder = base.responder.copy();
            byte[] cut = Arrays.copyOf(msg1, len);
            Class<? extends NoiseException> expected = len < IK1_STATIC_END + TAG
                    ? TruncatedMessageException.class : AuthenticationFailedException.class;
            assertThrows(expected, () -> read(responder, cut), "length " + len);
            assertUnusable(responder, msg1);
        }
    }

    @Test
    void everyTruncationOfIkMessage2IsRejected() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 6);
        NoiseTestSupport.Pair base = new NoiseTestSupport.Pair(IK, r);
        read(base.responder, write(base.initiator, new byte[0]));
        byte[] msg2 = write(base.responder, bytes(r, PAYLOAD_2));
        for (int len = 0; len < msg2.length; len++) {
            HandshakeState initiator = base.initiator.copy();
            byte[] cut = Arrays.copyOf(msg2, len);
            Class<? extends NoiseException> expected = len < DH_LEN + TAG
                    ? TruncatedMessageException.class : AuthenticationFailedException.class;
            assertThrows(expected, () -> read(initiator, cut), "length " + len);
        }
    }

    @Test
    void transportTruncationIsTruncatedBelowTheTagElseAuthenticationFailed() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 7);
        CipherStatePair[] keys = NoisePropertyTest.handshake(new NoiseTestSupport.Pair(IK, r), r, 0);
        byte[] plain = bytes(r, 30);
        byte[] ct = new byte[plain.length + TAG];
        keys[0].sender().encrypt(0, null, 0, 0, plain, 0, plain.length, ct, 0);
        byte[] out = new byte[plain.length];
        for (int len = 0; len < ct.length; len++) {
            Class<? extends NoiseException> expected = len < TAG
                    ? TruncatedMessageException.class : AuthenticationFailedException.class;
            int n = len;
            assertThrows(expected, () -> keys[1].receiver().decrypt(0, null, 0, 0, ct, 0, n, out, 0), "length " + len);
        }
    }

    @Test
    void handshakeMessageTooLongIsRefused() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 8);
        NoiseTestSupport.Pair p = new NoiseTestSupport.Pair(IK, r);
        int overhead = p.initiator.nextMessageOverhead();
        byte[] payload = new byte[HandshakeState.MAX_MESSAGE_LENGTH - overhead + 1];
        byte[] out = new byte[HandshakeState.MAX_MESSAGE_LENGTH + 1];
        assertThrows(MessageTooLongException.class,
                () -> p.initiator.writeMessage(payload, 0, payload.length, out, 0));
        // Refusing to write consumed nothing: the largest legal message still goes out and reads back.
        int n = p.initiator.writeMessage(payload, 0, payload.length - 1, out, 0);
        assertEquals(HandshakeState.MAX_MESSAGE_LENGTH, n);
        byte[] big = new byte[HandshakeState.MAX_MESSAGE_LENGTH + 1];
        assertThrows(MessageTooLongException.class,
                () -> p.responder.readMessage(big, 0, big.length, new byte[big.length], 0));
        assertUnusable(p.responder, big);
    }

    @Test
    void transportMessageTooLongIsRefused() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 9);
        CipherStatePair[] keys = NoisePropertyTest.handshake(new NoiseTestSupport.Pair(IK, r), r, 0);
        byte[] plain = new byte[HandshakeState.MAX_MESSAGE_LENGTH - TAG + 1];
        byte[] ct = new byte[plain.length + TAG];
        CipherState tx = keys[0].sender();
        assertThrows(MessageTooLongException.class,
                () -> tx.encryptWithAd(null, 0, 0, plain, 0, plain.length, ct, 0));
        assertEquals(0, tx.nonce(), "a refused message must not use up a nonce");
        assertThrows(MessageTooLongException.class,
                () -> keys[1].receiver().decrypt(0, null, 0, 0, ct, 0, ct.length, new byte[ct.length], 0));
        assertEquals(HandshakeState.MAX_MESSAGE_LENGTH,
                tx.encryptWithAd(null, 0, 0, plain, 0, plain.length - 1, ct, 0));
    }

    @Test
    void reservedNonceIsRefused() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 10);
        CipherStatePair[] keys = NoisePropertyTest.handshake(new NoiseTestSupport.Pair(IK, r), r, 0);
        CipherState tx = keys[0].sender();
        CipherState rx = keys[1].receiver();
        byte[] plain = bytes(r, 5);
        byte[] ct = new byte[plain.length + TAG];
        tx.setNonce(CipherState.MAX_NONCE);
        assertThrows(NonceExhaustedException.class, () -> tx.encryptWithAd(null, 0, 0, plain, 0, plain.length, ct, 0));
        assertEquals(CipherState.MAX_NONCE, tx.nonce());
        assertThrows(NonceExhaustedException.class,
                () -> tx.encrypt(CipherState.MAX_NONCE, null, 0, 0, plain, 0, plain.length, ct, 0));
        assertThrows(NonceExhaustedException.class,
                () -> rx.decrypt(CipherState.MAX_NONCE, null, 0, 0, ct, 0, ct.length, new byte[ct.length], 0));
        rx.setNonce(CipherState.MAX_NONCE);
        assertThrows(NonceExhaustedException.class,
                () -> rx.decryptWithAd(null, 0, 0, ct, 0, ct.length, new byte[ct.length], 0));
        // The last usable nonce, 2^64-2, still works.
        long last = CipherState.MAX_NONCE - 1;
        tx.encrypt(last, null, 0, 0, plain, 0, plain.length, ct, 0);
        byte[] back = new byte[plain.length];
        keys[1].receiver().decrypt(last, null, 0, 0, ct, 0, ct.length, back, 0);
        assertArrayEquals(plain, back);
    }

    @Test
    void outputBufferTooSmallIsRefused() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 11);
        NoiseTestSupport.Pair p = new NoiseTestSupport.Pair(IK, r);
        byte[] payload = bytes(r, PAYLOAD_1);
        byte[] small = new byte[IK1_LENGTH - 1];
        assertThrows(OutputBufferTooSmallException.class,
                () -> p.initiator.writeMessage(payload, 0, payload.length, small, 0));
        byte[] atOffset = new byte[IK1_LENGTH];
        assertThrows(OutputBufferTooSmallException.class,
                () -> p.initiator.writeMessage(payload, 0, payload.length, atOffset, 1));
        // The refused writes left the handshake usable.
        byte[] msg1 = write(p.initiator, payload);
        HandshakeState tooSmall = p.responder.copy();
        assertThrows(OutputBufferTooSmallException.class,
                () -> tooSmall.readMessage(msg1, 0, msg1.length, new byte[PAYLOAD_1 - 1], 0));
        assertArrayEquals(payload, read(p.responder, msg1));

        CipherStatePair[] keys = NoisePropertyTest.handshake(new NoiseTestSupport.Pair(IK, r), r, 0);
        byte[] plain = bytes(r, 10);
        assertThrows(OutputBufferTooSmallException.class,
                () -> keys[0].sender().encrypt(0, null, 0, 0, plain, 0, plain.length, new byte[plain.length + TAG - 1], 0));
        assertThrows(OutputBufferTooSmallException.class,
                () -> keys[0].sender().encryptWithAd(null, 0, 0, plain, 0, plain.length, new byte[plain.length + TAG], 1));
        assertEquals(0, keys[0].sender().nonce());
        byte[] ct = new byte[plain.length + TAG];
        keys[0].sender().encrypt(0, null, 0, 0, plain, 0, plain.length, ct, 0);
        assertThrows(OutputBufferTooSmallException.class,
                () -> keys[1].receiver().decrypt(0, null, 0, 0, ct, 0, ct.length, new byte[plain.length - 1], 0));
    }

    @Test
    void cipherStateDestroyZeroesItsKey() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 12);
        CipherStatePair[] keys = NoisePropertyTest.handshake(new NoiseTestSupport.Pair(IK, r), r, 0);
        CipherState tx = keys[0].sender();
        byte[] k = tx.keyForTesting();
        assertFalse(isZero(k), "a live key is not all zeros");
        tx.destroy();
        assertTrue(tx.isDestroyed());
        assertTrue(isZero(k), "destroy() must zero the key array");
        assertFalse(tx.hasKey());
        assertThrows(IllegalStateException.class, () -> tx.encryptWithAd(null, 0, 0, new byte[1], 0, 1, new byte[1 + TAG], 0));
        assertThrows(IllegalStateException.class, tx::copy);
        assertThrows(IllegalStateException.class, tx::rekey);

        CipherState other = keys[1].sender();
        byte[] k1 = keys[1].sender().keyForTesting();
        byte[] k2 = keys[1].receiver().keyForTesting();
        keys[1].destroy();
        assertTrue(other.isDestroyed() && keys[1].receiver().isDestroyed());
        assertTrue(isZero(k1) && isZero(k2), "CipherStatePair.destroy() zeroes both keys");
    }

    @Test
    void rekeyZeroesTheOldKeyAndBothSidesAgree() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 13);
        CipherStatePair[] keys = NoisePropertyTest.handshake(new NoiseTestSupport.Pair(IK, r), r, 0);
        CipherState tx = keys[0].sender();
        CipherState rx = keys[1].receiver();
        byte[] oldKey = tx.keyForTesting();
        byte[] oldCopy = oldKey.clone();
        tx.rekey();
        rx.rekey();
        assertTrue(isZero(oldKey), "rekey must zero the replaced key");
        assertFalse(Arrays.equals(oldCopy, tx.keyForTesting()));
        assertArrayEquals(tx.keyForTesting(), rx.keyForTesting());
    }

    @Test
    void dhKeyPairDestroyZeroesThePrivateKey() {
        DhKeyPair kp = NoiseTestSupport.keyPair(new SplittableRandom(SEED + 14));
        byte[] priv = kp.privateKey();
        assertFalse(isZero(priv));
        kp.destroy();
        assertTrue(kp.isDestroyed());
        assertTrue(isZero(priv));
        assertThrows(IllegalStateException.class, kp::privateKey);
        assertThrows(IllegalStateException.class, kp::copy);
    }

    @Test
    void handshakeDestroyZeroesItsStateButNotTheCallersStaticKey() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 15);
        NoiseTestSupport.Pair p = new NoiseTestSupport.Pair(IK, r);
        byte[] msg1 = write(p.initiator, new byte[0]);
        byte[] staticBefore = p.initiatorStatic.privateKey().clone();
        assertFalse(isZero(p.initiator.handshakeHash()));
        p.initiator.destroy();
        // h is the one piece of the symmetric state that stays observable after destroy.
        assertTrue(isZero(p.initiator.handshakeHash()), "destroy() zeroes the handshake hash");
        assertArrayEquals(staticBefore, p.initiatorStatic.privateKey(), "the caller keeps its static key");
        assertFalse(p.initiatorStatic.isDestroyed());
        assertThrows(IllegalStateException.class, p.initiator::copy);
        assertThrows(IllegalStateException.class, p.initiator::split);
        assertThrows(IllegalStateException.class,
                () -> p.initiator.readMessage(msg1, 0, msg1.length, new byte[msg1.length], 0));
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
