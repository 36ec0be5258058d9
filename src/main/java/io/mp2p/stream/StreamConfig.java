package io.mp2p.stream;

import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * Settings of a {@link StreamConnection}: buffer bounds, windows, timeouts. None affects
 * interoperability (spec/STREAMS.md §9).
 *
 * <pre>{@code
 * StreamConfig c = StreamConfig.builder()
 *         .maxPacketSize(1200)
 *         .streamReceiveWindow(1 << 20)
 *         .idleTimeout(TimeUnit.SECONDS.toNanos(30))
 *         .portAcceptor(port -> listeners.containsKey(port))
 *         .build();
 * }</pre>
 */
public final class StreamConfig {
    /** Default largest stream-layer packet: the default max_plaintext of spec/PROTOCOL.md §5. */
    public static final int DEFAULT_MAX_PACKET_SIZE = 1200;
    /** Default per-stream receive window (and receive buffer bound). */
    public static final int DEFAULT_STREAM_RECEIVE_WINDOW = 1 << 20;
    /** Default connection receive window (bound on all streams' received, unread bytes). */
    public static final long DEFAULT_CONNECTION_RECEIVE_WINDOW = 8L << 20;
    /** Default per-stream send buffer bound. */
    public static final int DEFAULT_SEND_BUFFER = 1 << 20;
    /** Default concurrent streams each way. */
    public static final int DEFAULT_MAX_STREAMS = 100;
    /** Default idle timeout. */
    public static final long DEFAULT_IDLE_TIMEOUT = TimeUnit.SECONDS.toNanos(30);
    /** Default keepalive interval while streams are open. */
    public static final long DEFAULT_KEEP_ALIVE = TimeUnit.SECONDS.toNanos(10);
    /** Default bound on out-of-order gaps held per receiving stream. */
    public static final int DEFAULT_MAX_RECEIVE_GAPS = 256;

    private final int maxPacketSize;
    private final int streamReceiveWindow;
    private final long connectionReceiveWindow;
    private final int sendBufferSize;
    private final int maxStreams;
    private final long idleTimeout;
    private final long keepAliveInterval;
    private final int maxReceiveGaps;
    private final int maxAckRanges;
    private final IntPredicate portAcceptor;

    private StreamConfig(Builder b) {
        this.maxPacketSize = b.maxPacketSize;
        this.streamReceiveWindow = b.streamReceiveWindow;
        this.connectionReceiveWindow = b.connectionReceiveWindow;
        this.sendBufferSize = b.sendBufferSize;
        this.maxStreams = b.maxStreams;
        this.idleTimeout = b.idleTimeout;
        this.keepAliveInterval = b.keepAliveInterval;
        this.maxReceiveGaps = b.maxReceiveGaps;
        this.maxAckRanges = b.maxAckRanges;
        this.portAcceptor = b.portAcceptor;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static StreamConfig defaults() {
        return builder().build();
    }

    /** Largest stream-layer packet, also the congestion controller's max_datagram_size. */
    public int maxPacketSize() {
        return maxPacketSize;
    }

    /** Credit per receiving stream, and the bound of its buffer. */
    public int streamReceiveWindow() {
        return streamReceiveWindow;
    }

    /** Credit for the whole connection. */
    public long connectionReceiveWindow() {
        return connectionReceiveWindow;
    }

    /** Bytes a sending stream holds, written and not yet acknowledged. */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** Concurrent streams the peer may open (MAX_STREAMS), and concurrent streams this side opens. */
    public int maxStreams() {
        return maxStreams;
    }

    /** Nanoseconds without a packet from the peer, while streams are open, before the connection ends. */
    public long idleTimeout() {
        return idleTimeout;
    }

    /** Nanoseconds of silence, while streams are open, before a PING is sent (0: never). */
    public long keepAliveInterval() {
        return keepAliveInterval;
    }

    /** Out-of-order gaps a receiving stream holds before it stops storing (and acknowledging) new ones. */
    public int maxReceiveGaps() {
        return maxReceiveGaps;
    }

    /** Ranges of received packet numbers remembered for ACK frames. */
    public int maxAckRanges() {
        return maxAckRanges;
    }

    /** Decides whether an incoming stream to a port is accepted; refused ones are reset with {@link StreamErrors#REFUSED}. */
    public IntPredicate portAcceptor() {
        return portAcceptor;
    }

    /** Builds a {@link StreamConfig}; setters check their bounds. */
    public static final class Builder {
        private int maxPacketSize = DEFAULT_MAX_PACKET_SIZE;
        private int streamReceiveWindow = DEFAULT_STREAM_RECEIVE_WINDOW;
        private long connectionReceiveWindow = DEFAULT_CONNECTION_RECEIVE_WINDOW;
        private int sendBufferSize = DEFAULT_SEND_BUFFER;
        private int maxStreams = DEFAULT_MAX_STREAMS;
        private long idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private long keepAliveInterval = DEFAULT_KEEP_ALIVE;
        private int maxReceiveGaps = DEFAULT_MAX_RECEIVE_GAPS;
        private int maxAckRanges = StreamConstants.MAX_ACK_RANGES;
        private IntPredicate portAcceptor = port -> true;

        private Builder() {
        }

        /** At least {@link StreamConstants#MIN_PACKET_SIZE}. */
        public Builder maxPacketSize(int v) {
            maxPacketSize = atLeast("maxPacketSize", v, StreamConstants.MIN_PACKET_SIZE);
            return this;
        }

        /** At least {@link StreamConstants#INITIAL_MAX_STREAM_DATA} (the credit the peer may assume). */
        public Builder streamReceiveWindow(int v) {
            streamReceiveWindow = (int) atLeast("streamReceiveWindow", v, StreamConstants.INITIAL_MAX_STREAM_DATA);
            return this;
        }

        /** At least {@link StreamConstants#INITIAL_MAX_DATA}. */
        public Builder connectionReceiveWindow(long v) {
            connectionReceiveWindow = atLeast("connectionReceiveWindow", v, StreamConstants.INITIAL_MAX_DATA);
            return this;
        }

        /** At least 1. */
        public Builder sendBufferSize(int v) {
            sendBufferSize = atLeast("sendBufferSize", v, 1);
            return this;
        }

        /** At least {@link StreamConstants#INITIAL_MAX_STREAMS}. */
        public Builder maxStreams(int v) {
            maxStreams = (int) atLeast("maxStreams", v, StreamConstants.INITIAL_MAX_STREAMS);
            return this;
        }

        /** Positive. */
        public Builder idleTimeout(long nanos) {
            idleTimeout = atLeast("idleTimeout", nanos, 1);
            return this;
        }

        /** 0 (never) or positive. */
        public Builder keepAliveInterval(long nanos) {
            keepAliveInterval = atLeast("keepAliveInterval", nanos, 0);
            return this;
        }

        /** At least 1. */
        public Builder maxReceiveGaps(int v) {
            maxReceiveGaps = atLeast("maxReceiveGaps", v, 1);
            return this;
        }

        /** 1..{@link StreamConstants#MAX_ACK_RANGES}. */
        public Builder maxAckRanges(int v) {
            maxAckRanges = atLeast("maxAckRanges", v, 1);
            if (v > StreamConstants.MAX_ACK_RANGES) {
                throw new IllegalArgumentException("maxAckRanges must be at most " + StreamConstants.MAX_ACK_RANGES);
            }
            return this;
        }

        /** Not null. */
        public Builder portAcceptor(IntPredicate v) {
            if (v == null) {
                throw new IllegalArgumentException("portAcceptor must not be null");
            }
            portAcceptor = v;
            return this;
        }

        public StreamConfig build() {
            return new StreamConfig(this);
        }

        private static int atLeast(String name, int v, int min) {
            if (v < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", got " + v);
            }
            return v;
        }

        private static long atLeast(String name, long v, long min) {
            if (v < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", got " + v);
            }
            return v;
        }
    }
}
