package io.mp2p.stream;

/** Why a run of stream-layer frames is malformed (spec/STREAMS.md §3). The packet is ignored whole. */
public enum FrameError {
    /** The range given is not inside the buffer (a caller's mistake, reported rather than thrown). */
    BAD_RANGE,
    /** A frame or one of its integers runs past the end of the plaintext. */
    TRUNCATED,
    /** The run does not start with a PACKET_NUMBER frame. */
    MISSING_PACKET_NUMBER,
    /** A PACKET_NUMBER frame whose sender epoch is 0 (epochs are never 0). */
    BAD_EPOCH,
    /** A second PACKET_NUMBER frame in one run. */
    DUPLICATE_PACKET_NUMBER,
    /** A byte where a stream-layer frame type was expected holds another type. */
    NOT_A_STREAM_FRAME,
    /** A STREAM frame with flag bits this version does not define. */
    BAD_FLAGS,
    /** A STREAM frame at offset 0 without a port, or elsewhere with one. */
    BAD_PORT_FLAG,
    /** A STREAM frame with no data, no FIN and no port: it says nothing. */
    EMPTY_STREAM_FRAME,
    /** A STREAM frame ending past 2^62 − 1. */
    OFFSET_OVERFLOW,
    /** An ACK frame whose ranges go below packet number 0. */
    BAD_ACK_RANGE,
    /** An ACK frame with more ranges than {@link StreamConstants#MAX_ACK_RANGES}. */
    TOO_MANY_ACK_RANGES,
}
