package io.mp2p.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimiterTest {

    private static final int PPS = 20;
    private static final int BURST = 5;
    private static final long COST = 1_000_000_000L / PPS;
    private static final long SECOND = 1_000_000_000L;
    // Near the wrap point of the clock, to check comparisons by subtraction.
    private static final long T0 = Long.MAX_VALUE - 2 * SECOND;

    /** Literal addresses only: InetAddress.getByName does no lookup for them. */
    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private static int allowedInARow(RateLimiter limiter, InetAddress source, long now) {
        int n = 0;
        while (limiter.allow(source, now)) {
            n++;
            if (n > 1000) {
                break;
            }
        }
        return n;
    }

    @Test
    void burstThenRefillRate() throws Exception {
        RateLimiter limiter = new RateLimiter(PPS, BURST, 100);
        InetAddress a = ip("192.0.2.1");
        assertEquals(BURST, allowedInARow(limiter, a, T0));
        assertFalse(limiter.allow(a, T0 + COST - 1));
        assertTrue(limiter.allow(a, T0 + COST));
        assertFalse(limiter.allow(a, T0 + COST));
        // A long pause refills the bucket to the burst, not beyond.
        assertEquals(BURST, allowedInARow(limiter, a, T0 + 100 * SECOND));
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L})
    void sustainedRateMatchesConfiguration(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        RateLimiter limiter = new RateLimiter(PPS, BURST, 100);
        InetAddress a = ip("198.51.100.7");
        long now = T0;
        long end = T0 + 10 * SECOND;
        int allowed = 0;
        while (now - end < 0) {
            if (limiter.allow(a, now)) {
                allowed++;
            }
            now += rnd.nextLong(1, COST / 4); // far faster than the rate
        }
        // A burst plus the rate over ten seconds, give or take one packet of rounding.
        int expected = BURST + 10 * PPS;
        assertTrue(Math.abs(allowed - expected) <= 1, "allowed " + allowed);
    }

    @Test
    void ipv6GroupedByPrefix64() throws Exception {
        RateLimiter limiter = new RateLimiter(PPS, BURST, 100);
        assertEquals(BURST, allowedInARow(limiter, ip("2001:db8:1:2::1"), T0));
        assertFalse(limiter.allow(ip("2001:db8:1:2:ffff:ffff:ffff:fffe"), T0));
        assertEquals(1, limiter.size());
        assertEquals(BURST, allowedInARow(limiter, ip("2001:db8:1:3::1"), T0));
        assertEquals(2, limiter.size());
    }

    @Test
    void ipv4SourcesAreIndependent() throws Exception {
        RateLimiter limiter = new RateLimiter(PPS, BURST, 100);
        assertEquals(BURST, allowedInARow(limiter, ip("192.0.2.1"), T0));
        assertEquals(BURST, allowedInARow(limiter, ip("192.0.2.2"), T0));
        assertEquals(BURST, allowedInARow(limiter, ip("10.0.0.1"), T0));
        // An IPv4 address and an IPv6 prefix with the same bits are different sources.
        assertEquals(BURST, allowedInARow(limiter, ip("::c000:201"), T0));
        assertEquals(4, limiter.size());
        assertEquals(4, limiter.deniedCount());
    }

    @Test
    void fullTableRefusesNewSourcesUntilIdleOnesAreCollected() throws Exception {
        RateLimiter limiter = new RateLimiter(PPS, BURST, 3);
        assertTrue(limiter.allow(ip("192.0.2.1"), T0));
        assertTrue(limiter.allow(ip("192.0.2.2"), T0));
        assertTrue(limiter.allow(ip("192.0.2.3"), T0));
        assertFalse(limiter.allow(ip("192.0.2.4"), T0));
        assertEquals(1, limiter.refusedTableFull());
        assertEquals(3, limiter.size());
        assertTrue(limiter.allow(ip("192.0.2.1"), T0 + SECOND / 2)); // known sources still served
        assertFalse(limiter.allow(ip("192.0.2.4"), T0 + SECOND));
        assertEquals(2, limiter.refusedTableFull());
        // .2 and .3 have now been idle for more than a second; .1 has not.
        assertTrue(limiter.allow(ip("192.0.2.4"), T0 + SECOND + SECOND / 4));
        assertEquals(2, limiter.size());
    }

    @Test
    void idleEntriesAreCollected() throws Exception {
        RateLimiter limiter = new RateLimiter(PPS, BURST, 100);
        for (int i = 1; i <= 50; i++) {
            assertTrue(limiter.allow(ip("192.0.2." + i), T0));
        }
        InetAddress busy = ip("2001:db8::1");
        for (long t = T0; t - (T0 + 3 * SECOND) < 0; t += COST) {
            assertTrue(limiter.allow(busy, t));
        }
        assertEquals(1, limiter.size());
        // A collected source starts again with a full bucket, as wireguard-go does.
        assertEquals(BURST, allowedInARow(limiter, ip("192.0.2.1"), T0 + 3 * SECOND));
    }

    @Test
    void badArgumentsAreRefused() throws Exception {
        RateLimiter limiter = new RateLimiter(PPS, BURST, 100);
        assertFalse(limiter.allow(null, T0));
        assertEquals(0, limiter.size());
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, BURST, 1));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(PPS, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(PPS, BURST, 0));
    }

    @Test
    void clockGoingBackwardsEarnsNothing() throws Exception {
        RateLimiter limiter = new RateLimiter(PPS, BURST, 100);
        InetAddress a = ip("192.0.2.9");
        assertEquals(BURST, allowedInARow(limiter, a, T0));
        assertFalse(limiter.allow(a, T0 - 10 * SECOND));
        assertFalse(limiter.allow(a, T0));
    }
}
