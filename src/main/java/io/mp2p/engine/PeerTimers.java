package io.mp2p.engine;

/**
 * What each of a peer's timers does when it comes due (spec §6.5): retry, keepalive, new
 * handshake, unconfirmed and expiry. When they are due is the {@link TimerQueue}'s business.
 */
final class PeerTimers {
    private final HandshakeFlow flow;
    private final Transport transport;
    private final SessionSlots slots;
    private final StreamMux streams;

    private final EngineOutput out;

    PeerTimers(HandshakeFlow flow, Transport transport, SessionSlots slots, StreamMux streams, EngineOutput out) {
        this.out = out;
        this.flow = flow;
        this.transport = transport;
        this.slots = slots;
        this.streams = streams;
    }

    /** Runs every timer of {@code p} that is due at {@code now}. */
    void fire(Peer p, long now) {
        if (p.race != null) {
            p.race.step(now, out);
        }
        if (Peer.due(p.retryAt, now)) {
            p.retryAt = Peer.NONE;
            flow.retry(p, now);
        }
        if (Peer.due(p.keepaliveAt, now)) {
            p.keepaliveAt = Peer.NONE;
            if (p.current != null && p.current.canSend(now)) {
                transport.sendKeepalive(p, p.current);
            }
        }
        if (Peer.due(p.newHandshakeAt, now)) {
            // We sent data and heard nothing for KEEPALIVE_TIMEOUT + REKEY_TIMEOUT: the peer went silent.
            p.newHandshakeAt = Peer.NONE;
            if (p.pending == null) {
                flow.start(p, now);
            }
        }
        if (Peer.due(p.unconfirmedAt, now)) {
            p.unconfirmedAt = Peer.NONE;
            if (p.pending == null && (p.current == null || !p.current.canSend(now))) {
                flow.start(p, now);
            }
        }
        streams.onTimer(p, now);
        slots.expire(p, now);
    }
}
