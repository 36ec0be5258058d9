package io.mp2p.engine;

/** Why a peer's sessions ended. */
public enum CloseReason {
    /** The sessions aged past REJECT_AFTER_TIME with no new handshake (spec §6.5). */
    EXPIRED,
    /** The peer sent a CLOSE frame. */
    PEER_CLOSED,
    /** This side called {@link Endpoint#close}. */
    LOCAL_CLOSE,
    /** The peer table was full and this peer gave way to a newcomer (spec §8). */
    EVICTED
}
