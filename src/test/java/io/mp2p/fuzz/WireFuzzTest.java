package io.mp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mp2p.stream.AckFrame;
import io.mp2p.stream.FrameError;
import io.mp2p.stream.StreamFrameVisitor;
import io.mp2p.stream.StreamFrames;
import io.mp2p.wire.CookieReply;
import io.mp2p.wire.FrameVisitor;
import io.mp2p.wire.Frames;
import io.mp2p.wire.HandshakeInitiation;
import io.mp2p.wire.HandshakeResponse;
import io.mp2p.wire.InitiationPayload;
import io.mp2p.wire.PacketType;
import io.mp2p.wire.Parsed;
import io.mp2p.wire.TransportData;
import io.mp2p.wire.WireError;

/**
 * Coverage-guided fuzzing (Jazzer) of every packet parser (spec/PROTOCOL.md §4-§5) and of the stream
 * frames (spec/STREAMS.md §3). Each parser must never throw for any bytes, at any offset, and its
 * verdict must agree with the dispatcher's ({@link PacketType#peek}). In {@code mvn verify} the
 * methods replay the committed inputs under {@code src/test/resources/io/mp2p/fuzz/WireFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=WireFuzzTest#frames -Djazzer.max_duration=10m} fuzzes one for real.
 */
class WireFuzzTest {
    /** Bytes put before the packet, so that parsers are also checked at a non-zero offset. */
    private static final int SLACK = 3;

    private static byte[] shifted(byte[] data) {
        byte[] b = new byte[data.length + 2 * SLACK];
        System.arraycopy(data, 0, b, SLACK, data.length);
        return b;
    }

    /** A verdict is a value or an error, never both and never neither. */
    private static <T> void wellFormed(Parsed<T> p) {
        if (p.isOk()) {
            assertNotNull(p.value());
        } else {
            assertNotNull(p.error());
        }
    }

    private static <T> void sameAtAnOffset(byte[] data, Parsed<T> at0, Parsed<T> atSlack) {
        assertEquals(at0.isOk(), atSlack.isOk(), "the verdict must not depend on the offset");
        if (at0.isOk()) {
            assertEquals(at0.value().toString(), atSlack.value().toString());
        } else {
            assertEquals(at0.error(), atSlack.error());
        }
    }

    /** A packet a parser accepts passes the dispatcher with that type. */
    private static void dispatchAgrees(byte[] data, Parsed<?> p, PacketType type) {
        if (p.isOk()) {
            Parsed<PacketType> t = PacketType.peek(data, 0, data.length);
            assertTrue(t.isOk() && t.value() == type, "peek disagrees with the " + type + " parser");
        }
    }

    @FuzzTest
    void packetType(byte[] data) {
        Parsed<PacketType> p = PacketType.peek(data, 0, data.length);
        wellFormed(p);
        sameAtAnOffset(data, p, PacketType.peek(shifted(data), SLACK, data.length));
        // Bad ranges are verdicts too, never exceptions.
        wellFormed(PacketType.peek(data, data.length, 1));
        wellFormed(PacketType.peek(data, -1, data.length));
    }

    @FuzzTest
    void handshakeInitiation(byte[] data) {
        Parsed<HandshakeInitiation> p = HandshakeInitiation.parse(data, 0, data.length);
        wellFormed(p);
        sameAtAnOffset(data, p, HandshakeInitiation.parse(shifted(data), SLACK, data.length));
        dispatchAgrees(data, p, PacketType.HANDSHAKE_INITIATION);
        if (p.isOk()) {
            assertEquals(HandshakeInitiation.LENGTH, data.length);
        }
        // The decrypted payload has its own parser: any 80 bytes (or other lengths) must get a verdict.
        Parsed<InitiationPayload> payload = InitiationPayload.parse(data, 0, data.length);
        wellFormed(payload);
        sameAtAnOffset(data, payload, InitiationPayload.parse(shifted(data), SLACK, data.length));
    }

    @FuzzTest
    void handshakeResponse(byte[] data) {
        Parsed<HandshakeResponse> p = HandshakeResponse.parse(data, 0, data.length);
        wellFormed(p);
        sameAtAnOffset(data, p, HandshakeResponse.parse(shifted(data), SLACK, data.length));
        dispatchAgrees(data, p, PacketType.HANDSHAKE_RESPONSE);
        if (p.isOk()) {
            assertEquals(HandshakeResponse.LENGTH, data.length);
        }
        if (data.length >= Integer.BYTES) {
            HandshakeResponse.decodePayload(java.util.Arrays.copyOf(data, Integer.BYTES));
        }
    }

    @FuzzTest
    void cookieReply(byte[] data) {
        Parsed<CookieReply> p = CookieReply.parse(data, 0, data.length);
        wellFormed(p);
        sameAtAnOffset(data, p, CookieReply.parse(shifted(data), SLACK, data.length));
        dispatchAgrees(data, p, PacketType.COOKIE_REPLY);
        if (p.isOk()) {
            assertEquals(CookieReply.LENGTH, data.length);
        }
    }

    @FuzzTest
    void transportDataHeader(byte[] data) {
        Parsed<TransportData> p = TransportData.parseHeader(data, 0, data.length);
        wellFormed(p);
        sameAtAnOffset(data, p, TransportData.parseHeader(shifted(data), SLACK, data.length));
        dispatchAgrees(data, p, PacketType.TRANSPORT_DATA);
        // The engine reads headers without objects (checkHeader, receiverIndex, counter): same verdicts, same fields.
        Parsed<TransportData> bad = TransportData.checkHeader(data, 0, data.length);
        assertEquals(p.isOk(), bad == null, "checkHeader and parseHeader disagree");
        if (p.isOk()) {
            assertTrue(data.length >= TransportData.MIN_LENGTH);
            assertEquals(p.value().receiverIndex(), TransportData.receiverIndex(data, 0));
            assertEquals(p.value().counter(), TransportData.counter(data, 0));
        } else {
            assertEquals(p.error(), bad.error());
        }
    }

    /** Counts what a visit reports and checks every range it hands out lies inside the plaintext. */
    private static final class CheckingVisitor implements FrameVisitor {
        final int lo;
        final int hi;
        int frames;

        CheckingVisitor(int lo, int hi) {
            this.lo = lo;
            this.hi = hi;
        }

        private void inside(int off, int len) {
            assertTrue(len >= 0 && off >= lo && off + len <= hi, "range outside the plaintext");
            frames++;
        }

        @Override
        public void onDatagram(byte[] buf, int off, int len) {
            inside(off, len);
        }

        @Override
        public void onFragment(int messageId, int totalLength, int offset, byte[] buf, int off, int len) {
            inside(off, len);
            assertTrue(len >= 1 && offset + len <= totalLength, "an inconsistent fragment passed validate");
        }

        @Override
        public void onKeepalive() {
            frames++;
        }

        @Override
        public void onClose(int reason) {
            assertTrue(reason >= 0 && reason <= 0xff);
            frames++;
        }

        @Override
        public void onStreamRun(byte[] buf, int off, int len) {
            inside(off, len);
            assertNull(StreamFrames.validate(buf, off, len), "a run visit() reports must validate on its own");
        }
    }

    @FuzzTest
    void frames(byte[] data) {
        WireError e = Frames.validate(data, 0, data.length);
        byte[] s = shifted(data);
        assertEquals(e, Frames.validate(s, SLACK, data.length), "the verdict must not depend on the offset");
        if (e == null) {
            CheckingVisitor v = new CheckingVisitor(SLACK, SLACK + data.length);
            Frames.visit(s, SLACK, data.length, v);
        } else {
            assertEquals(WireError.BAD_FRAME, e);
            try {
                Frames.visit(data, 0, data.length, new CheckingVisitor(0, data.length));
                throw new AssertionError("visit() must refuse what validate() refuses");
            } catch (IllegalArgumentException expected) {
                // the documented refusal
            }
        }
    }

    /** Checks each stream frame field is in its documented range. */
    private static final class StreamChecker implements StreamFrameVisitor {
        final int lo;
        final int hi;
        int frames;

        StreamChecker(int lo, int hi) {
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        public void onPacketNumber(int senderEpoch, int receiverEpoch, long packetNumber) {
            assertTrue(frames == 0, "PACKET_NUMBER must come first");
            assertTrue(packetNumber >= 0);
            frames++;
        }

        @Override
        public void onAck(AckFrame ack) {
            assertNotNull(ack);
            frames++;
        }

        @Override
        public void onStream(long streamId, long offset, int port, boolean fin, byte[] buf, int off, int len) {
            assertTrue(streamId >= 0 && offset >= 0 && len >= 0 && off >= lo && off + len <= hi);
            frames++;
        }

        @Override
        public void onResetStream(long streamId, long errorCode, long finalSize) {
            assertTrue(streamId >= 0 && finalSize >= 0);
            frames++;
        }

        @Override
        public void onStopSending(long streamId, long errorCode) {
            frames++;
        }

        @Override
        public void onMaxData(long maximumData) {
            frames++;
        }

        @Override
        public void onMaxStreamData(long streamId, long maximumStreamData) {
            frames++;
        }

        @Override
        public void onMaxStreams(long maximumStreams) {
            frames++;
        }

        @Override
        public void onPing() {
            frames++;
        }
    }

    @FuzzTest
    void streamFrames(byte[] data) {
        byte[] s = shifted(data);
        int run = StreamFrames.runLength(data, 0, data.length);
        assertEquals(run, StreamFrames.runLength(s, SLACK, SLACK + data.length), "runLength depends on the offset");
        assertTrue(run == -1 || (run > 0 && run <= data.length), "runLength out of range: " + run);
        FrameError whole = StreamFrames.validate(data, 0, data.length);
        StreamChecker v = new StreamChecker(SLACK, SLACK + data.length);
        FrameError visited = StreamFrames.visit(s, SLACK, data.length, v);
        assertEquals(whole, visited, "visit and validate disagree");
        if (visited == null) {
            assertTrue(v.frames >= 1, "a valid run has its PACKET_NUMBER");
            assertEquals(data.length, run, "a valid run is one run whole");
        } else {
            assertEquals(0, v.frames, "nothing is visited in a malformed run");
        }
        if (run > 0) {
            assertNull(StreamFrames.validate(data, 0, run), "what runLength measures validates");
        }
        // Bad ranges are verdicts.
        assertEquals(-1, StreamFrames.runLength(data, 1, 0));
        assertEquals(-1, StreamFrames.runLength(null, 0, 0));
    }
}
