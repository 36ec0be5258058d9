package io.mp2p.stream;

/** What {@link StreamConnection#handlePacket} did with a run of stream-layer frames. */
public enum ReceiveOutcome {
    /** Processed; it will be acknowledged. */
    PROCESSED,
    /**
     * Processed except for stream data that could not be stored (a stream had too many gaps); the
     * packet is not acknowledged, so the peer sends that data again.
     */
    NOT_ACKNOWLEDGED,
    /** A packet number already received: ignored. */
    DUPLICATE,
    /** The frames are malformed ({@link StreamConnection#lastFrameError()} says how): ignored. */
    MALFORMED,
    /** Addressed to an earlier stream layer of ours (its receiver epoch is not ours): ignored. */
    STALE_EPOCH,
    /**
     * The peer's stream layer started again: this connection is now closed
     * ({@link ConnectionError#PEER_RESTARTED}). Create a new connection and give it the same packet.
     */
    PEER_RESTARTED,
    /** The peer broke the protocol: the connection is now closed with the reason in its event. */
    PROTOCOL_VIOLATION,
    /** The connection was already closed: ignored. */
    CLOSED,
}
