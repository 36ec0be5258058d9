package io.mp2p.engine;

import io.mp2p.stream.StreamEvent;

import io.mp2p.CipherSuite;

import io.mp2p.identity.PeerKey;

/**
 * What the engine tells its caller, in order, through {@link Endpoint#pollEvent()}.
 */
public sealed interface EngineEvent {
    /** The peer this event is about. */
    PeerKey peer();

    /**
     * A session with {@code peer} can carry data. {@code renewal} is false the first time (or after
     * the peer's sessions had closed) and true for a rekey of a live peer.
     */
    record SessionEstablished(PeerKey peer, CipherSuite suite, boolean initiator, boolean renewal)
            implements EngineEvent {
    }

    /** An application message from {@code peer}, delivered exactly once. */
    record MessageReceived(PeerKey peer, byte[] message) implements EngineEvent {
    }

    /** An initiation went unanswered and is being retried: attempt {@code attempt} (2, 3, ...). */
    record HandshakeRetrying(PeerKey peer, int attempt, long elapsedNanos) implements EngineEvent {
    }

    /**
     * No answer within REKEY_ATTEMPT_TIME after {@code attempts} initiations; {@code droppedMessages}
     * queued messages were discarded.
     */
    record HandshakeFailed(PeerKey peer, int attempts, long elapsedNanos, int droppedMessages)
            implements EngineEvent {
    }

    /** A peer's valid initiation was refused by the trust policy. */
    record PeerRefused(PeerKey peer) implements EngineEvent {
    }

    /**
     * Something happened to a stream with {@code peer} (opened by the peer, readable, writable, reset,
     * closed) or to the peer's stream connection as a whole (spec/STREAMS.md §11).
     */
    record Stream(PeerKey peer, StreamEvent event) implements EngineEvent {
    }

    /**
     * Where packets to {@code peer} go changed (spec §6.10): the path a handshake completed on or
     * was answered on, or a unicast session that followed its peer to a new source address.
     */
    record PathChanged(PeerKey peer, io.mp2p.SessionPath path) implements EngineEvent {
    }

    /** The last session with {@code peer} ended. */
    record SessionClosed(PeerKey peer, CloseReason reason) implements EngineEvent {
    }
}
