package io.mp2p.stream;

/** One bidirectional stream: its two halves and what the application has been told about it. */
final class StreamState {
    final long id;
    final boolean local;
    final SendStream send;
    final ReceiveStream recv;
    /** The port the stream was opened to; −1 until a peer's frame at offset 0 says it. */
    int port;
    /** Whether the application knows the stream (local ones always; peer ones once accepted). */
    boolean announced;
    /** A peer stream refused by the port acceptor: reset both ways, never announced. */
    boolean refused;
    boolean readableSignalled;
    /** Credit of this stream already counted as consumed at connection level. */
    long consumedReported;

    StreamState(long id, boolean local, int port, StreamConfig config) {
        this.id = id;
        this.local = local;
        this.port = port;
        this.announced = local;
        this.send = new SendStream(config.sendBufferSize(), local);
        this.recv = new ReceiveStream(config.streamReceiveWindow(), config.maxReceiveGaps());
    }

    /** Whether the application sees it: announced and not refused. */
    boolean visible() {
        return announced && !refused;
    }
}
