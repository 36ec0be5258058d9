package io.mp2p.stream;

/**
 * What a {@link StreamConnection} reports to the application, in order, through
 * {@link StreamConnection#pollEvent()}. Readable and writable events are edge-triggered and
 * coalesced: at most one is pending per stream, re-armed by the next read or write.
 *
 * <pre>{@code
 * for (StreamEvent e; (e = conn.pollEvent()) != null; ) {
 *     switch (e) { ... }   // or instanceof tests on Java 17
 * }
 * }</pre>
 */
public sealed interface StreamEvent {
    /** The peer opened a stream to {@code port}, and this side accepted it. */
    record StreamOpened(long streamId, int port) implements StreamEvent {
    }

    /** New bytes, or the end of the stream, can be read. */
    record Readable(long streamId) implements StreamEvent {
    }

    /** A write that came up short can now take more bytes. */
    record Writable(long streamId) implements StreamEvent {
    }

    /** The peer abandoned its sending half (RESET_STREAM): reads now return {@code STREAM_RESET}. */
    record StreamReset(long streamId, long errorCode) implements StreamEvent {
    }

    /** The peer will read no more (STOP_SENDING): this side's sending half was reset with the same code. */
    record StopSending(long streamId, long errorCode) implements StreamEvent {
    }

    /** Both halves of the stream are done and its state is gone; its id means nothing any more. */
    record StreamClosed(long streamId) implements StreamEvent {
    }

    /** The peer allowed more streams after {@code openStream} returned {@code NO_STREAM}. */
    record StreamsAvailable() implements StreamEvent {
    }

    /** The connection ended; every stream with it. */
    record ConnectionClosed(ConnectionError reason) implements StreamEvent {
    }
}
