package io.mp2p.cookie;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.security.auth.Destroyable;

import io.mp2p.identity.PeerKey;
import io.mp2p.wire.CookieReply;

/**
 * The initiator's side of spec §4.4–§4.5, one per remote peer: writes mac1 and mac2 into outgoing
 * handshake packets and takes the cookie the remote answers an initiation with when it is under
 * load. It remembers, for the last initiation it wrote MACs for, that initiation's mac1 and
 * reply_key ({@link CookieReplyKey}): a CookieReply must decrypt under both, so one forged by
 * someone who saw the initiation fails and changes nothing. Thread-safe.
 *
 * <pre>{@code
 * CookieGenerator macs = new CookieGenerator(remote);
 * macs.addInitiationMacs(initiation, 0, HandshakeInitiation.LENGTH, replyKey, now);   // mac1, mac2
 * // a CookieReply arrives for this initiation:
 * if (macs.consumeReply(reply, 0, reply.length, now) == CookieResult.ACCEPTED) { the next retry's mac2 passes }
 * }</pre>
 */
public final class CookieGenerator implements Destroyable {
    /*
     * Keys are derived when needed and arrays allocated at first use, so that the generator of a
     * peer that only ever gets one response from us (a half-open peer, spec §8) stays small.
     */
    private final PeerKey remote;
    private byte[] lastMac1;
    private byte[] replyKey;
    private boolean awaitingReply;
    private byte[] cookie;
    private boolean hasCookie;
    private long cookieReceivedAt;
    private boolean destroyed;

    /** A generator for packets addressed to {@code remote}. */
    public CookieGenerator(PeerKey remote) {
        this.remote = remote;
    }

    /**
     * Writes mac1 and mac2 of an initiation (see {@link #addMacs}) and remembers its mac1 and
     * {@code replyKey} (copied), which a CookieReply to it must decrypt under.
     *
     * @throws IllegalArgumentException if {@code len} cannot hold the two MACs
     */
    public synchronized void addInitiationMacs(byte[] packet, int off, int len, byte[] replyKey, long now) {
        addMacs(packet, off, len, now);
        if (lastMac1 == null) {
            lastMac1 = new byte[CookieConstants.MAC_LENGTH];
        }
        if (this.replyKey == null) {
            this.replyKey = new byte[replyKey.length];
        }
        System.arraycopy(packet, off + len - CookieConstants.MACS_LENGTH, lastMac1, 0, CookieConstants.MAC_LENGTH);
        System.arraycopy(replyKey, 0, this.replyKey, 0, replyKey.length);
        awaitingReply = true;
    }

    /**
     * Writes mac1 over {@code packet[off, off+len-32)} at {@code off+len-32}, and mac2 at
     * {@code off+len-16}: keyed by a cookie received less than {@link CookieConstants#COOKIE_USABLE_NANOS}
     * ago, else 16 zero bytes. Remembers nothing: for packets no CookieReply answers (responses).
     *
     * @throws IllegalArgumentException if {@code len} cannot hold the two MACs
     */
    public synchronized void addMacs(byte[] packet, int off, int len, long now) {
        if (len < CookieConstants.MACS_LENGTH) {
            throw new IllegalArgumentException("a handshake packet is longer than its two MACs, got " + len + " bytes");
        }
        int mac1Off = off + len - CookieConstants.MACS_LENGTH;
        int mac2Off = mac1Off + CookieConstants.MAC_LENGTH;
        Mac1.compute(Mac1.key(remote), packet, off, mac1Off - off, packet, mac1Off);
        if (hasCookie && now - cookieReceivedAt < CookieConstants.COOKIE_USABLE_NANOS) {
            Hmac.truncated(cookie, packet, off, mac2Off - off, packet, mac2Off, CookieConstants.MAC_LENGTH);
        } else {
            Arrays.fill(packet, mac2Off, mac2Off + CookieConstants.MAC_LENGTH, (byte) 0);
        }
    }

    /**
     * Writes mac1 keyed by {@code remote} and a zero mac2, as {@link #addMacs} does without a
     * cookie: for a response to a peer we hold no generator for.
     */
    public static void addMacsWithoutCookie(PeerKey remote, byte[] packet, int off, int len) {
        if (len < CookieConstants.MACS_LENGTH) {
            throw new IllegalArgumentException("a handshake packet is longer than its two MACs, got " + len + " bytes");
        }
        int mac1Off = off + len - CookieConstants.MACS_LENGTH;
        Mac1.compute(Mac1.key(remote), packet, off, mac1Off - off, packet, mac1Off);
        Arrays.fill(packet, mac1Off + CookieConstants.MAC_LENGTH, off + len, (byte) 0);
    }

    /**
     * Takes the cookie of a CookieReply ({@code buf[off..off+len)}) answering the last initiation
     * {@link #addInitiationMacs} wrote. Each initiation is answered at most once, so a replayed reply
     * cannot reset the cookie's age; a reply that does not decrypt changes nothing. Never throws on
     * bad input.
     */
    public synchronized CookieResult consumeReply(byte[] buf, int off, int len, long now) {
        if (!awaitingReply) {
            return CookieResult.NO_PENDING_MAC;
        }
        if (!CookieReply.parse(buf, off, len).isOk()) {
            return CookieResult.DECRYPT_FAILED;
        }
        byte[] plain = new byte[CookieConstants.COOKIE_LENGTH];
        try {
            CookieCrypto.open(replyKey, buf, off, lastMac1, plain);
        } catch (GeneralSecurityException e) {
            Arrays.fill(plain, (byte) 0);
            return CookieResult.DECRYPT_FAILED;
        }
        if (cookie == null) {
            cookie = new byte[CookieConstants.COOKIE_LENGTH];
        }
        System.arraycopy(plain, 0, cookie, 0, CookieConstants.COOKIE_LENGTH);
        Arrays.fill(plain, (byte) 0);
        hasCookie = true;
        cookieReceivedAt = now;
        forgetInitiation();
        return CookieResult.ACCEPTED;
    }

    /** The last initiation is no longer waited on: its reply key is zeroed and no reply is taken for it. */
    public synchronized void forgetInitiation() {
        awaitingReply = false;
        if (replyKey != null) {
            Arrays.fill(replyKey, (byte) 0);
        }
    }

    /** Zeroes the cookie and the reply key; later packets carry a zero mac2 until a new reply is accepted. */
    @Override
    public synchronized void destroy() {
        if (cookie != null) {
            Arrays.fill(cookie, (byte) 0);
        }
        forgetInitiation();
        hasCookie = false;
        destroyed = true;
    }

    @Override
    public synchronized boolean isDestroyed() {
        return destroyed;
    }
}
