package io.mp2p.stream;

import java.util.Deque;
import java.util.function.Consumer;

/**
 * Acts on the frames of one received packet, in order (spec/STREAMS.md §3, §5): checks the epochs
 * (§4.2), applies each frame to the streams, and ends the connection on a breach of the rules.
 */
final class FrameReceiver implements StreamFrameVisitor {
    private final int localEpoch;
    private final StreamTable table;
    private final ConnectionCredit credit;
    private final LossDetector loss;
    private final AckTracker acks;
    private final Deque<StreamEvent> events;
    private final Consumer<ConnectionError> close;
    private int peerEpoch;
    /** Packet numbers below this were sent by this side (an ACK above is a violation). */
    private long sentBelow;
    private long now;
    private long packetNumber;
    private boolean ackEliciting;
    private ReceiveOutcome outcome;

    FrameReceiver(int localEpoch, StreamTable table, ConnectionCredit credit, LossDetector loss, AckTracker acks,
                  Deque<StreamEvent> events, Consumer<ConnectionError> close) {
        this.localEpoch = localEpoch;
        this.table = table;
        this.credit = credit;
        this.loss = loss;
        this.acks = acks;
        this.events = events;
        this.close = close;
    }

    /** Before a packet: the time, and how many packets this side has sent. */
    void start(long t, long packetsSentSoFar) {
        now = t;
        sentBelow = packetsSentSoFar;
        ackEliciting = false;
        outcome = ReceiveOutcome.PROCESSED;
    }

    ReceiveOutcome outcome() {
        return outcome;
    }

    long packetNumber() {
        return packetNumber;
    }

    boolean ackEliciting() {
        return ackEliciting;
    }

    /** The peer's epoch, 0 until its first packet. */
    int peerEpoch() {
        return peerEpoch;
    }

    private boolean skipping() {
        return outcome != ReceiveOutcome.PROCESSED && outcome != ReceiveOutcome.NOT_ACKNOWLEDGED;
    }

    private void violation(ConnectionError reason) {
        if (!skipping()) {
            outcome = ReceiveOutcome.PROTOCOL_VIOLATION;
            close.accept(reason);
        }
    }

    /** The stream the frame names, or null (forgotten, or a violation already recorded). */
    private StreamState stream(long id) {
        StreamState s = table.forFrame(id);
        ConnectionError v = table.takeViolation();
        if (v != null) {
            violation(v);
        }
        return s;
    }

    @Override
    public void onPacketNumber(int senderEpoch, int receiverEpoch, long pn) {
        packetNumber = pn;
        if (receiverEpoch != 0 && receiverEpoch != localEpoch) {
            outcome = ReceiveOutcome.STALE_EPOCH; // meant for an earlier connection of ours
        } else if (peerEpoch == 0) {
            peerEpoch = senderEpoch;
        } else if (senderEpoch != peerEpoch) {
            outcome = ReceiveOutcome.PEER_RESTARTED;
            close.accept(ConnectionError.PEER_RESTARTED);
        }
        if (!skipping() && acks.isDuplicate(pn)) {
            outcome = ReceiveOutcome.DUPLICATE;
        }
    }

    @Override
    public void onAck(AckFrame ack) {
        if (skipping()) {
            return;
        }
        if (ack.largest() >= sentBelow) {
            violation(ConnectionError.STREAM_STATE_ERROR); // RFC 9000 §13.1: acknowledges a packet never sent
            return;
        }
        loss.onAckReceived(ack, now);
    }

    @Override
    public void onStream(long id, long offset, int port, boolean fin, byte[] b, int off, int len) {
        if (skipping()) {
            return;
        }
        ackEliciting = true;
        StreamState s = stream(id);
        if (s == null) {
            return;
        }
        long more = s.recv.newCredit(offset + len);
        if (!credit.mayReceive(more)) {
            violation(ConnectionError.FLOW_CONTROL_ERROR);
            return;
        }
        switch (s.recv.onData(offset, fin, b, off, len)) {
            case OK -> credit.onNewDataReceived(more);
            case NOT_STORED -> outcome = ReceiveOutcome.NOT_ACKNOWLEDGED;
            case FLOW_CONTROL_ERROR -> violation(ConnectionError.FLOW_CONTROL_ERROR);
            default -> violation(ConnectionError.FINAL_SIZE_ERROR);
        }
        if (skipping()) {
            return;
        }
        if (port >= 0) {
            table.learnPort(s, port);
        }
        table.noteConsumed(s);
        table.signalReadable(s);
        table.maybeFree(s);
    }

    @Override
    public void onResetStream(long id, long code, long finalSize) {
        if (skipping()) {
            return;
        }
        ackEliciting = true;
        StreamState s = stream(id);
        if (s == null) {
            return;
        }
        long more = s.recv.newCredit(finalSize);
        if (!credit.mayReceive(more)) {
            violation(ConnectionError.FLOW_CONTROL_ERROR);
            return;
        }
        ReceiveStream.State before = s.recv.state();
        switch (s.recv.onReset(code, finalSize)) {
            case OK -> credit.onNewDataReceived(more);
            case FLOW_CONTROL_ERROR -> violation(ConnectionError.FLOW_CONTROL_ERROR);
            default -> violation(ConnectionError.FINAL_SIZE_ERROR);
        }
        if (skipping()) {
            return;
        }
        if (before != s.recv.state() && s.recv.state() == ReceiveStream.State.RESET_RECVD) {
            if (s.visible() && !s.recv.isStopped()) {
                events.add(new StreamEvent.StreamReset(id, code));
            } else if (!s.announced) {
                table.abandonUnannounced(s);
            }
        }
        table.noteConsumed(s);
        table.maybeFree(s);
    }

    @Override
    public void onStopSending(long id, long code) {
        if (skipping()) {
            return;
        }
        ackEliciting = true;
        StreamState s = stream(id);
        if (s == null) {
            return;
        }
        // RFC 9000 §3.5: answer with RESET_STREAM carrying the same code.
        if (s.send.reset(code) && s.visible()) {
            events.add(new StreamEvent.StopSending(id, code));
        }
        table.maybeFree(s);
    }

    @Override
    public void onMaxData(long max) {
        if (!skipping()) {
            ackEliciting = true;
            credit.onMaxData(max);
        }
    }

    @Override
    public void onMaxStreamData(long id, long max) {
        if (skipping()) {
            return;
        }
        ackEliciting = true;
        StreamState s = stream(id);
        if (s != null) {
            s.send.onMaxStreamData(max);
        }
    }

    @Override
    public void onMaxStreams(long max) {
        if (!skipping()) {
            ackEliciting = true;
            table.onMaxStreams(max);
        }
    }

    @Override
    public void onPing() {
        if (!skipping()) {
            ackEliciting = true;
        }
    }
}
