package io.mp2p.cookie;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.security.auth.Destroyable;

import io.mp2p.crypto.RandomSource;
import io.mp2p.identity.PeerKey;
import io.mp2p.wire.CookieReply;

/**
 * The responder's side of spec §4.4–§4.5 and §7: checks mac1 and mac2 of incoming handshake packets
 * and, under load, answers initiations with a CookieReply binding the initiator to its source
 * address. Thread-safe.
 *
 * <pre>{@code
 * CookieChecker checker = new CookieChecker(me.publicKey(), RandomSource.secure());
 * if (!checker.checkMac1(packet, 0, len)) return;                       // BAD_MAC1
 * if (load.isUnderLoad(now) && !checker.checkMac2(packet, 0, len, src, port, now)) {
 *     byte[] reply = new byte[CookieReply.LENGTH];
 *     byte[] replyKey = CookieReplyKey.derive(es, ephemeral);     // es: one DH, spec §4.5
 *     checker.createReply(reply, 0, senderIndex, packet, 0, len, src, port, replyKey, now);
 *     send(reply, src, port);
 *     return;
 * }
 * }</pre>
 */
public final class CookieChecker implements Destroyable {
    private static final int PORT_LENGTH = 2;
    private static final int MAX_ADDRESS_LENGTH = 16;
    /**
     * A cookie handed out just before the secret rotates must still work for the retry it was meant
     * for, so the previous secret is accepted until it is this old (one more refresh period).
     */
    private static final long PREVIOUS_SECRET_MAX_AGE_NANOS = 2 * CookieConstants.COOKIE_REFRESH_TIME_NANOS;

    private final RandomSource random;
    private final byte[] mac1Key;
    private final byte[] secret = new byte[CookieConstants.SECRET_LENGTH];
    private final byte[] previousSecret = new byte[CookieConstants.SECRET_LENGTH];
    private boolean hasSecret;
    private boolean hasPreviousSecret;
    private long secretCreatedAt;
    private long previousCreatedAt;
    private boolean destroyed;

    /** A checker for packets addressed to {@code own}, drawing secrets and nonces from {@code random}. */
    public CookieChecker(PeerKey own, RandomSource random) {
        this.random = random;
        this.mac1Key = Mac1.key(own);
    }

    /**
     * Whether the mac1 of the handshake packet {@code packet[off..off+len)} is right for our key
     * (constant-time). A range too short to hold the MACs fails.
     */
    public boolean checkMac1(byte[] packet, int off, int len) {
        if (!holdsMacs(packet, off, len)) {
            return false;
        }
        int mac1Off = off + len - CookieConstants.MACS_LENGTH;
        byte[] expected = new byte[CookieConstants.MAC_LENGTH];
        Mac1.compute(mac1Key, packet, off, mac1Off - off, expected, 0);
        return MessageDigest.isEqual(expected,
                Arrays.copyOfRange(packet, mac1Off, mac1Off + CookieConstants.MAC_LENGTH));
    }

    /**
     * Whether mac2 of {@code packet[off..off+len)} was keyed by the cookie we give
     * {@code source:sourcePort}, under the current secret or the previous one (constant-time).
     */
    public synchronized boolean checkMac2(byte[] packet, int off, int len, InetAddress source, int sourcePort, long now) {
        if (!holdsMacs(packet, off, len) || source == null) {
            return false;
        }
        rotate(now);
        int mac2Off = off + len - CookieConstants.MAC_LENGTH;
        byte[] received = Arrays.copyOfRange(packet, mac2Off, mac2Off + CookieConstants.MAC_LENGTH);
        boolean ok = mac2Matches(secret, packet, off, len, source, sourcePort, received);
        if (hasPreviousSecret && now - previousCreatedAt < PREVIOUS_SECRET_MAX_AGE_NANOS) {
            // Evaluate both so that timing does not tell which secret matched.
            ok |= mac2Matches(previousSecret, packet, off, len, source, sourcePort, received);
        }
        return ok;
    }

    /**
     * Writes a 64-byte CookieReply at {@code out[outOff..)} answering the handshake packet
     * {@code packet[off..off+len)} received from {@code source:sourcePort}: header with
     * {@code receiverIndex} (the packet's sender index), a random nonce, and our cookie for that
     * source encrypted under {@code replyKey} ({@link CookieReplyKey}) with the packet's mac1 as
     * associated data.
     *
     * @throws IllegalArgumentException if the packet cannot hold the MACs or {@code out} the reply
     */
    public synchronized void createReply(byte[] out, int outOff, int receiverIndex, byte[] packet, int off, int len,
                                         InetAddress source, int sourcePort, byte[] replyKey, long now) {
        if (!holdsMacs(packet, off, len) || source == null) {
            throw new IllegalArgumentException("a handshake packet with its MACs and a source address are needed");
        }
        if (outOff < 0 || outOff > out.length - CookieReply.LENGTH) {
            throw new IllegalArgumentException("no room for a " + CookieReply.LENGTH + "-byte CookieReply");
        }
        rotate(now);
        CookieReply.writeHeader(out, outOff, receiverIndex);
        byte[] nonce = new byte[CookieReply.NONCE_LENGTH];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, outOff + CookieReply.NONCE_OFFSET, CookieReply.NONCE_LENGTH);
        byte[] cookie = cookie(secret, source, sourcePort);
        try {
            CookieCrypto.seal(replyKey, out, outOff, cookie, packet, off + len - CookieConstants.MACS_LENGTH);
        } catch (GeneralSecurityException e) {
            // AES-GCM with a fresh 32-byte key and 12-byte nonce is mandatory in every JDK.
            throw new IllegalStateException("AES-GCM refused to encrypt a cookie", e);
        } finally {
            Arrays.fill(cookie, (byte) 0);
        }
    }

    /** Zeroes both cookie secrets; a later use draws a fresh one. */
    @Override
    public synchronized void destroy() {
        Arrays.fill(secret, (byte) 0);
        Arrays.fill(previousSecret, (byte) 0);
        hasSecret = false;
        hasPreviousSecret = false;
        destroyed = true;
    }

    @Override
    public synchronized boolean isDestroyed() {
        return destroyed;
    }

    /** Creates the first secret, or replaces it once it is {@code COOKIE_REFRESH_TIME} old. */
    private void rotate(long now) {
        if (!hasSecret) {
            random.nextBytes(secret);
            secretCreatedAt = now;
            hasSecret = true;
            return;
        }
        if (now - secretCreatedAt >= CookieConstants.COOKIE_REFRESH_TIME_NANOS) {
            System.arraycopy(secret, 0, previousSecret, 0, CookieConstants.SECRET_LENGTH);
            previousCreatedAt = secretCreatedAt;
            hasPreviousSecret = true;
            random.nextBytes(secret);
            secretCreatedAt = now;
        }
    }

    private static boolean mac2Matches(byte[] r, byte[] packet, int off, int len, InetAddress source, int port,
                                       byte[] received) {
        byte[] cookie = cookie(r, source, port);
        byte[] expected = new byte[CookieConstants.MAC_LENGTH];
        Hmac.truncated(cookie, packet, off, len - CookieConstants.MAC_LENGTH, expected, 0, CookieConstants.MAC_LENGTH);
        Arrays.fill(cookie, (byte) 0);
        return MessageDigest.isEqual(expected, received);
    }

    /** cookie = HMAC-SHA256(R, source_address_bytes || source_port)[0..16). */
    private static byte[] cookie(byte[] r, InetAddress source, int port) {
        byte[] address = source.getAddress();
        byte[] input = new byte[MAX_ADDRESS_LENGTH + PORT_LENGTH];
        System.arraycopy(address, 0, input, 0, address.length);
        input[address.length] = (byte) (port >>> Byte.SIZE);
        input[address.length + 1] = (byte) port;
        byte[] full = Hmac.full(r, input, 0, address.length + PORT_LENGTH);
        byte[] cookie = Arrays.copyOf(full, CookieConstants.COOKIE_LENGTH);
        Arrays.fill(full, (byte) 0);
        return cookie;
    }

    private static boolean holdsMacs(byte[] packet, int off, int len) {
        return packet != null && len > CookieConstants.MACS_LENGTH && off >= 0 && off <= packet.length - len;
    }
}
