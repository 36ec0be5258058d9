package io.mp2p.engine;

import io.mp2p.DropReason;

import java.net.InetSocketAddress;
import java.util.Arrays;

import io.mp2p.cookie.CookieChecker;
import io.mp2p.cookie.LoadDetector;
import io.mp2p.identity.PeerKey;
import io.mp2p.ratelimit.RateLimiter;
import io.mp2p.ratelimit.TokenBucket;
import io.mp2p.wire.CookieReply;
import io.mp2p.wire.HandshakeInitiation;
import io.mp2p.wire.HandshakeResponse;
import io.mp2p.wire.Parsed;

/**
 * Everything a handshake packet passes before it may cost a Diffie-Hellman operation (spec §4.4,
 * §7): the header, mac1, and for an initiation under load the cookie (mac2) and the per-source rate
 * limit. A packet that fails is dropped and counted here; the caller gets null. It also keeps the
 * load detector, which counts only the packets that go on to cost DH ({@link #countDhWork}).
 */
final class DosGate {
    private final CookieChecker cookieChecker;
    private final LoadDetector load;
    private final RateLimiter rateLimiter;
    private final TokenBucket cookieReplies = new TokenBucket(Constants.COOKIE_REPLY_RATE, Constants.COOKIE_REPLY_BURST);
    private final Handshakes handshakes;
    private final Counters counters;
    private final EngineOutput out;

    DosGate(PeerKey self, EngineConfig config, Handshakes handshakes, Counters counters, EngineOutput out) {
        this.handshakes = handshakes;
        this.cookieChecker = new CookieChecker(self, config.random());
        this.load = new LoadDetector(config.handshakeLoadThreshold());
        this.rateLimiter = new RateLimiter(Constants.RATE_LIMIT_PER_SECOND, Constants.RATE_LIMIT_BURST,
                Constants.RATE_LIMIT_TABLE_SIZE);
        this.counters = counters;
        this.out = out;
    }

    /**
     * The initiation's header if it may go on to Noise (spec §6.2 step 2, checks 1–4), else null:
     * dropped, and under load without a valid cookie answered with a CookieReply.
     */
    HandshakeInitiation admitInitiation(byte[] buf, int off, int len, InetSocketAddress from, long now) {
        HandshakeInitiation header = checkHeaderAndMac1(HandshakeInitiation.parse(buf, off, len), buf, off, len);
        if (header == null) {
            return null;
        }
        if (header.senderIndex() == 0) {
            // Spec §6.1: index 0 is never used, so transport packets can never be addressed to it.
            counters.drop(DropReason.MALFORMED);
            return null;
        }
        if (load.isUnderLoad(now)) {
            if (!cookieChecker.checkMac2(buf, off, len, from.getAddress(), from.getPort(), now)) {
                counters.drop(answerWithCookie(buf, off, len, header, from, now));
                return null;
            }
            if (!rateLimiter.allow(from.getAddress(), now)) {
                counters.drop(DropReason.RATE_LIMITED);
                return null;
            }
        }
        countDhWork(now);
        return header;
    }

    /**
     * Sends a CookieReply to an initiation under load if the budget allows (spec §4.5, §7): one DH
     * for its key, counted as load. Returns the reason the initiation is dropped.
     */
    private DropReason answerWithCookie(byte[] buf, int off, int len, HandshakeInitiation header,
                                        InetSocketAddress from, long now) {
        if (!cookieReplies.take(now)) {
            return DropReason.COOKIE_REQUIRED;
        }
        countDhWork(now);
        byte[] replyKey = handshakes.cookieReplyKey(buf, off);
        if (replyKey == null) {
            return DropReason.HANDSHAKE_FAILED;
        }
        byte[] reply = new byte[CookieReply.LENGTH];
        try {
            cookieChecker.createReply(reply, 0, header.senderIndex(), buf, off, len, from.getAddress(),
                    from.getPort(), replyKey, now);
        } finally {
            Arrays.fill(replyKey, (byte) 0);
        }
        out.emit(from, reply);
        counters.cookieRepliesSent++;
        return DropReason.COOKIE_REQUIRED;
    }

    /** The response's header if its header and mac1 are sound (spec §6.2 step 3), else null, dropped. */
    HandshakeResponse admitResponse(byte[] buf, int off, int len) {
        return checkHeaderAndMac1(HandshakeResponse.parse(buf, off, len), buf, off, len);
    }

    /** A handshake packet is about to cost DH work: it counts toward the load (spec §7). */
    void countDhWork(long now) {
        load.recordHandshake(now);
    }

    /**
     * The parsed handshake packet if its header is sound and its mac1 is ours (spec §4.4: the only
     * work before that is one HMAC), else null with the drop counted.
     */
    private <T> T checkHeaderAndMac1(Parsed<T> parsed, byte[] buf, int off, int len) {
        if (!parsed.isOk()) {
            counters.drop(WireDrops.of(parsed.error()));
            return null;
        }
        if (!cookieChecker.checkMac1(buf, off, len)) {
            counters.drop(DropReason.BAD_MAC1);
            return null;
        }
        return parsed.value();
    }

    /** Zeroes the cookie secrets. */
    void destroy() {
        cookieChecker.destroy();
    }
}
