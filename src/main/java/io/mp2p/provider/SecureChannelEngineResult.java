package io.mp2p.provider;

/**
 * What one {@link SecureChannelEngine#wrap wrap} or {@link SecureChannelEngine#unwrap unwrap} call did, shaped like
 * {@code javax.net.ssl.SSLEngineResult}: a status, the handshake status after the call, and the bytes consumed
 * from the source buffer and produced into the destination buffer.
 *
 * <pre>{@code
 * SecureChannelEngineResult r = engine.wrap(message, packet);
 * if (r.status() == SecureChannelEngineResult.Status.OK && r.bytesProduced() > 0) {
 *     transport.send(packet.flip());
 * }
 * }</pre>
 *
 * @param status          how the call went
 * @param handshakeStatus what the caller should do next
 * @param bytesConsumed   bytes read from the source buffer
 * @param bytesProduced   bytes written to the destination buffer
 */
public record SecureChannelEngineResult(Status status, HandshakeStatus handshakeStatus, int bytesConsumed,
                                        int bytesProduced) {
    /** How a call went. */
    public enum Status {
        /** Done: a datagram or message may have been produced (see {@link #bytesProduced()}). */
        OK,
        /** unwrap: the source buffer holds no datagram, and no message waits. */
        BUFFER_UNDERFLOW,
        /**
         * The destination buffer is too small: for wrap, smaller than {@link SecureChannelEngine#getPacketBufferSize()};
         * for unwrap, smaller than the message that is ready. Nothing was written; enlarge it and call again.
         */
        BUFFER_OVERFLOW,
        /** The session is over (closed by either side, or the handshake failed); nothing more will be produced. */
        CLOSED
    }

    /** What the engine needs next, after the call. */
    public enum HandshakeStatus {
        /** Datagrams wait to be sent: call wrap (with an empty source if there is nothing to send). */
        NEED_WRAP,
        /** The engine waits for a datagram from the peer: call unwrap when one arrives. */
        NEED_UNWRAP,
        /** The engine's deadline has come: call {@link SecureChannelEngine#onTimer()}. */
        NEED_TIMER,
        /** This call completed the handshake; ask {@link SecureChannelEngine#getHandshakeStatus()} what is next. */
        FINISHED,
        /** A session is up (or over) and nothing is due. */
        NOT_HANDSHAKING
    }
}
