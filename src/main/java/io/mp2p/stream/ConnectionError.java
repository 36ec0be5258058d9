package io.mp2p.stream;

/** Why a {@link StreamConnection} ended (names after RFC 9000 §20.1 where one applies). */
public enum ConnectionError {
    /** Nothing arrived from the peer for the idle timeout while streams were open (RFC 9000 §10.1). */
    IDLE_TIMEOUT,
    /** The peer's stream layer started again (a new epoch, spec/STREAMS.md §4): every stream is lost. */
    PEER_RESTARTED,
    /** The peer sent more than the credit it was given (RFC 9000 §4.1, FLOW_CONTROL_ERROR). */
    FLOW_CONTROL_ERROR,
    /** The peer opened a stream past its MAX_STREAMS limit (STREAM_LIMIT_ERROR). */
    STREAM_LIMIT_ERROR,
    /** A frame for a stream in a state that does not allow it, or an ACK of a packet never sent (STREAM_STATE_ERROR / PROTOCOL_VIOLATION). */
    STREAM_STATE_ERROR,
    /** A final size that changed or is below data received (FINAL_SIZE_ERROR). */
    FINAL_SIZE_ERROR,
    /** Closed by the application or because the peer's session ended. */
    ABORTED,
}
