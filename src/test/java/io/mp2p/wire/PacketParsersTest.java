package io.mp2p.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.SplittableRandom;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

class PacketParsersTest {
    private static final int CASES = 5_000;
    private static final int MAX_RANDOM_LENGTH = 300;
    private static final int MAX_SLACK = 40;

    /** A packet written at a random offset of a bigger random array. */
    private record Placed(byte[] buf, int off, int len) {
    }

    private static Placed place(SplittableRandom r, int len) {
        int before = r.nextInt(MAX_SLACK);
        byte[] buf = new byte[before + len + r.nextInt(MAX_SLACK)];
        r.nextBytes(buf);
        return new Placed(buf, before, len);
    }

    private static int knownSuite(SplittableRandom r) {
        return r.nextBoolean() ? SuiteId.AESGCM_SHA256 : SuiteId.CHACHAPOLY_BLAKE2S;
    }

    @Test
    void initiationRoundTrip() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < CASES; i++) {
            Placed p = place(r, HandshakeInitiation.LENGTH);
            int suite = knownSuite(r);
            int index = r.nextInt();
            HandshakeInitiation.writeHeader(p.buf, p.off, suite, index);
            Parsed<HandshakeInitiation> parsed = HandshakeInitiation.parse(p.buf, p.off, p.len);
            assertTrue(parsed.isOk(), parsed::toString);
            assertEquals(suite, parsed.value().suite());
            assertEquals(index, parsed.value().senderIndex());
            assertEquals(PacketType.HANDSHAKE_INITIATION, PacketType.peek(p.buf, p.off, p.len).value());
        }
    }

    @Test
    void responseRoundTrip() {
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < CASES; i++) {
            Placed p = place(r, HandshakeResponse.LENGTH);
            int index = r.nextInt();
            HandshakeResponse.writeHeader(p.buf, p.off, index);
            Parsed<HandshakeResponse> parsed = HandshakeResponse.parse(p.buf, p.off, p.len);
            assertTrue(parsed.isOk(), parsed::toString);
            assertEquals(index, parsed.value().receiverIndex());
            int sender = r.nextInt();
            byte[] payload = HandshakeResponse.encodePayload(sender);
            assertEquals(HandshakeResponse.PAYLOAD_LENGTH, payload.length);
            assertEquals(sender, HandshakeResponse.decodePayload(payload));
        }
    }

    @Test
    void cookieReplyRoundTrip() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < CASES; i++) {
            Placed p = place(r, CookieReply.LENGTH);
            int index = r.nextInt();
            CookieReply.writeHeader(p.buf, p.off, index);
            Parsed<CookieReply> parsed = CookieReply.parse(p.buf, p.off, p.len);
            assertTrue(parsed.isOk(), parsed::toString);
            assertEquals(index, parsed.value().receiverIndex());
        }
    }

    @Test
    void transportRoundTrip() {
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < CASES; i++) {
            Placed p = place(r, TransportData.MIN_LENGTH + r.nextInt(1300));
            int index = r.nextInt();
            long counter = r.nextLong();
            TransportData.writeHeader(p.buf, p.off, index, counter);
            Parsed<TransportData> parsed = TransportData.parseHeader(p.buf, p.off, p.len);
            assertTrue(parsed.isOk(), parsed::toString);
            assertEquals(index, parsed.value().receiverIndex());
            assertEquals(counter, parsed.value().counter());
        }
    }

    private static final Function<Placed, Parsed<?>>[] PARSERS = parsers();

    @SuppressWarnings("unchecked")
    private static Function<Placed, Parsed<?>>[] parsers() {
        return new Function[] {
            (Function<Placed, Parsed<?>>) p -> PacketType.peek(p.buf, p.off, p.len),
            (Function<Placed, Parsed<?>>) p -> HandshakeInitiation.parse(p.buf, p.off, p.len),
            (Function<Placed, Parsed<?>>) p -> HandshakeResponse.parse(p.buf, p.off, p.len),
            (Function<Placed, Parsed<?>>) p -> CookieReply.parse(p.buf, p.off, p.len),
            (Function<Placed, Parsed<?>>) p -> TransportData.parseHeader(p.buf, p.off, p.len),
            (Function<Placed, Parsed<?>>) p -> InitiationPayload.parse(p.buf, p.off, p.len),
        };
    }

    @Test
    void randomBytesNeverThrow() {
        SplittableRandom r = new SplittableRandom(5);
        int ok = 0;
        for (int i = 0; i < CASES; i++) {
            Placed p = place(r, r.nextInt(MAX_RANDOM_LENGTH + 1));
            if (r.nextInt(4) == 0 && p.len >= Header.LENGTH) {
                // bias toward a plausible header so deeper checks run too
                p.buf[p.off] = (byte) (1 + r.nextInt(4));
                p.buf[p.off + 1] = (byte) Header.PROTOCOL_VERSION;
                p.buf[p.off + 3] = 0;
            }
            for (Function<Placed, Parsed<?>> parser : PARSERS) {
                Parsed<?> result = parser.apply(p);
                if (result.isOk()) {
                    ok++;
                } else {
                    assertNotNull(result.error());
                    assertNotNull(result.detail());
                    assertThrows(IllegalStateException.class, result::value);
                }
            }
            WireError e = Frames.validate(p.buf, p.off, p.len);
            if (e == null) {
                Frames.visit(p.buf, p.off, p.len, new FramesTest.Recorder());
            }
        }
        assertTrue(ok > 0, "the biased inputs should sometimes parse");
    }

    @Test
    void badRangesAreErrorsNotExceptions() {
        byte[] buf = new byte[HandshakeInitiation.LENGTH];
        HandshakeInitiation.writeHeader(buf, 0, SuiteId.AESGCM_SHA256, 7);
        Placed[] bad = {new Placed(buf, -1, 10), new Placed(buf, 10, -1), new Placed(buf, 1, buf.length),
            new Placed(null, 0, 0), new Placed(buf, Integer.MAX_VALUE, Integer.MAX_VALUE)};
        for (Placed p : bad) {
            for (Function<Placed, Parsed<?>> parser : PARSERS) {
                assertEquals(WireError.BAD_LENGTH, parser.apply(p).error());
            }
            assertEquals(WireError.BAD_LENGTH, Frames.validate(p.buf, p.off, p.len));
        }
    }

    @Test
    void bitFlipsNeverThrowAndHeaderFlipsAreRefused() {
        SplittableRandom r = new SplittableRandom(6);
        for (int i = 0; i < CASES; i++) {
            int kind = r.nextInt(4);
            int len = switch (kind) {
                case 0 -> HandshakeInitiation.LENGTH;
                case 1 -> HandshakeResponse.LENGTH;
                case 2 -> CookieReply.LENGTH;
                default -> TransportData.MIN_LENGTH + r.nextInt(64);
            };
            Placed p = place(r, len);
            switch (kind) {
                case 0 -> HandshakeInitiation.writeHeader(p.buf, p.off, knownSuite(r), r.nextInt());
                case 1 -> HandshakeResponse.writeHeader(p.buf, p.off, r.nextInt());
                case 2 -> CookieReply.writeHeader(p.buf, p.off, r.nextInt());
                default -> TransportData.writeHeader(p.buf, p.off, r.nextInt(), r.nextLong());
            }
            int bit = r.nextInt(len * Byte.SIZE);
            p.buf[p.off + bit / Byte.SIZE] ^= (byte) (1 << (bit % Byte.SIZE));
            Parsed<?> own = PARSERS[kind + 1].apply(p);
            for (Function<Placed, Parsed<?>> parser : PARSERS) {
                parser.apply(p);
            }
            if (bit / Byte.SIZE < Header.LENGTH) {
                assertFalse(own.isOk(), () -> "a flipped header bit must be refused: " + own);
            } else {
                assertTrue(own.isOk(), () -> "only the header is checked: " + own);
            }
        }
    }

    @Test
    void everyWireErrorIsProduced() {
        EnumSet<WireError> seen = EnumSet.noneOf(WireError.class);
        byte[] init = new byte[HandshakeInitiation.LENGTH];
        HandshakeInitiation.writeHeader(init, 0, SuiteId.AESGCM_SHA256, 1);

        assertEquals(WireError.TOO_SHORT, record(seen, PacketType.peek(init, 0, Header.LENGTH - 1)));
        assertEquals(WireError.TOO_SHORT, record(seen, TransportData.parseHeader(init, 0, TransportData.MIN_LENGTH - 1)));
        assertEquals(WireError.BAD_LENGTH, record(seen, HandshakeInitiation.parse(init, 0, HandshakeInitiation.LENGTH - 1)));

        byte[] b = init.clone();
        b[0] = 9;
        assertEquals(WireError.UNKNOWN_TYPE, record(seen, PacketType.peek(b, 0, b.length)));
        b[0] = 0;
        assertEquals(WireError.UNKNOWN_TYPE, record(seen, PacketType.peek(b, 0, b.length)));
        assertEquals(WireError.UNKNOWN_TYPE, record(seen, HandshakeResponse.parse(init, 0, HandshakeResponse.LENGTH)));

        b = init.clone();
        b[1] = 2;
        assertEquals(WireError.UNSUPPORTED_VERSION, record(seen, HandshakeInitiation.parse(b, 0, b.length)));

        b = init.clone();
        b[2] = 3;
        assertEquals(WireError.UNKNOWN_SUITE, record(seen, HandshakeInitiation.parse(b, 0, b.length)));
        assertTrue(PacketType.peek(b, 0, b.length).isOk(), "peek leaves the initiation suite to parse()");

        b = init.clone();
        b[3] = 1;
        assertEquals(WireError.RESERVED_NONZERO, record(seen, HandshakeInitiation.parse(b, 0, b.length)));
        byte[] resp = new byte[HandshakeResponse.LENGTH];
        HandshakeResponse.writeHeader(resp, 0, 1);
        resp[2] = SuiteId.AESGCM_SHA256;
        assertEquals(WireError.RESERVED_NONZERO, record(seen, HandshakeResponse.parse(resp, 0, resp.length)));

        byte[] payload = new byte[InitiationPayload.LENGTH];
        assertEquals(WireError.BAD_FIELD, record(seen, InitiationPayload.parse(payload, 0, payload.length)));

        byte[] frames = {(byte) Frames.RESERVED_FIRST};
        WireError frameError = Frames.validate(frames, 0, frames.length);
        assertEquals(WireError.BAD_FRAME, frameError);
        seen.add(frameError);

        assertEquals(EnumSet.allOf(WireError.class), seen);
    }

    private static WireError record(EnumSet<WireError> seen, Parsed<?> p) {
        assertFalse(p.isOk());
        seen.add(p.error());
        return p.error();
    }

    @Test
    void parsedAccessors() {
        Parsed<String> ok = Parsed.ok("x");
        assertTrue(ok.isOk());
        assertEquals("x", ok.value());
        assertEquals(null, ok.error());
        Parsed<String> err = Parsed.error(WireError.BAD_FIELD, "why");
        assertEquals("why", err.detail());
        assertThrows(IllegalStateException.class, err::value);
    }

    @Test
    void headerWritesTypeVersionSuiteZero() {
        byte[] b = {9, 9, 9, 9};
        Header.write(b, 0, PacketType.COOKIE_REPLY, 0);
        assertEquals(3, b[0]);
        assertEquals(Header.PROTOCOL_VERSION, b[1]);
        assertEquals(0, b[2]);
        assertEquals(0, b[3]);
        byte[] t = new byte[TransportData.HEADER_LENGTH];
        TransportData.writeHeader(t, 0, 0x01020304, 0x05060708090a0b0cL);
        assertEquals(0x01, t[4]);
        assertEquals(0x04, t[7]);
        assertEquals(0x05, t[8]);
        assertEquals(0x0c, t[15]);
        assertThrows(IllegalArgumentException.class, () -> HandshakeResponse.decodePayload(new byte[3]));
    }
}
