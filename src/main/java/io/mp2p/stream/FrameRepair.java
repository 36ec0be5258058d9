package io.mp2p.stream;

/**
 * What the loss detector decided about each sent packet, applied frame by frame (RFC 9000 §13.3):
 * acknowledged data frees buffer space, lost data and lost control frames are sent again.
 */
final class FrameRepair implements LossDetector.Listener {
    private final StreamTable table;
    private final ConnectionCredit credit;
    /** Told when the peer acknowledged one of this side's ACK frames (RFC 9000 §13.2.4). */
    private final AckTracker acks;

    FrameRepair(StreamTable table, ConnectionCredit credit, AckTracker acks) {
        this.table = table;
        this.credit = credit;
        this.acks = acks;
    }

    @Override
    public void onPacketAcked(SentPacket p) {
        if (p.largestAckedInAck >= 0) {
            acks.onAckAcknowledged(p.largestAckedInAck);
        }
        if (p.chunks != null) {
            for (SentPacket.Chunk c : p.chunks) {
                StreamState s = table.get(c.streamId());
                if (s != null) {
                    s.send.onAcked(c.offset(), c.length(), c.fin());
                    table.signalWritable(s);
                    table.maybeFree(s);
                }
            }
        }
        if (p.controls != null) {
            for (SentPacket.Control c : p.controls) {
                StreamState s = table.get(c.streamId());
                if (c.type() == StreamFrames.RESET_STREAM && s != null) {
                    s.send.onResetAcked();
                    table.maybeFree(s);
                }
            }
        }
    }

    @Override
    public void onPacketLost(SentPacket p) {
        repair(p);
    }

    @Override
    public void onProbeRetransmit(SentPacket p) {
        repair(p);
    }

    private void repair(SentPacket p) {
        if (p.chunks != null) {
            for (SentPacket.Chunk c : p.chunks) {
                StreamState s = table.get(c.streamId());
                if (s != null) {
                    s.send.onLost(c.offset(), c.length(), c.fin());
                }
            }
        }
        if (p.controls == null) {
            return;
        }
        for (SentPacket.Control c : p.controls) {
            StreamState s = table.get(c.streamId());
            switch (c.type()) {
                case StreamFrames.MAX_DATA -> credit.onMaxDataLost();
                case StreamFrames.MAX_STREAMS -> table.onMaxStreamsLost();
                case StreamFrames.RESET_STREAM -> {
                    if (s != null) {
                        s.send.onResetLost();
                    }
                }
                case StreamFrames.STOP_SENDING -> {
                    if (s != null) {
                        s.recv.onStopSendingLost();
                    }
                }
                default -> {
                    if (s != null) {
                        s.recv.onMaxStreamDataLost();
                    }
                }
            }
        }
    }
}
