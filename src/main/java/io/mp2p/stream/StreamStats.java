package io.mp2p.stream;

/**
 * A snapshot of a {@link StreamConnection}'s counters and recovery state (RTTs in nanoseconds, with
 * RFC 9002's names).
 *
 * @param packetsSent              stream-layer packets sent, ACK-only ones included
 * @param ackOnlyPacketsSent       packets that carried only an ACK
 * @param packetsReceived          packets accepted
 * @param packetsLost              packets declared lost (RFC 9002 §6.1)
 * @param ptoCount                 probe timeouts that fired (§6.2)
 * @param streamBytesSent          new stream bytes sent (each byte once)
 * @param streamBytesRetransmitted stream bytes sent again after a loss or in a probe
 * @param streamBytesReceived      distinct stream bytes received (up to each stream's highest offset)
 * @param duplicatePackets         packets received twice, ignored
 * @param packetsNotAcknowledged   packets whose data could not be stored, left unacknowledged
 * @param latestRtt                latest_rtt
 * @param minRtt                   min_rtt
 * @param smoothedRtt              smoothed_rtt
 * @param rttvar                   rttvar
 * @param congestionWindow         congestion_window in bytes
 * @param ssthresh                 ssthresh ({@link Long#MAX_VALUE} before the first loss)
 * @param bytesInFlight            bytes_in_flight
 * @param congestionEvents         window reductions
 * @param liveStreams              streams held
 * @param bufferMemory             bytes of stream buffers allocated now (send and receive rings)
 */
public record StreamStats(long packetsSent, long ackOnlyPacketsSent, long packetsReceived, long packetsLost,
                          long ptoCount, long streamBytesSent, long streamBytesRetransmitted,
                          long streamBytesReceived, long duplicatePackets, long packetsNotAcknowledged,
                          long latestRtt, long minRtt, long smoothedRtt, long rttvar, long congestionWindow,
                          long ssthresh, long bytesInFlight, long congestionEvents, int liveStreams,
                          long bufferMemory) {
}
