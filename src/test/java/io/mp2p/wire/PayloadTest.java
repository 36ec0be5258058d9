package io.mp2p.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mp2p.identity.PeerKey;

class PayloadTest {
    private static final int CASES = 5_000;
    private static final long NANOS = 1_000_000_000L;

    private static final byte[] RESPONSE_KEY = HexFormat.of().parseHex("c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3");

    @Test
    void initiationPayloadRoundTrip() throws UnknownHostException {
        SplittableRandom r = new SplittableRandom(21);
        for (int i = 0; i < CASES; i++) {
            PeerKey id = TestKeys.random(r);
            byte[] ts = Tai64n.fromUnixNanos(r.nextLong());
            InetSocketAddress reply = switch (r.nextInt(3)) {
                case 0 -> null;
                case 1 -> new InetSocketAddress(InetAddress.getByAddress(bytes(r, 4)), 1 + r.nextInt(65535));
                default -> {
                    byte[] a = bytes(r, 16);
                    a[0] = (byte) 0xff; // a multicast address, never IPv4-mapped
                    yield new InetSocketAddress(InetAddress.getByAddress(a), 1 + r.nextInt(65535));
                }
            };
            byte[] encoded = InitiationPayload.encode(id, ts, reply, RESPONSE_KEY);
            assertEquals(InitiationPayload.LENGTH, encoded.length);
            int before = r.nextInt(8);
            byte[] buf = new byte[before + encoded.length + r.nextInt(8)];
            System.arraycopy(encoded, 0, buf, before, encoded.length);
            Parsed<InitiationPayload> p = InitiationPayload.parse(buf, before, encoded.length);
            assertTrue(p.isOk(), p::toString);
            assertEquals(id, p.value().identity());
            assertArrayEquals(ts, p.value().timestamp());
            assertEquals(reply, p.value().replyAddress());
            int family = reply == null ? InitiationPayload.FAMILY_SOURCE
                    : reply.getAddress() instanceof Inet4Address ? InitiationPayload.FAMILY_IPV4 : InitiationPayload.FAMILY_IPV6;
            assertEquals(family, p.value().replyFamily());
            assertArrayEquals(RESPONSE_KEY, p.value().responseKey());
        }
    }

    @Test
    void theResponseKeyIsTheLast16BytesAndIsWipedByDestroy() {
        byte[] key = new byte[InitiationPayload.RESPONSE_KEY_LENGTH];
        new SplittableRandom(24).nextBytes(key);
        byte[] enc = InitiationPayload.encode(TestKeys.key(1), Tai64n.fromUnixNanos(NANOS), null, key);
        assertArrayEquals(key, java.util.Arrays.copyOfRange(enc, InitiationPayload.LENGTH - key.length,
                InitiationPayload.LENGTH));
        InitiationPayload p = InitiationPayload.parse(enc, 0, enc.length).value();
        assertArrayEquals(key, p.responseKey());
        p.destroy();
        assertArrayEquals(new byte[key.length], p.responseKey());
        assertThrows(IllegalArgumentException.class,
                () -> InitiationPayload.encode(TestKeys.key(1), Tai64n.fromUnixNanos(NANOS), null, new byte[15]));
    }

    @Test
    void flippedPayloadsNeverThrow() {
        SplittableRandom r = new SplittableRandom(22);
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] p = InitiationPayload.encode(TestKeys.random(r), Tai64n.fromUnixNanos(r.nextLong()), null, RESPONSE_KEY);
            int bit = r.nextInt(p.length * Byte.SIZE);
            p[bit / Byte.SIZE] ^= (byte) (1 << (bit % Byte.SIZE));
            Parsed<InitiationPayload> parsed = InitiationPayload.parse(p, 0, p.length);
            if (!parsed.isOk()) {
                refused++;
            }
            int byteIndex = bit / Byte.SIZE;
            if (byteIndex >= InitiationPayload.FAMILY_OFFSET && byteIndex < InitiationPayload.RESPONSE_KEY_OFFSET) {
                assertFalse(parsed.isOk(), "family 0 with any non-zero byte after it (up to the response key) is refused");
            }
            if (byteIndex >= InitiationPayload.RESPONSE_KEY_OFFSET) {
                assertTrue(parsed.isOk(), "the response key is any 16 bytes");
            }
        }
        assertTrue(refused > 0);
    }

    @Test
    void payloadFieldErrors() throws UnknownHostException {
        PeerKey id = TestKeys.key(0);
        byte[] ts = Tai64n.fromUnixNanos(0);
        byte[] v4 = InitiationPayload.encode(id, ts, new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 239, 1, 2, 3}), 41414), RESPONSE_KEY);
        assertTrue(InitiationPayload.parse(v4, 0, v4.length).isOk());

        byte[] b = v4.clone();
        b[InitiationPayload.ADDRESS_OFFSET + 4] = 1;
        assertEquals(WireError.BAD_FIELD, InitiationPayload.parse(b, 0, b.length).error(), "IPv4 trailing bytes");
        b = v4.clone();
        b[InitiationPayload.PORT_OFFSET] = 0;
        b[InitiationPayload.PORT_OFFSET + 1] = 0;
        assertEquals(WireError.BAD_FIELD, InitiationPayload.parse(b, 0, b.length).error(), "port 0");
        b = v4.clone();
        b[InitiationPayload.FAMILY_OFFSET] = 5;
        assertEquals(WireError.BAD_FIELD, InitiationPayload.parse(b, 0, b.length).error(), "family 5");
        b = v4.clone();
        b[InitiationPayload.RESERVED_OFFSET] = 1;
        assertEquals(WireError.RESERVED_NONZERO, InitiationPayload.parse(b, 0, b.length).error());
        b = v4.clone();
        b[InitiationPayload.TIMESTAMP_OFFSET + 8] = (byte) 0xff;
        assertEquals(WireError.BAD_FIELD, InitiationPayload.parse(b, 0, b.length).error(), "nanos >= 1e9");
        b = v4.clone();
        b[InitiationPayload.FAMILY_OFFSET] = InitiationPayload.FAMILY_IPV6;
        b[InitiationPayload.ADDRESS_OFFSET + 10] = (byte) 0xff;
        b[InitiationPayload.ADDRESS_OFFSET + 11] = (byte) 0xff;
        b[InitiationPayload.ADDRESS_OFFSET + 12] = 10;
        b[InitiationPayload.ADDRESS_OFFSET + 1] = 0;
        b[InitiationPayload.ADDRESS_OFFSET + 2] = 0;
        b[InitiationPayload.ADDRESS_OFFSET + 3] = 0;
        b[InitiationPayload.ADDRESS_OFFSET] = 0;
        assertEquals(WireError.BAD_FIELD, InitiationPayload.parse(b, 0, b.length).error(), "IPv4-mapped under family 6");

        byte[] source = InitiationPayload.encode(id, ts, null, RESPONSE_KEY);
        Parsed<InitiationPayload> p = InitiationPayload.parse(source, 0, source.length);
        assertNull(p.value().replyAddress());
        b = source.clone();
        b[InitiationPayload.PORT_OFFSET + 1] = 1;
        assertEquals(WireError.BAD_FIELD, InitiationPayload.parse(b, 0, b.length).error(), "family 0 with a port");
        b = source.clone();
        for (int i = 0; i < PeerKey.LENGTH; i++) {
            b[i] = 0;
        }
        assertEquals(WireError.BAD_FIELD, InitiationPayload.parse(b, 0, b.length).error(), "invalid identity");
        assertEquals(WireError.BAD_LENGTH, InitiationPayload.parse(source, 0, source.length - 1).error());

        assertThrows(IllegalArgumentException.class, () -> InitiationPayload.encode(id, new byte[3], null, RESPONSE_KEY));
        assertThrows(IllegalArgumentException.class,
                () -> InitiationPayload.encode(id, ts, InetSocketAddress.createUnresolved("example.org", 1), RESPONSE_KEY));
        byte[] v6 = InitiationPayload.encode(id, ts, new InetSocketAddress(InetAddress.getByName("ff12::1"), 5), RESPONSE_KEY);
        assertTrue(InitiationPayload.parse(v6, 0, v6.length).value().replyAddress().getAddress() instanceof Inet6Address);
        assertEquals(5, InitiationPayload.parse(v6, 0, v6.length).value().replyAddress().getPort());
    }

    @Test
    void payloadTimestampIsACopy() {
        byte[] enc = InitiationPayload.encode(TestKeys.key(1), Tai64n.fromUnixNanos(NANOS), null, RESPONSE_KEY);
        InitiationPayload p = InitiationPayload.parse(enc, 0, enc.length).value();
        p.timestamp()[0] ^= 1;
        assertArrayEquals(Tai64n.fromUnixNanos(NANOS), p.timestamp());
    }

    @Test
    void tai64nKnownValues() {
        HexFormat hex = HexFormat.of();
        assertEquals("400000000000000000000000", hex.formatHex(Tai64n.fromUnixNanos(0)));
        // The whole Unix time is rounded: 1 s + 2^24 ns + 5 ns becomes 60 * 2^24 ns = 1 s + 6,632,960 ns.
        assertEquals("400000000000000100653600", hex.formatHex(Tai64n.fromUnixNanos(NANOS + (1 << 24) + 5)));
        assertEquals("400000000000000100653600", hex.formatHex(Tai64n.fromUnixNanos(60L << 24)));
        // Just before the epoch: rounded down into second -1.
        assertEquals("3fffffffffffffff" + String.format("%08x", NANOS - (1 << 24)), hex.formatHex(Tai64n.fromUnixNanos(-1)));
        byte[] last = hex.parseHex("400000000000000a3b9ac9ff"); // nanos 999,999,999
        assertEquals("400000000000000b00000000", hex.formatHex(Tai64n.plusOneNano(last)));
        assertEquals("400000000000000a00000001", hex.formatHex(Tai64n.plusOneNano(hex.parseHex("400000000000000a00000000"))));
        assertThrows(IllegalArgumentException.class, () -> Tai64n.compare(new byte[11], last));
    }

    @Test
    void tai64nOrderFollowsTime() {
        SplittableRandom r = new SplittableRandom(23);
        long rounding = 1L << 24;
        for (int i = 0; i < CASES; i++) {
            long a = r.nextLong(-Long.MAX_VALUE / 2, Long.MAX_VALUE / 2);
            long b = a + r.nextLong(-10 * NANOS, 10 * NANOS);
            byte[] ta = Tai64n.fromUnixNanos(a);
            byte[] tb = Tai64n.fromUnixNanos(b);
            int expected = Long.compare(Math.floorDiv(a, rounding), Math.floorDiv(b, rounding));
            assertEquals(expected, Integer.signum(Tai64n.compare(ta, tb)));
            byte[] next = Tai64n.plusOneNano(ta);
            assertTrue(Tai64n.compare(next, ta) > 0);
            assertTrue(Tai64n.compare(next, Tai64n.fromUnixNanos(a + rounding)) < 0);
        }
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
