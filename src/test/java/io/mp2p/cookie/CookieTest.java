package io.mp2p.cookie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.mp2p.crypto.RandomSource;
import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.wire.CookieReply;
import io.mp2p.wire.HandshakeInitiation;
import io.mp2p.wire.HandshakeResponse;
import io.mp2p.wire.SuiteId;

class CookieTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long REFRESH = CookieConstants.COOKIE_REFRESH_TIME_NANOS;
    private static final int CASES = 5_000;
    /** Any clock origin must work: the engine's clock is System.nanoTime(). */
    private static final long T0 = Long.MAX_VALUE - 100 * SECOND;

    private final PeerKey responder = key(1);
    private final PeerKey other = key(2);
    private final SplittableRandom seeded = new SplittableRandom(31);
    private final RandomSource random = out -> seeded.nextBytes(out);
    private final InetAddress source = address(10, 0, 0, 1);
    private final int port = 50_000;

    private static PeerKey key(int seed) {
        byte[] s = new byte[Mp2pIdentity.SEED_LENGTH];
        Arrays.fill(s, (byte) seed);
        try {
            return Mp2pIdentity.fromSeed(s).publicKey();
        } catch (KeyFormatException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private byte[] initiation(int senderIndex) {
        byte[] p = new byte[HandshakeInitiation.LENGTH];
        seeded.nextBytes(p);
        HandshakeInitiation.writeHeader(p, 0, SuiteId.AESGCM_SHA256, senderIndex);
        return p;
    }

    /** A reply_key, as the es of an initiation would give (spec §4.5); here simply random. */
    private byte[] replyKey() {
        byte[] k = new byte[32];
        seeded.nextBytes(k);
        return k;
    }

    private static byte[] mac2(byte[] packet) {
        return Arrays.copyOfRange(packet, HandshakeInitiation.MAC2_OFFSET, HandshakeInitiation.LENGTH);
    }

    /** Makes the generator hold a cookie from the checker for source:port, received at {@code now}. */
    private void obtainCookie(CookieGenerator gen, CookieChecker checker, long now) {
        byte[] first = initiation(7);
        byte[] key = replyKey();
        gen.addInitiationMacs(first, 0, first.length, key, now);
        byte[] reply = new byte[CookieReply.LENGTH];
        checker.createReply(reply, 0, 7, first, 0, first.length, source, port, key, now);
        assertEquals(CookieResult.ACCEPTED, gen.consumeReply(reply, 0, reply.length, now));
    }

    @Test
    void mac1KeyIsSha256OfLabelAndKey() throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("mp2p-mac1".getBytes(StandardCharsets.US_ASCII));
        sha.update(responder.encoded());
        assertArrayEquals(sha.digest(), Mac1.key(responder));
    }

    @Test
    void roundTrip() {
        CookieGenerator gen = new CookieGenerator(responder);
        CookieChecker checker = new CookieChecker(responder, random);
        byte[] first = initiation(7);
        byte[] key = replyKey();
        gen.addInitiationMacs(first, 0, first.length, key, T0);
        assertTrue(checker.checkMac1(first, 0, first.length));
        assertArrayEquals(new byte[Mac1.LENGTH], mac2(first), "no cookie yet: mac2 is zero");
        assertFalse(checker.checkMac2(first, 0, first.length, source, port, T0));

        byte[] reply = new byte[CookieReply.LENGTH];
        checker.createReply(reply, 0, 7, first, 0, first.length, source, port, key, T0);
        assertEquals(7, CookieReply.parse(reply, 0, reply.length).value().receiverIndex());
        assertEquals(CookieResult.ACCEPTED, gen.consumeReply(reply, 0, reply.length, T0));
        assertEquals(CookieResult.NO_PENDING_MAC, gen.consumeReply(reply, 0, reply.length, T0),
                "one reply per initiation: a replay cannot refresh the cookie");

        byte[] retry = initiation(8);
        gen.addMacs(retry, 0, retry.length, T0 + SECOND);
        assertTrue(checker.checkMac1(retry, 0, retry.length));
        assertTrue(checker.checkMac2(retry, 0, retry.length, source, port, T0 + SECOND));
        assertFalse(checker.checkMac2(retry, 0, retry.length, address(10, 0, 0, 2), port, T0 + SECOND));
        assertFalse(checker.checkMac2(retry, 0, retry.length, source, port + 1, T0 + SECOND));
        retry[HandshakeInitiation.NOISE_OFFSET] ^= 1;
        assertFalse(checker.checkMac2(retry, 0, retry.length, source, port, T0 + SECOND), "mac2 covers the packet");
        assertFalse(checker.checkMac1(retry, 0, retry.length), "mac1 covers the packet");
    }

    @Test
    void worksAtAnOffsetAndForResponses() {
        CookieGenerator gen = new CookieGenerator(responder);
        CookieChecker checker = new CookieChecker(responder, random);
        obtainCookie(gen, checker, 0);
        byte[] buf = new byte[HandshakeResponse.LENGTH + 20];
        seeded.nextBytes(buf);
        HandshakeResponse.writeHeader(buf, 9, 3);
        gen.addMacs(buf, 9, HandshakeResponse.LENGTH, SECOND);
        assertTrue(checker.checkMac1(buf, 9, HandshakeResponse.LENGTH));
        assertTrue(checker.checkMac2(buf, 9, HandshakeResponse.LENGTH, source, port, SECOND));
        assertFalse(checker.checkMac1(buf, 8, HandshakeResponse.LENGTH));
    }

    @Test
    void mac1ForAnotherReceiverFails() {
        CookieGenerator gen = new CookieGenerator(other);
        CookieChecker checker = new CookieChecker(responder, random);
        byte[] p = initiation(1);
        gen.addMacs(p, 0, p.length, 0);
        assertFalse(checker.checkMac1(p, 0, p.length));
        assertTrue(new CookieChecker(other, random).checkMac1(p, 0, p.length));
        assertFalse(checker.checkMac1(p, 0, 10), "too short to hold the MACs");
        assertFalse(checker.checkMac1(null, 0, 0));
    }

    @Test
    void cookieTooOldGivesZeroMac2() {
        CookieGenerator gen = new CookieGenerator(responder);
        CookieChecker checker = new CookieChecker(responder, random);
        obtainCookie(gen, checker, T0);
        byte[] p = initiation(9);
        gen.addMacs(p, 0, p.length, T0 + CookieConstants.COOKIE_USABLE_NANOS - 1);
        assertFalse(Arrays.equals(new byte[Mac1.LENGTH], mac2(p)));
        gen.addMacs(p, 0, p.length, T0 + CookieConstants.COOKIE_USABLE_NANOS);
        assertArrayEquals(new byte[Mac1.LENGTH], mac2(p));
    }

    @Test
    void destroyForgetsTheCookie() {
        CookieGenerator gen = new CookieGenerator(responder);
        CookieChecker checker = new CookieChecker(responder, random);
        obtainCookie(gen, checker, 0);
        gen.destroy();
        assertTrue(gen.isDestroyed());
        byte[] p = initiation(9);
        gen.addMacs(p, 0, p.length, 1);
        assertArrayEquals(new byte[Mac1.LENGTH], mac2(p));
        checker.destroy();
        assertTrue(checker.isDestroyed());
    }

    @Test
    void rotationAcceptsThePreviousSecretThenRefusesIt() {
        CookieGenerator gen = new CookieGenerator(responder);
        CookieChecker checker = new CookieChecker(responder, random);
        obtainCookie(gen, checker, T0); // first secret drawn at T0
        byte[] p = initiation(9);
        // A cookie used long after receipt: the generator would stop, so check the checker alone.
        gen.addMacs(p, 0, p.length, T0 + SECOND);
        assertTrue(checker.checkMac2(p, 0, p.length, source, port, T0 + REFRESH - 1));
        assertTrue(checker.checkMac2(p, 0, p.length, source, port, T0 + REFRESH), "rotated: previous still accepted");
        assertTrue(checker.checkMac2(p, 0, p.length, source, port, T0 + 2 * REFRESH - 1));
        assertFalse(checker.checkMac2(p, 0, p.length, source, port, T0 + 2 * REFRESH), "two rotations later");
    }

    @Test
    void lateFirstRotationDoesNotExtendTheOldSecret() {
        CookieGenerator gen = new CookieGenerator(responder);
        CookieChecker checker = new CookieChecker(responder, random);
        obtainCookie(gen, checker, 0);
        byte[] p = initiation(9);
        gen.addMacs(p, 0, p.length, SECOND);
        assertFalse(checker.checkMac2(p, 0, p.length, source, port, 2 * REFRESH + SECOND),
                "no call between: the secret is over 240 s old when it is rotated out");
    }

    @Test
    void tamperedRepliesFail() {
        CookieChecker checker = new CookieChecker(responder, random);
        for (int i = 0; i < CASES / 10; i++) {
            CookieGenerator gen = new CookieGenerator(responder);
            byte[] p = initiation(i);
            byte[] key = replyKey();
            gen.addInitiationMacs(p, 0, p.length, key, i);
            byte[] reply = new byte[CookieReply.LENGTH];
            checker.createReply(reply, 0, i, p, 0, p.length, source, port, key, i);
            int bit = seeded.nextInt((CookieReply.LENGTH - CookieReply.NONCE_OFFSET) * Byte.SIZE);
            reply[CookieReply.NONCE_OFFSET + bit / Byte.SIZE] ^= (byte) (1 << (bit % Byte.SIZE));
            assertEquals(CookieResult.DECRYPT_FAILED, gen.consumeReply(reply, 0, reply.length, i));
            reply[CookieReply.NONCE_OFFSET + bit / Byte.SIZE] ^= (byte) (1 << (bit % Byte.SIZE));
            assertEquals(CookieResult.ACCEPTED, gen.consumeReply(reply, 0, reply.length, i),
                    "a failed reply leaves the pending initiation in place");
        }
    }

    @Test
    void replyForAnotherPacketOrKeyFails() {
        CookieChecker checker = new CookieChecker(responder, random);
        CookieGenerator gen = new CookieGenerator(responder);
        byte[] older = initiation(1);
        byte[] olderKey = replyKey();
        gen.addInitiationMacs(older, 0, older.length, olderKey, 0);
        byte[] newer = initiation(2);
        gen.addInitiationMacs(newer, 0, newer.length, replyKey(), 0);
        byte[] reply = new byte[CookieReply.LENGTH];
        checker.createReply(reply, 0, 1, older, 0, older.length, source, port, olderKey, 0);
        assertEquals(CookieResult.DECRYPT_FAILED, gen.consumeReply(reply, 0, reply.length, 0), "answers an older initiation");

        CookieGenerator toOther = new CookieGenerator(other);
        toOther.addInitiationMacs(older, 0, older.length, replyKey(), 0);
        checker.createReply(reply, 0, 1, older, 0, older.length, source, port, olderKey, 0);
        assertEquals(CookieResult.DECRYPT_FAILED, toOther.consumeReply(reply, 0, reply.length, 0), "wrong reply key");
        assertEquals(CookieResult.DECRYPT_FAILED, toOther.consumeReply(reply, 0, reply.length - 1, 0), "wrong length");
        assertEquals(CookieResult.DECRYPT_FAILED, toOther.consumeReply(reply, -5, reply.length, 0), "bad range");
    }

    /**
     * Issue 11 item 2: someone who saw the initiation (its sender index and mac1) forges replies
     * under keys it can compute; each fails and changes nothing, and the genuine reply is taken.
     */
    @Test
    void forgedRepliesFailAndTheGenuineOneIsStillTaken() {
        CookieChecker checker = new CookieChecker(responder, random);
        CookieChecker attacker = new CookieChecker(responder, random);
        CookieGenerator gen = new CookieGenerator(responder);
        byte[] p = initiation(5);
        byte[] key = replyKey();
        gen.addInitiationMacs(p, 0, p.length, key, 0);
        byte[] forged = new byte[CookieReply.LENGTH];
        for (int i = 0; i < 1000; i++) {
            attacker.createReply(forged, 0, 5, p, 0, p.length, source, port, replyKey(), i);
            assertEquals(CookieResult.DECRYPT_FAILED, gen.consumeReply(forged, 0, forged.length, i));
        }
        byte[] genuine = new byte[CookieReply.LENGTH];
        checker.createReply(genuine, 0, 5, p, 0, p.length, source, port, key, 1000);
        assertEquals(CookieResult.ACCEPTED, gen.consumeReply(genuine, 0, genuine.length, 1000));
        byte[] retry = initiation(6);
        gen.addMacs(retry, 0, retry.length, 1001);
        assertTrue(checker.checkMac2(retry, 0, retry.length, source, port, 1001));
    }

    @Test
    void replyWithoutPendingInitiation() {
        CookieChecker checker = new CookieChecker(responder, random);
        byte[] p = initiation(1);
        byte[] reply = new byte[CookieReply.LENGTH];
        byte[] key = replyKey();
        checker.createReply(reply, 0, 1, p, 0, p.length, source, port, key, 0);
        assertEquals(CookieResult.NO_PENDING_MAC, new CookieGenerator(responder).consumeReply(reply, 0, reply.length, 0));
        CookieGenerator abandoned = new CookieGenerator(responder);
        abandoned.addInitiationMacs(p, 0, p.length, key, 0);
        abandoned.forgetInitiation();
        assertEquals(CookieResult.NO_PENDING_MAC, abandoned.consumeReply(reply, 0, reply.length, 0),
                "an abandoned initiation takes no reply");
    }

    @Test
    void randomMacsAreRefused() {
        CookieChecker checker = new CookieChecker(responder, random);
        int mac1Accepted = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] p = initiation(i);
            if (checker.checkMac1(p, 0, p.length)) {
                mac1Accepted++;
            }
            assertFalse(checker.checkMac2(p, 0, p.length, source, port, i));
        }
        assertEquals(0, mac1Accepted);
    }
}
