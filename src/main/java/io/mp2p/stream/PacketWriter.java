package io.mp2p.stream;

import java.util.Map;

/**
 * Fills a packet with control frames, each with its latest value (RFC 9000 §13.3), then STREAM
 * frames: round robin over the streams (each packet starts one stream further on), a stream's lost
 * data before its new data. Records in the {@link SentPacket} what went in, for repair on loss.
 */
final class PacketWriter {
    /** A STREAM frame with less room than this is not worth starting (header + a little data). */
    private static final int MIN_FRAME_ROOM = 24;

    private final StreamTable table;
    private final ConnectionCredit credit;
    private long roundRobinNext;
    private long bytesSent;
    private long bytesRetransmitted;

    PacketWriter(StreamTable table, ConnectionCredit credit) {
        this.table = table;
        this.credit = credit;
    }

    boolean hasControlPending() {
        if (credit.maxDataPending() || table.maxStreamsPending()) {
            return true;
        }
        for (StreamState s : table.values()) {
            if (s.send.resetPending() || s.recv.stopSendingPending() || s.recv.maxStreamDataPending()) {
                return true;
            }
        }
        return false;
    }

    boolean hasStreamPending() {
        long c = credit.sendCredit();
        for (StreamState s : table.values()) {
            if (s.send.hasPending(c)) {
                return true;
            }
        }
        return false;
    }

    int writeControls(byte[] buf, int p, int end, SentPacket sp) {
        if (credit.maxDataPending() && p + StreamFrames.maxLength(credit.maxData()) <= end) {
            p = StreamFrames.writeMaxData(buf, p, credit.maxData());
            sp.addControl(StreamFrames.MAX_DATA, -1);
            credit.onMaxDataSent();
        }
        if (table.maxStreamsPending() && p + StreamFrames.maxLength(table.maxStreams()) <= end) {
            p = StreamFrames.writeMaxStreams(buf, p, table.maxStreams());
            sp.addControl(StreamFrames.MAX_STREAMS, -1);
            table.onMaxStreamsSent();
        }
        for (StreamState s : table.values()) {
            if (s.send.resetPending()) {
                long size = s.send.finalSizeForReset();
                if (p + StreamFrames.resetStreamLength(s.id, s.send.resetCode(), size) > end) {
                    break;
                }
                p = StreamFrames.writeResetStream(buf, p, s.id, s.send.resetCode(), size);
                sp.addControl(StreamFrames.RESET_STREAM, s.id);
                s.send.onResetSent();
            }
            if (s.recv.stopSendingPending()) {
                if (p + StreamFrames.stopSendingLength(s.id, s.recv.stopCode()) > end) {
                    break;
                }
                p = StreamFrames.writeStopSending(buf, p, s.id, s.recv.stopCode());
                sp.addControl(StreamFrames.STOP_SENDING, s.id);
                s.recv.onStopSendingSent();
            }
            if (s.recv.maxStreamDataPending()) {
                if (p + StreamFrames.maxStreamDataLength(s.id, s.recv.maxStreamData()) > end) {
                    break;
                }
                p = StreamFrames.writeMaxStreamData(buf, p, s.id, s.recv.maxStreamData());
                sp.addControl(StreamFrames.MAX_STREAM_DATA, s.id);
                s.recv.onMaxStreamDataSent();
            }
        }
        if (sp.controls != null) {
            sp.ackEliciting = true;
        }
        return p;
    }

    int writeStreamFrames(byte[] buf, int p, int end, SentPacket sp) {
        if (table.isEmpty()) {
            return p;
        }
        Map.Entry<Long, StreamState> e = table.all().ceilingEntry(roundRobinNext);
        if (e == null) {
            e = table.all().firstEntry();
        }
        long startId = e.getKey();
        Long first = null;
        do {
            StreamState s = e.getValue();
            p = writeFramesOf(s, buf, p, end, sp);
            if (first == null && sp.chunks != null) {
                first = s.id;
            }
            if (end - p < MIN_FRAME_ROOM) {
                break;
            }
            e = table.all().higherEntry(e.getKey());
            if (e == null) {
                e = table.all().firstEntry();
            }
        } while (e.getKey() != startId);
        if (first != null) {
            roundRobinNext = first + 1;
        }
        return p;
    }

    private int writeFramesOf(StreamState s, byte[] buf, int p, int end, SentPacket sp) {
        while (end - p >= MIN_FRAME_ROOM && s.send.hasPending(credit.sendCredit())) {
            long c = credit.sendCredit();
            int room = end - p;
            SendStream.Chunk chunk = s.send.nextChunk(room, c);
            if (chunk == null) {
                break;
            }
            int header = StreamFrames.streamHeaderLength(s.id, chunk.offset(), room);
            if (chunk.length() > room - header) {
                if (room - header <= 0) {
                    break;
                }
                chunk = s.send.nextChunk(room - header, c);
                if (chunk == null || (chunk.length() == 0 && !chunk.fin() && chunk.offset() != 0)) {
                    break;
                }
            }
            int dataAt = StreamFrames.writeStreamHeader(buf, p, s.id, chunk.offset(), s.port, chunk.fin(), chunk.length());
            s.send.copy(chunk, buf, dataAt);
            p = dataAt + chunk.length();
            s.send.onSent(chunk);
            sp.addChunk(s.id, chunk.offset(), chunk.length(), chunk.fin());
            sp.ackEliciting = true;
            if (chunk.newData()) {
                credit.onNewDataSent(chunk.length());
                bytesSent += chunk.length();
            } else {
                bytesRetransmitted += chunk.length();
            }
        }
        return p;
    }

    long bytesSent() {
        return bytesSent;
    }

    long bytesRetransmitted() {
        return bytesRetransmitted;
    }
}
