package io.mp2p;

/**
 * Why the engine dropped an incoming datagram (spec/PROTOCOL.md §6). Every dropped datagram is
 * counted under exactly one reason, so the counters account for all input.
 */
public enum DropReason {
    /** Wrong length, bad header, unknown suite, reserved bits set. */
    MALFORMED,
    /** A packet type this version does not know. */
    UNKNOWN_TYPE,
    /** A protocol version other than 1. */
    UNSUPPORTED_VERSION,
    /** mac1 does not match our key: garbage, or a packet for another node sharing the group. */
    BAD_MAC1,
    /** A response whose response_auth is wrong: forged by someone who saw the initiation, or corrupted. */
    BAD_RESPONSE_AUTH,
    /** Under load and no valid cookie: answered with a CookieReply. */
    COOKIE_REQUIRED,
    /** Under load and over the per-source rate. */
    RATE_LIMITED,
    /** Noise refused the handshake message. */
    HANDSHAKE_FAILED,
    /** The initiation payload is malformed (bad identity, reply address not an mp2p group). */
    BAD_PAYLOAD,
    /** The identity in the payload does not map to the static key Noise authenticated. */
    IDENTITY_MISMATCH,
    /** The trust policy refused the peer. */
    REFUSED_BY_POLICY,
    /** A new initiator while the peer table is full of peers that still hold state. */
    TOO_MANY_PEERS,
    /**
     * An initiation whose timestamp is more than MAX_TIMESTAMP_AHEAD ahead of our wall clock: a
     * peer's clock far ahead (accepting it would lock that peer out until its clock caught up).
     */
    FUTURE_TIMESTAMP,
    /** An initiation whose timestamp is not newer than the last one accepted: a replay. */
    STALE_TIMESTAMP,
    /** The receiver index names nothing we hold. */
    UNKNOWN_INDEX,
    /** A response or cookie reply for a handshake that is not expecting one. */
    UNEXPECTED,
    /** The session is too old or its counter is past the limit. */
    SESSION_EXPIRED,
    /** The AEAD refused the packet: forged, corrupted, or not ours. */
    DECRYPT_FAILED,
    /** A counter already received, or older than the replay window. */
    REPLAYED,
    /** Authenticated, but the frames inside are malformed. */
    BAD_FRAME,
    /** A cookie reply that did not decrypt. */
    BAD_COOKIE_REPLY,
    /** A bug of ours met this packet; it is counted and logged, never thrown at the caller. */
    INTERNAL_ERROR
}
