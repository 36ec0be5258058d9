package io.mp2p.engine;

import io.mp2p.DropReason;

import java.net.InetSocketAddress;
import java.util.Arrays;

import io.mp2p.cookie.CookieResult;
import io.mp2p.cookie.ResponseAuth;
import io.mp2p.identity.PeerKey;
import io.mp2p.noise.CipherStatePair;
import io.mp2p.noise.NoiseException;
import io.mp2p.wire.CookieReply;
import io.mp2p.wire.HandshakeInitiation;
import io.mp2p.wire.HandshakeResponse;
import io.mp2p.wire.Parsed;
import io.mp2p.wire.Tai64n;

/**
 * The handshake as a state machine (spec §6.2–§6.4): the initiator's attempts, retries and the
 * response that completes them; the responder's checks of an initiation, its answer and the
 * tie-break of simultaneous initiations; cookie replies. The cryptography is in {@link Handshakes};
 * what a packet passes before any of this, in {@link DosGate}.
 */
final class HandshakeFlow {
    private final EngineConfig config;
    private final PeerKey self;
    private final Handshakes handshakes;
    private final DosGate gate;
    private final PeerTable table;
    private final IndexTable indices;
    private final SessionSlots slots;
    private final Transport transport;
    private final TimerQueue timers;
    private final Counters counters;
    private final EngineOutput out;

    HandshakeFlow(EngineConfig config, Handshakes handshakes, DosGate gate, PeerTable table, IndexTable indices,
                  SessionSlots slots, Transport transport, TimerQueue timers, Counters counters, EngineOutput out) {
        this.config = config;
        this.self = config.identity().publicKey();
        this.handshakes = handshakes;
        this.gate = gate;
        this.table = table;
        this.indices = indices;
        this.slots = slots;
        this.transport = transport;
        this.timers = timers;
        this.counters = counters;
        this.out = out;
    }

    // ------------------------------------------------------------------ responder

    /** A HandshakeInitiation: checked in the order of spec §6.2 step 2, answered if it passes. */
    void onInitiation(byte[] buf, int off, int len, InetSocketAddress from, long now) {
        HandshakeInitiation header = gate.admitInitiation(buf, off, len, from, now);
        if (header == null) {
            return;
        }
        Handshakes.InitiationResult result = handshakes.readInitiation(buf, off, header);
        if (result.reason() != null) {
            counters.drop(result.reason());
            return;
        }
        Handshakes.Initiation init = result.initiation();
        DropReason refused = refusal(init, now);
        if (refused != null) {
            init.destroy();
            counters.drop(refused);
            return;
        }
        Peer p = table.get(init.identity());
        int localIndex = indices.allocate();
        byte[] packet = new byte[HandshakeResponse.LENGTH];
        CipherStatePair keys;
        try {
            keys = handshakes.writeResponse(packet, init, localIndex);
        } catch (NoiseException e) {
            counters.drop(DropReason.HANDSHAKE_FAILED);
            return;
        }
        // Only a handshake we answer moves the replay bar and the peer's address.
        p.greatestTimestampAccepted = init.timestamp();
        InetSocketAddress replyTo = init.replyAddress() != null ? init.replyAddress() : from;
        p.endpoint = replyTo;
        PeerPaths.report(p, out);
        p.addResponseMacs(packet, now);
        if (p.pending != null && yieldsTo(p.key)) {
            // Spec §6.4, simultaneous initiation: the side with the lower key gives up its own
            // initiation, so that both end on the one session the higher key initiated.
            slots.dropPending(p);
            if (p.race != null) {
                p.race.stop();
            }
            p.retryAt = Peer.NONE;
            p.attempts = 0;
            // Should the winner's handshake not complete after all, ours starts again (§6.5, unconfirmed).
            p.unconfirmedAt = now + Constants.REKEY_TIMEOUT;
        }
        Session s = slots.open(p, localIndex, init.senderIndex(), false, init.suite(), keys, now);
        slots.answered(p, s);
        counters.handshakesCompleted++;
        out.emit(replyTo, packet);
        timers.schedule(p);
    }

    /**
     * Why an authenticated initiation is refused (spec §6.2 step 2, checks 9–12), or null if it is
     * answered; a newcomer that passes is admitted to the peer table on the way.
     */
    private DropReason refusal(Handshakes.Initiation init, long now) {
        if (!config.trust().test(init.identity())) {
            out.event(new EngineEvent.PeerRefused(init.identity()));
            return DropReason.REFUSED_BY_POLICY;
        }
        if (Tai64n.compare(init.timestamp(), latestAcceptableTimestamp()) > 0) {
            return DropReason.FUTURE_TIMESTAMP;
        }
        Peer p = table.admit(init.identity(), now, this::evict);
        if (p == null) {
            return DropReason.TOO_MANY_PEERS;
        }
        if (p.greatestTimestampAccepted != null && Tai64n.compare(init.timestamp(), p.greatestTimestampAccepted) <= 0) {
            return DropReason.STALE_TIMESTAMP;
        }
        return null;
    }

    /** A peer that gave way in the peer table (§8): everything it holds is wiped. */
    private void evict(Peer p) {
        slots.close(p, CloseReason.EVICTED);
    }

    /** Whether our key sorts below {@code peer}'s (unsigned, byte by byte): the tie-break of spec §6.4. */
    private boolean yieldsTo(PeerKey peer) {
        return Arrays.compareUnsigned(self.encoded(), peer.encoded()) < 0;
    }

    /** The greatest initiation timestamp a responder accepts now: its wall clock + MAX_TIMESTAMP_AHEAD (§6.3). */
    private byte[] latestAcceptableTimestamp() {
        return Tai64n.exactFromUnixNanos(config.wallClock().unixNanos() + Constants.MAX_TIMESTAMP_AHEAD);
    }

    // ------------------------------------------------------------------ initiator

    /** A HandshakeResponse: checked in the order of spec §6.2 step 3; completes the handshake if it passes. */
    void onResponse(byte[] buf, int off, int len, InetSocketAddress from, long now) {
        HandshakeResponse header = gate.admitResponse(buf, off, len);
        if (header == null) {
            return;
        }
        Object owner = indices.get(header.receiverIndex());
        if (!(owner instanceof PendingHandshake pending)) {
            counters.drop(owner == null ? DropReason.UNKNOWN_INDEX : DropReason.UNEXPECTED);
            return;
        }
        if (!ResponseAuth.verify(pending.responseKey, buf, off)) {
            // Spec §4.3: anyone who saw the initiation can compute mac1, but not response_auth; a
            // forged response costs one HMAC, no DH, and leaves the handshake as it was.
            counters.drop(DropReason.BAD_RESPONSE_AUTH);
            return;
        }
        gate.countDhWork(now);
        Handshakes.Response response = handshakes.readResponse(buf, off, pending);
        if (response == null) {
            // Tried on a copy: a response that fails leaves the handshake intact (spec §6.2 step 3).
            counters.drop(DropReason.HANDSHAKE_FAILED);
            return;
        }
        complete(pending, response, from, now);
    }

    private void complete(PendingHandshake pending, Handshakes.Response response, InetSocketAddress from, long now) {
        Peer p = pending.peer;
        if (p.race != null && p.race.running()) {
            p.endpoint = p.race.finish(from);
        }
        PeerPaths.report(p, out);
        slots.dropPending(p);
        p.retryAt = Peer.NONE;
        p.unconfirmedAt = Peer.NONE;
        p.lastTimestampAnswered = pending.timestamp;
        Session s = slots.open(p, pending.localIndex, response.remoteIndex(), true, pending.suite, response.keys(), now);
        slots.completed(p, s);
        counters.handshakesCompleted++;
        p.attempts = 0;
        slots.announce(p, s);
        if (!transport.flushQueue(p, s, now)) {
            // Confirms the session to the responder (spec §6.2 step 3).
            transport.sendKeepalive(p, s);
        }
        timers.schedule(p);
    }

    /** A CookieReply (spec §4.5): its cookie keys mac2 of our next initiation to that peer. */
    void onCookieReply(byte[] buf, int off, int len, long now) {
        Parsed<CookieReply> parsed = CookieReply.parse(buf, off, len);
        if (!parsed.isOk()) {
            counters.drop(WireDrops.of(parsed.error()));
            return;
        }
        Object owner = indices.get(parsed.value().receiverIndex());
        if (!(owner instanceof PendingHandshake pending)) {
            counters.drop(owner == null ? DropReason.UNKNOWN_INDEX : DropReason.UNEXPECTED);
            return;
        }
        CookieResult r = pending.peer.cookies().consumeReply(buf, off, len, now);
        if (r != CookieResult.ACCEPTED) {
            counters.drop(r == CookieResult.NO_PENDING_MAC ? DropReason.UNEXPECTED
                    : DropReason.BAD_COOKIE_REPLY);
        }
    }

    /** Starts a handshake with {@code p}: its first attempt (spec §6.2 step 1). */
    void start(Peer p, long now) {
        p.handshakeStarted = now;
        p.attempts = 0;
        sendInitiation(p, now);
    }

    /** The retry timer fired: a new attempt, or giving up after REKEY_ATTEMPT_TIME (spec §6.5, retry). */
    void retry(Peer p, long now) {
        long elapsed = now - p.handshakeStarted;
        if (elapsed >= Constants.REKEY_ATTEMPT_TIME) {
            giveUp(p, elapsed);
        } else {
            sendInitiation(p, now);
            out.event(new EngineEvent.HandshakeRetrying(p.key, p.attempts, elapsed));
        }
    }

    private void giveUp(Peer p, long elapsed) {
        int attempts = p.attempts;
        if (p.race != null) {
            p.race.stop();
        }
        slots.dropPending(p);
        int dropped = slots.dropQueue(p);
        counters.handshakesFailed++;
        p.attempts = 0;
        out.event(new EngineEvent.HandshakeFailed(p.key, attempts, elapsed, dropped));
    }

    private void sendInitiation(Peer p, long now) {
        slots.dropPending(p);
        byte[] timestamp = nextTimestamp(p);
        int localIndex = indices.allocate();
        byte[] packet = new byte[HandshakeInitiation.LENGTH];
        Handshakes.Written written;
        try {
            // A raced initiation also goes by unicast, where a group reply would not come back: its
            // responder answers the source of the copy it got (reply family 0, spec §6.10).
            written = handshakes.writeInitiation(packet, config.suite(), localIndex, p.key.x25519PublicKey(), timestamp,
                    p.race != null ? null : config.replyAddress());
        } catch (NoiseException e) {
            throw new IllegalStateException("could not write a handshake initiation", e);
        }
        p.cookies().addInitiationMacs(packet, 0, packet.length, written.replyKey(), now);
        Arrays.fill(written.replyKey(), (byte) 0);
        p.pending = new PendingHandshake(p, localIndex, config.suite(), written.state(), timestamp,
                written.responseKey());
        indices.put(localIndex, p.pending);
        p.attempts++;
        p.retryAt = now + Constants.REKEY_TIMEOUT + jitter();
        counters.handshakesInitiated++;
        if (p.race != null && !p.hasSession()) {
            InetSocketAddress group = p.race.group() != null ? p.race.group()
                    : config.peerLocator().locate(p.key, p.attempts);
            p.race.start(group, packet, now, out);
            return;
        }
        if (p.endpoint == null || (!p.endpointFixed && !p.hasSession())) {
            // With no session to vouch for an address, each attempt asks again: derived groups rotate.
            p.endpoint = config.peerLocator().locate(p.key, p.attempts);
        }
        out.emit(p.endpoint, packet);
    }

    /** The timestamp of our next initiation to {@code p} (spec §6.3). */
    private byte[] nextTimestamp(Peer p) {
        byte[] timestamp = Tai64n.fromUnixNanos(config.wallClock().unixNanos());
        byte[] floor = p.lastTimestampSent;
        if (floor != null && floor != p.lastTimestampAnswered
                && Tai64n.compare(floor, latestAcceptableTimestamp()) > 0) {
            // Sent while our clock ran far ahead and never answered; a responder whose clock agrees
            // with ours now refused it, so only the last answered one must be exceeded.
            floor = p.lastTimestampAnswered;
        }
        if (floor != null && Tai64n.compare(timestamp, floor) <= 0) {
            // Strictly increasing even if the wall clock went back.
            timestamp = Tai64n.plusOneNano(floor);
        }
        p.lastTimestampSent = timestamp;
        return timestamp;
    }

    private long jitter() {
        // 64 random bits reduced modulo ~3.3e8: the bias is below 1e-10, uniform for any purpose here.
        byte[] r = new byte[Long.BYTES];
        config.random().nextBytes(r);
        long v = 0;
        for (byte b : r) {
            v = (v << Byte.SIZE) | (b & 0xffL);
        }
        return Long.remainderUnsigned(v, Constants.REKEY_TIMEOUT_JITTER_MAX + 1);
    }
}
