package io.mp2p.wire;

/**
 * Why a packet or a plaintext was refused by a parser. Parsers in this package return one of these
 * (inside a {@link Parsed}) instead of throwing, so a receive loop can count drops by reason.
 *
 * <pre>{@code
 * Parsed<PacketType> p = PacketType.peek(buf, 0, len);
 * if (!p.isOk()) stats.drop(p.error());
 * }</pre>
 */
public enum WireError {
    /** Fewer bytes than the smallest valid form. */
    TOO_SHORT,
    /** Not the exact length this packet type has (or the range lies outside the buffer). */
    BAD_LENGTH,
    /** The type byte names no packet type of this version. */
    UNKNOWN_TYPE,
    /** The version byte is not {@link Header#PROTOCOL_VERSION}. */
    UNSUPPORTED_VERSION,
    /** A HandshakeInitiation names a suite this implementation does not know. */
    UNKNOWN_SUITE,
    /** A byte that must be zero is not. */
    RESERVED_NONZERO,
    /** A field holds a value its definition excludes (bad key, family, port, ...). */
    BAD_FIELD,
    /** The frames of a TransportData plaintext are malformed. */
    BAD_FRAME
}
