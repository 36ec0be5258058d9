package io.mp2p.engine;

import io.mp2p.CipherSuite;

import java.util.Arrays;

import io.mp2p.crypto.SharedCiphers;
import io.mp2p.fragment.Reassembler;
import io.mp2p.noise.CipherStatePair;

/**
 * A peer's session slots and how they rotate (spec §6.4): previous, current and next, the pending
 * handshake, and what ending them wipes (§6.5 closing, §6.9). Every session made or wiped passes
 * here, so the index table, the reassembly pool and the live-session count stay in step.
 */
final class SessionSlots {
    private final IndexTable indices;
    private final Reassembler<Session> reassembler;
    private final Counters counters;
    private final EngineOutput out;
    /** The Cipher objects every session of this engine borrows (the engine is single-threaded). */
    private final SharedCiphers ciphers = new SharedCiphers();
    private int live;
    /** Told when a peer's sessions are closed (not when they expire): its streams end with them. */
    private java.util.function.Consumer<Peer> onClose = p -> { };

    SessionSlots(IndexTable indices, Reassembler<Session> reassembler, Counters counters, EngineOutput out) {
        this.indices = indices;
        this.reassembler = reassembler;
        this.counters = counters;
        this.out = out;
    }

    void onClose(java.util.function.Consumer<Peer> hook) {
        this.onClose = hook;
    }

    /** A new session of {@code p} under {@code localIndex}, not yet in a slot. */
    Session open(Peer p, int localIndex, int remoteIndex, boolean initiator, CipherSuite suite, CipherStatePair keys,
                 long now) {
        Session s = new Session(p, localIndex, remoteIndex, initiator, suite, keys, now, ciphers);
        indices.put(localIndex, s);
        live++;
        return s;
    }

    /** Responder answered a handshake: the old next is wiped and {@code s} is next; previous is wiped. */
    void answered(Peer p, Session s) {
        wipe(p.next);
        p.next = s;
        wipe(p.previous);
        p.previous = null;
    }

    /**
     * Initiator completed a handshake (WireGuard's rotation): the old previous is wiped; an
     * unconfirmed next becomes previous and the old current goes, else current becomes previous.
     */
    void completed(Peer p, Session s) {
        wipe(p.previous);
        if (p.next != null) {
            p.previous = p.next;
            p.next = null;
            wipe(p.current);
        } else {
            p.previous = p.current;
        }
        p.current = s;
    }

    /** Responder received on next (spec §6.2 step 4): previous is wiped, current becomes previous, next current. */
    void confirmed(Peer p, Session s) {
        wipe(p.previous);
        p.previous = p.current;
        p.current = s;
        p.next = null;
        p.unconfirmedAt = Peer.NONE;
    }

    /** Wipes each session at REJECT_AFTER_TIME; reports SessionClosed(EXPIRED) when the last one goes. */
    void expire(Peer p, long now) {
        boolean had = p.hasSession();
        p.previous = expired(p.previous, now);
        p.current = expired(p.current, now);
        p.next = expired(p.next, now);
        if (had && !p.hasSession() && p.announced) {
            p.announced = false;
            out.event(new EngineEvent.SessionClosed(p.key, CloseReason.EXPIRED));
        }
    }

    private Session expired(Session s, long now) {
        if (s != null && !s.canReceive(now)) {
            wipe(s);
            return null;
        }
        return s;
    }

    /** A session became current: SessionEstablished, a renewal if the peer was announced already. */
    void announce(Peer p, Session s) {
        out.event(new EngineEvent.SessionEstablished(p.key, s.suite, s.initiator, p.announced));
        p.announced = true;
    }

    /** Ends every session and handshake of {@code p} and drops its queue (spec §6.5, closing). */
    void close(Peer p, CloseReason reason) {
        wipeAll(p);
        dropQueue(p);
        onClose.accept(p);
        if (p.announced) {
            p.announced = false;
            out.event(new EngineEvent.SessionClosed(p.key, reason));
        }
    }

    /** The pending handshake of {@code p}, if any, wiped and its index released. */
    void dropPending(Peer p) {
        if (p.pending != null) {
            indices.remove(p.pending.localIndex, p.pending);
            p.pending.destroy();
            p.pending = null;
            p.forgetInitiationCookieState();
        }
    }

    /** Drops the messages waiting for a session, zeroing our copies of them (spec §6.9); returns how many. */
    int dropQueue(Peer p) {
        int dropped = p.queued();
        for (byte[] m; (m = p.dequeue()) != null; ) {
            Arrays.fill(m, (byte) 0);
        }
        counters.messagesDroppedUnsent += dropped;
        return dropped;
    }

    /** Every session and the handshake of {@code p} wiped, every timer stopped. */
    void wipeAll(Peer p) {
        wipe(p.previous);
        wipe(p.current);
        wipe(p.next);
        p.previous = null;
        p.current = null;
        p.next = null;
        dropPending(p);
        p.retryAt = Peer.NONE;
        p.keepaliveAt = Peer.NONE;
        p.newHandshakeAt = Peer.NONE;
        p.unconfirmedAt = Peer.NONE;
    }

    /** Overwrites the session's keys, releases its index and drops its partial messages. */
    void wipe(Session s) {
        if (s != null && !s.isWiped()) {
            s.wipe();
            indices.remove(s.localIndex, s);
            reassembler.removeKey(s);
            live--;
        }
    }

    /** Sessions made and not yet wiped. */
    int live() {
        return live;
    }
}
