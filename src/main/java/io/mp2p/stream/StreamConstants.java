package io.mp2p.stream;

import java.util.concurrent.TimeUnit;

/**
 * Constants of the stream layer (spec/STREAMS.md §2). The "specification" ones are part of the
 * protocol: both peers assume them, since no handshake carries transport parameters. The RFC 9002
 * ones keep the RFC's names (Appendix A.2, B.1).
 */
public final class StreamConstants {
    // --- Specification constants (spec/STREAMS.md §2) ---

    /** Connection-level credit each side may use before any MAX_DATA frame (RFC 9000 §4.1). */
    public static final long INITIAL_MAX_DATA = 256 * 1024;
    /** Per-stream credit each side may use before any MAX_STREAM_DATA frame. */
    public static final long INITIAL_MAX_STREAM_DATA = 64 * 1024;
    /** Streams each side may open before any MAX_STREAMS frame (RFC 9000 §4.6). */
    public static final long INITIAL_MAX_STREAMS = 16;
    /** The longest a receiver delays an ACK for an ack-eliciting packet (RFC 9000 §13.2.1, max_ack_delay). */
    public static final long MAX_ACK_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    /** Ack-eliciting packets received before an ACK is sent at once (RFC 9000 §13.2.2). */
    public static final int ACK_ELICITING_THRESHOLD = 2;
    /** Most ranges in one ACK frame; a frame with more is malformed. */
    public static final int MAX_ACK_RANGES = 64;
    /** Largest port a stream may be opened to. */
    public static final int MAX_PORT = 0xffff;

    // --- RFC 9002 Appendix A.2 (loss detection) ---

    /** kPacketThreshold: a packet is lost when one sent this many packets later is acknowledged. */
    public static final int K_PACKET_THRESHOLD = 3;
    /** kTimeThreshold numerator (9/8 of an RTT). */
    public static final int K_TIME_THRESHOLD_NUM = 9;
    /** kTimeThreshold denominator. */
    public static final int K_TIME_THRESHOLD_DEN = 8;
    /** kGranularity: timer granularity. */
    public static final long K_GRANULARITY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** kInitialRtt: the RTT assumed before the first sample. */
    public static final long K_INITIAL_RTT_NANOS = TimeUnit.MILLISECONDS.toNanos(333);

    // --- RFC 9002 Appendix B.1 (congestion control) ---

    /** kInitialWindow is min(10 × max_datagram_size, max(14720, 2 × max_datagram_size)). */
    public static final int K_INITIAL_WINDOW_PACKETS = 10;
    /** The byte floor in kInitialWindow's formula. */
    public static final int K_INITIAL_WINDOW_FLOOR = 14720;
    /** kMinimumWindow is 2 × max_datagram_size. */
    public static final int K_MINIMUM_WINDOW_PACKETS = 2;
    /** kLossReductionFactor = 0.5, as numerator / denominator. */
    public static final int K_LOSS_REDUCTION_NUM = 1;
    /** kLossReductionFactor denominator. */
    public static final int K_LOSS_REDUCTION_DEN = 2;
    /** kPersistentCongestionThreshold. */
    public static final int K_PERSISTENT_CONGESTION_THRESHOLD = 3;
    /** Pacing gain N of RFC 9002 §7.7 (rate = N × cwnd / smoothed_rtt), N = 5/4. */
    public static final int K_PACING_GAIN_NUM = 5;
    /** Pacing gain denominator. */
    public static final int K_PACING_GAIN_DEN = 4;

    // --- Implementation constants (spec/STREAMS.md §9) ---

    /** Ack-eliciting probe packets sent when the PTO fires (RFC 9002 §6.2.4 allows one or two). */
    public static final int PTO_PROBES = 2;
    /** Cap on the PTO backoff exponent, so that 2^pto_count cannot overflow (the idle timeout ends a dead peer first). */
    public static final int MAX_PTO_BACKOFF = 16;
    /** Smallest packet {@code pollTransmit} will fill: room for the header, an ACK and a frame. */
    public static final int MIN_PACKET_SIZE = 64;
    /** "No timeout": what {@code pollTimeout} returns when nothing is scheduled (as the engine's NO_DEADLINE). */
    public static final long NO_TIMEOUT = Long.MAX_VALUE;

    private StreamConstants() {
    }
}
