package io.mp2p.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class FramesTest {
    private static final int CASES = 5_000;
    private static final int MAX_FRAMES = 6;
    private static final int MAX_BODY = 200;

    /** Records frames as a flat list of values, cheap to build and compare. */
    static final class Recorder implements FrameVisitor {
        final List<Object> frames = new ArrayList<>();

        @Override
        public void onDatagram(byte[] buf, int off, int len) {
            frames.add('D');
            frames.add(ByteBuffer.wrap(Arrays.copyOfRange(buf, off, off + len)));
        }

        @Override
        public void onFragment(int messageId, int totalLength, int offset, byte[] buf, int off, int len) {
            frames.add('F');
            frames.add(messageId);
            frames.add(totalLength);
            frames.add(offset);
            frames.add(ByteBuffer.wrap(Arrays.copyOfRange(buf, off, off + len)));
        }

        @Override
        public void onKeepalive() {
            frames.add('K');
        }

        @Override
        public void onClose(int reason) {
            frames.add('C');
            frames.add(reason);
        }
    }

    @Test
    void randomFrameSequencesRoundTrip() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < CASES; i++) {
            int before = r.nextInt(16);
            byte[] buf = new byte[before + MAX_FRAMES * (Frames.FRAGMENT_HEADER + MAX_BODY) + 64];
            r.nextBytes(buf);
            List<Object> expected = new ArrayList<>();
            int p = before;
            int n = r.nextInt(MAX_FRAMES + 1);
            for (int f = 0; f < n; f++) {
                switch (r.nextInt(4)) {
                    case 0 -> {
                        byte[] msg = bytes(r, r.nextInt(MAX_BODY));
                        int end = Frames.writeDatagram(buf, p, msg, 0, msg.length);
                        assertEquals(p + Frames.datagramLength(msg.length), end);
                        p = end;
                        expected.add('D');
                        expected.add(ByteBuffer.wrap(msg));
                    }
                    case 1 -> {
                        byte[] data = bytes(r, 1 + r.nextInt(MAX_BODY));
                        int offset = r.nextInt(1000);
                        int total = offset + data.length + r.nextInt(1000);
                        int id = r.nextInt();
                        int end = Frames.writeFragment(buf, p, id, total, offset, data, 0, data.length);
                        assertEquals(p + Frames.fragmentLength(data.length), end);
                        p = end;
                        expected.addAll(List.of('F', id, total, offset, ByteBuffer.wrap(data)));
                    }
                    case 2 -> {
                        p = Frames.writeKeepalive(buf, p);
                        expected.add('K');
                    }
                    default -> {
                        int reason = r.nextInt(256);
                        int end = Frames.writeClose(buf, p, reason);
                        assertEquals(p + Frames.CLOSE_LENGTH, end);
                        p = end;
                        expected.add('C');
                        expected.add(reason);
                    }
                }
            }
            int padding = r.nextInt(3) == 0 ? r.nextInt(40) : 0;
            Arrays.fill(buf, p, p + padding, (byte) 0);
            int len = p + padding - before;
            assertNull(Frames.validate(buf, before, len));
            Recorder rec = new Recorder();
            Frames.visit(buf, before, len, rec);
            assertEquals(expected, rec.frames);
        }
    }

    @Test
    void truncatedSequencesAreBadFramesOrShorterSequences() {
        SplittableRandom r = new SplittableRandom(12);
        for (int i = 0; i < CASES; i++) {
            byte[] buf = new byte[Frames.fragmentLength(MAX_BODY)];
            byte[] data = bytes(r, 1 + r.nextInt(MAX_BODY));
            int end = r.nextBoolean()
                    ? Frames.writeDatagram(buf, 0, data, 0, data.length)
                    : Frames.writeFragment(buf, 0, r.nextInt(), data.length, 0, data, 0, data.length);
            int cut = 1 + r.nextInt(end - 1);
            assertEquals(WireError.BAD_FRAME, Frames.validate(buf, 0, cut), "a frame cut at " + cut + " of " + end);
        }
    }

    @Test
    void badFrames() {
        for (int t = Frames.RESERVED_FIRST; t <= 0xff; t++) {
            assertEquals(WireError.BAD_FRAME, Frames.validate(new byte[] {(byte) t, 0, 0}, 0, 3), "type " + t);
        }
        assertEquals(WireError.BAD_FRAME, Frames.validate(new byte[] {0, 0, 1}, 0, 3), "non-zero padding");
        assertEquals(WireError.BAD_FRAME, Frames.validate(new byte[] {(byte) Frames.CLOSE}, 0, 1), "close cut");
        byte[] frag = new byte[Frames.fragmentLength(1)];
        Frames.writeFragment(frag, 0, 1, 1, 0, new byte[] {7}, 0, 1);
        assertNull(Frames.validate(frag, 0, frag.length));
        byte[] zeroTotal = frag.clone();
        zeroTotal[5] = 0;
        zeroTotal[6] = 0;
        assertEquals(WireError.BAD_FRAME, Frames.validate(zeroTotal, 0, frag.length), "total 0");
        byte[] past = frag.clone();
        past[8] = 1; // offset 1 + length 1 > total 1
        assertEquals(WireError.BAD_FRAME, Frames.validate(past, 0, frag.length), "past the total");
        byte[] empty = frag.clone();
        empty[10] = 0;
        assertEquals(WireError.BAD_FRAME, Frames.validate(empty, 0, Frames.FRAGMENT_HEADER), "empty fragment");
        assertNull(Frames.validate(new byte[0], 0, 0), "an empty plaintext is a keepalive packet");
        assertThrows(IllegalArgumentException.class, () -> Frames.visit(past, 0, past.length, new Recorder()));
    }

    @Test
    void writersRefuseOutOfRangeFields() {
        byte[] buf = new byte[16];
        assertThrows(IllegalArgumentException.class, () -> Frames.writeClose(buf, 0, 256));
        assertThrows(IllegalArgumentException.class, () -> Frames.writeFragment(buf, 0, 1, 1, 1, buf, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Frames.writeFragment(buf, 0, 1, 0, 0, buf, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Frames.writeDatagram(buf, 0, new byte[70_000], 0, 70_000));
        assertEquals(1, Frames.writeKeepalive(buf, 0));
        assertEquals(Frames.KEEPALIVE, buf[0]);
    }

    @Test
    void padding() {
        byte[] buf = new byte[10];
        int end = Frames.writeKeepalive(buf, 0);
        assertEquals(1, end);
        Recorder rec = new Recorder();
        Frames.visit(buf, 0, buf.length, rec);
        assertArrayEquals(new Object[] {'K'}, rec.frames.toArray());
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
