package io.mp2p.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * What RFC 9002 §A.1.1 keeps per sent packet, plus what it carried so that a loss can be repaired
 * frame by frame (RFC 9000 §13.3: data is sent again, control frames with their latest values).
 */
final class SentPacket {
    /** A STREAM frame's range (the retransmission unit). */
    record Chunk(long streamId, long offset, int length, boolean fin) {
    }

    /** A control frame to resend if lost: its type, and the stream it concerns (−1 for none). */
    record Control(int type, long streamId) {
    }

    final long packetNumber;
    final long timeSent;
    int sentBytes;
    /** Ack-eliciting packets are the ones in flight (RFC 9002 §2); ACK-only packets are neither. */
    boolean ackEliciting;
    /** Whether the congestion window was under-used when this was sent (RFC 9002 §7.8). */
    boolean underutilized;
    /** Largest Acknowledged of the ACK frame this packet carried, or −1 (RFC 9000 §13.2.4). */
    long largestAckedInAck = -1;
    List<Chunk> chunks;
    List<Control> controls;

    SentPacket(long packetNumber, long timeSent) {
        this.packetNumber = packetNumber;
        this.timeSent = timeSent;
    }

    void addChunk(long streamId, long offset, int length, boolean fin) {
        if (chunks == null) {
            chunks = new ArrayList<>(2);
        }
        chunks.add(new Chunk(streamId, offset, length, fin));
    }

    void addControl(int type, long streamId) {
        if (controls == null) {
            controls = new ArrayList<>(2);
        }
        controls.add(new Control(type, streamId));
    }
}
