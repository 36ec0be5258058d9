package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The frame codecs of spec/STREAMS.md §3: byte vectors, round trips, and hostile input. */
class StreamFramesTest {
    /** Records every frame as a line of text, to compare whole runs. */
    static final class Recorder implements StreamFrameVisitor {
        final List<String> frames = new ArrayList<>();

        @Override
        public void onPacketNumber(int s, int r, long pn) {
            frames.add(String.format("PN %08x %08x %d", s, r, pn));
        }

        @Override
        public void onAck(AckFrame a) {
            StringBuilder b = new StringBuilder("ACK delay=" + a.ackDelayMicros());
            for (int i = 0; i < a.rangeCount(); i++) {
                b.append(' ').append(a.low(i)).append("..").append(a.high(i));
            }
            frames.add(b.toString());
        }

        @Override
        public void onStream(long id, long offset, int port, boolean fin, byte[] buf, int off, int len) {
            frames.add("STREAM " + id + " @" + offset + " port=" + port + " fin=" + fin + " "
                    + HexFormat.of().formatHex(buf, off, off + len));
        }

        @Override
        public void onResetStream(long id, long code, long size) {
            frames.add("RESET_STREAM " + id + " " + code + " " + size);
        }

        @Override
        public void onStopSending(long id, long code) {
            frames.add("STOP_SENDING " + id + " " + code);
        }

        @Override
        public void onMaxData(long max) {
            frames.add("MAX_DATA " + max);
        }

        @Override
        public void onMaxStreamData(long id, long max) {
            frames.add("MAX_STREAM_DATA " + id + " " + max);
        }

        @Override
        public void onMaxStreams(long max) {
            frames.add("MAX_STREAMS " + max);
        }

        @Override
        public void onPing() {
            frames.add("PING");
        }
    }

    private static List<String> visit(byte[] b) {
        Recorder r = new Recorder();
        assertNull(StreamFrames.visit(b, 0, b.length, r));
        return r.frames;
    }

    /** The byte vectors of spec/STREAMS.md §3.10, checked both ways. */
    @Test
    void specVectors() {
        AckFrame ack = new AckFrame();
        ack.clear(1000);
        ack.addRange(8, 10);
        ack.addRange(2, 5);
        byte[] run = new RunBuilder(0x0a0a0a0a, 0x0b0b0b0b, 7)
                .ack(ack)
                .stream(4, 0, 80, false, "GET".getBytes())
                .stream(4, 3, true, "!".getBytes())
                .resetStream(6, 1, 1200)
                .stopSending(8, 2)
                .maxData(1 << 20)
                .maxStreamData(4, 65536)
                .maxStreams(100)
                .ping()
                .build();
        String hex = "05" + "0a0a0a0a" + "0b0b0b0b" + "07"
                + "06" + "0a" + "43e8" + "01" + "02" + "01" + "03"
                + "07" + "02" + "04" + "00" + "0050" + "03" + "474554"
                + "07" + "01" + "04" + "03" + "01" + "21"
                + "08" + "06" + "01" + "44b0"
                + "09" + "08" + "02"
                + "0a" + "80100000"
                + "0b" + "04" + "80010000"
                + "0c" + "4064"
                + "0d";
        assertEquals(hex, HexFormat.of().formatHex(run));
        assertEquals(List.of("PN 0a0a0a0a 0b0b0b0b 7", "ACK delay=1000 8..10 2..5", "STREAM 4 @0 port=80 fin=false 474554",
                "STREAM 4 @3 port=-1 fin=true 21", "RESET_STREAM 6 1 1200", "STOP_SENDING 8 2", "MAX_DATA 1048576",
                "MAX_STREAM_DATA 4 65536", "MAX_STREAMS 100", "PING"), visit(run));
        assertEquals(run.length, StreamFrames.runLength(run, 0, run.length));
    }

    @Test
    void lengthsMatchWhatIsWritten() {
        byte[] b = new byte[100];
        assertEquals(StreamFrames.packetNumberLength(1L << 40), StreamFrames.writePacketNumber(b, 0, 1, 0, 1L << 40));
        AckFrame a = new AckFrame();
        a.clear(123_456);
        a.addRange(1000, 100_000);
        a.addRange(3, 7);
        assertEquals(StreamFrames.ackLength(a), StreamFrames.writeAck(b, 0, a));
        assertEquals(StreamFrames.streamHeaderLength(1 << 20, 1L << 33, 1000) + 0,
                StreamFrames.writeStreamHeader(b, 0, 1 << 20, 1L << 33, -1, false, 1000));
        assertEquals(StreamFrames.resetStreamLength(5, 1 << 20, 77), StreamFrames.writeResetStream(b, 0, 5, 1 << 20, 77));
        assertEquals(StreamFrames.stopSendingLength(5, 300), StreamFrames.writeStopSending(b, 0, 5, 300));
        assertEquals(StreamFrames.maxLength(VarInt.MAX), StreamFrames.writeMaxData(b, 0, VarInt.MAX));
        assertEquals(StreamFrames.maxStreamDataLength(9, 70_000), StreamFrames.writeMaxStreamData(b, 0, 9, 70_000));
    }

    @Test
    void randomRunsRoundTrip() {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 2000; i++) {
            RunBuilder b = new RunBuilder(1 + r.nextInt(Integer.MAX_VALUE), r.nextInt(), r.nextLong(VarInt.MAX));
            List<String> expected = new ArrayList<>();
            for (int f = r.nextInt(6); f > 0; f--) {
                long id = r.nextLong(VarInt.MAX);
                long v = r.nextLong(VarInt.MAX);
                switch (r.nextInt(4)) {
                    case 0 -> {
                        byte[] d = new byte[1 + r.nextInt(50)];
                        r.nextBytes(d);
                        long offset = r.nextLong(VarInt.MAX - d.length);
                        b.stream(id, offset, offset == 0 ? 1 : -1, true, d);
                        expected.add("STREAM " + id + " @" + offset + " port=" + (offset == 0 ? 1 : -1) + " fin=true "
                                + HexFormat.of().formatHex(d));
                    }
                    case 1 -> {
                        b.resetStream(id, v, v / 2);
                        expected.add("RESET_STREAM " + id + " " + v + " " + v / 2);
                    }
                    case 2 -> {
                        b.maxStreamData(id, v);
                        expected.add("MAX_STREAM_DATA " + id + " " + v);
                    }
                    default -> {
                        AckFrame a = new AckFrame();
                        a.clear(v);
                        long hi = r.nextLong(VarInt.MAX);
                        StringBuilder s = new StringBuilder("ACK delay=" + v);
                        for (int k = 1 + r.nextInt(5); k > 0 && hi >= 0; k--) {
                            long lo = Math.max(0, hi - r.nextLong(1000));
                            a.addRange(lo, hi);
                            s.append(' ').append(lo).append("..").append(hi);
                            hi = lo - 2 - r.nextLong(1000);
                        }
                        b.ack(a);
                        expected.add(s.toString());
                    }
                }
            }
            byte[] run = b.build();
            List<String> got = visit(run);
            assertEquals(expected, got.subList(1, got.size()));
        }
    }

    @Test
    void malformedRunsAreNamed() {
        assertEquals(FrameError.MISSING_PACKET_NUMBER, err(new byte[] {StreamFrames.PING}));
        assertEquals(FrameError.MISSING_PACKET_NUMBER, err(new byte[0]));
        assertEquals(FrameError.BAD_EPOCH, err(new RunBuilder(1, 0, 0).build(), 1, 0));
        assertEquals(FrameError.DUPLICATE_PACKET_NUMBER, err(concat(pn(), pn())));
        assertEquals(FrameError.NOT_A_STREAM_FRAME, err(concat(pn(), new byte[] {0x01, 0, 0})));
        assertEquals(FrameError.BAD_FLAGS, err(concat(pn(), new byte[] {0x07, 0x04, 0, 1, 1, 0})));
        assertEquals(FrameError.BAD_PORT_FLAG, err(concat(pn(), new byte[] {0x07, 0x00, 0, 0, 1, 0x41})),
                "offset 0 without a port");
        assertEquals(FrameError.BAD_PORT_FLAG, err(concat(pn(), new byte[] {0x07, 0x02, 0, 5, 0, 80, 1, 0x41})),
                "a port at offset 5");
        assertEquals(FrameError.EMPTY_STREAM_FRAME, err(concat(pn(), new byte[] {0x07, 0x00, 0, 5, 0})));
        byte[] overflow = concat(pn(), new byte[] {0x07, 0x00, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 0x41});
        assertEquals(FrameError.OFFSET_OVERFLOW, err(overflow), "offset 2^62 − 1 plus one byte");
        assertEquals(FrameError.BAD_ACK_RANGE, err(concat(pn(), new byte[] {0x06, 5, 0, 0, 6})), "first range below 0");
        assertNull(err(concat(pn(), new byte[] {0x06, 5, 0, 1, 1, 2, 0})), "ranges 4..5 and 0..0");
        assertEquals(FrameError.BAD_ACK_RANGE, err(concat(pn(), new byte[] {0x06, 5, 0, 1, 1, 3, 0})),
                "a gap of 3 below 4 reaches −1");
        assertEquals(FrameError.BAD_ACK_RANGE, err(concat(pn(), new byte[] {0x06, 5, 0, 1, 1, 2, 1})),
                "a range of length 1 below 0");
        byte[] tooMany = new byte[16 + 2 * 64];
        tooMany[0] = StreamFrames.ACK;
        int q = VarInt.write(tooMany, 1, 16_383); // Largest Acknowledged
        q = VarInt.write(tooMany, q, 0); // ACK Delay
        VarInt.write(tooMany, q, StreamConstants.MAX_ACK_RANGES); // ACK Range Count: one more range than allowed
        assertEquals(FrameError.TOO_MANY_ACK_RANGES, err(concat(pn(), tooMany)));
    }

    @Test
    void everyTruncationIsAnErrorNotAnException() {
        AckFrame a = new AckFrame();
        a.clear(5);
        a.addRange(100, 200);
        a.addRange(10, 20);
        byte[] run = new RunBuilder(3, 4, 1L << 35).ack(a).stream(1 << 20, 0, 443, true, new byte[30])
                .resetStream(1, 2, 3).stopSending(4, 5).maxData(6).maxStreamData(7, 8).maxStreams(9).ping().build();
        assertNull(StreamFrames.validate(run, 0, run.length));
        for (int len = 0; len < run.length; len++) {
            FrameError e = StreamFrames.validate(run, 0, len);
            // A cut right after a whole frame is a shorter, valid run.
            if (e != null) {
                assertTrue(e == FrameError.TRUNCATED || e == FrameError.MISSING_PACKET_NUMBER, len + ": " + e);
            }
        }
        assertEquals(FrameError.BAD_RANGE, StreamFrames.validate(run, 5, run.length));
        assertEquals(FrameError.BAD_RANGE, StreamFrames.validate(null, 0, 0));
        assertEquals(-1, StreamFrames.runLength(run, 0, run.length + 1));
    }

    @Test
    void runLengthStopsAtTheFirstFrameOfAnotherLayer() {
        byte[] run = new RunBuilder(3, 4, 9).ping().build();
        byte[] plain = concat(new byte[] {0x03}, run, new byte[] {0x01, 0x00, 0x02, 'h', 'i'}, new byte[] {0, 0, 0});
        assertEquals(run.length, StreamFrames.runLength(plain, 1, plain.length), "stops at the DATAGRAM frame");
        assertEquals(-1, StreamFrames.runLength(plain, 0, plain.length), "a run must start with PACKET_NUMBER");
        byte[] broken = concat(run, new byte[] {0x07});
        assertEquals(-1, StreamFrames.runLength(broken, 0, broken.length));
    }

    @Test
    void randomBytesNeverThrow() {
        SplittableRandom r = new SplittableRandom(8);
        Recorder rec = new Recorder();
        int valid = 0;
        for (int i = 0; i < 300_000; i++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            if (b.length > 0) {
                b[0] = StreamFrames.PACKET_NUMBER;
            }
            for (int k = 9; k < b.length; k += 1 + r.nextInt(6)) {
                b[k] = (byte) (StreamFrames.FIRST_TYPE + r.nextInt(StreamFrames.LAST_TYPE - StreamFrames.FIRST_TYPE + 1));
            }
            if (StreamFrames.visit(b, 0, b.length, rec) == null) {
                valid++;
            }
            StreamFrames.runLength(b, 0, b.length);
        }
        assertTrue(valid > 100, "some random runs are valid: " + valid);
    }

    private static FrameError err(byte[] b) {
        return StreamFrames.validate(b, 0, b.length);
    }

    private static FrameError err(byte[] b, int zeroFrom, int zeroLen) {
        // Zero the sender epoch (bytes 1..4) of a PACKET_NUMBER frame.
        byte[] c = b.clone();
        for (int i = 1; i <= 4; i++) {
            c[i] = 0;
        }
        return StreamFrames.validate(c, 0, c.length);
    }

    private static byte[] pn() {
        return new RunBuilder(1, 0, 0).build();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void ackFrameRejectsRangesThatWouldNotEncode() {
        AckFrame a = new AckFrame();
        a.clear(0);
        a.addRange(10, 12);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> a.addRange(8, 9),
                "no gap between 9 and 10");
        assertTrue(a.addRange(2, 8));
        assertArrayEquals(new long[] {2, 8}, new long[] {a.low(1), a.high(1)});
    }
}
