package io.mp2p.stream;

import java.util.Arrays;

/** Builds runs of stream-layer frames by hand, for tests that play a peer. */
final class RunBuilder {
    /** Room for any frame but a STREAM frame's data. */
    private static final int FRAME_ROOM = 64;
    private byte[] buf = new byte[4096];
    private int p;

    RunBuilder(int senderEpoch, int receiverEpoch, long pn) {
        p = StreamFrames.writePacketNumber(buf, 0, senderEpoch, receiverEpoch, pn);
    }

    private void ensure(int n) {
        if (p + n + FRAME_ROOM > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, p + n + FRAME_ROOM));
        }
    }

    RunBuilder stream(long id, long offset, boolean fin, byte[] data) {
        ensure(data.length);
        p = StreamFrames.writeStream(buf, p, id, offset, offset == 0 ? 80 : -1, fin, data, 0, data.length);
        return this;
    }

    RunBuilder stream(long id, long offset, int port, boolean fin, byte[] data) {
        ensure(data.length);
        p = StreamFrames.writeStream(buf, p, id, offset, port, fin, data, 0, data.length);
        return this;
    }

    RunBuilder ack(AckFrame a) {
        ensure(StreamFrames.ackLength(a));
        p = StreamFrames.writeAck(buf, p, a);
        return this;
    }

    RunBuilder resetStream(long id, long code, long finalSize) {
        ensure(0);
        p = StreamFrames.writeResetStream(buf, p, id, code, finalSize);
        return this;
    }

    RunBuilder stopSending(long id, long code) {
        ensure(0);
        p = StreamFrames.writeStopSending(buf, p, id, code);
        return this;
    }

    RunBuilder maxData(long v) {
        ensure(0);
        p = StreamFrames.writeMaxData(buf, p, v);
        return this;
    }

    RunBuilder maxStreamData(long id, long v) {
        ensure(0);
        p = StreamFrames.writeMaxStreamData(buf, p, id, v);
        return this;
    }

    RunBuilder maxStreams(long v) {
        ensure(0);
        p = StreamFrames.writeMaxStreams(buf, p, v);
        return this;
    }

    RunBuilder ping() {
        ensure(0);
        p = StreamFrames.writePing(buf, p);
        return this;
    }

    /** Appends raw bytes (to break the format on purpose). */
    RunBuilder raw(int... bytes) {
        ensure(bytes.length);
        for (int b : bytes) {
            buf[p++] = (byte) b;
        }
        return this;
    }

    byte[] build() {
        return Arrays.copyOf(buf, p);
    }
}
