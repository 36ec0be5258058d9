package io.mp2p.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short run of {@link HostileTraffic} in {@code mvn verify}: 50,000 hostile datagrams at a
 * listener on the loopback interface while a legitimate pair talks. Nothing delivered twice or
 * altered, no internal error, the listener up and delivering afterwards, and the initiation flood
 * counted (cookie replies or refusals). The full million: {@code mvn -B test -Phostile}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileTrafficTest {
    private static final long DATAGRAMS = Long.getLong("hostile.datagrams", 50_000L);

    @Test
    void aListenerUnderHostileTrafficStaysUpAndDeliversNothingTwiceOrAltered() throws Exception {
        HostileTraffic.Figures f = new HostileTraffic(System.out).run(DATAGRAMS);
        assertNull(f.failure(), "the legitimate pair's threads ran without error");
        assertEquals(0, f.duplicates(), "nothing delivered twice");
        assertEquals(0, f.altered(), "nothing altered");
        assertEquals(0, f.internalErrors(), "no INTERNAL_ERROR");
        assertTrue(f.listenerUp(), "the listener is still open");
        assertTrue(f.stillDelivers(), "the listener still delivers a fresh message after the flood");
        assertTrue(f.received()[0] > 0 && f.received()[1] > 0, "the legitimate messages kept flowing both ways");
        assertTrue(f.listener().totalDrops() > 0, "the hostile datagrams that arrived were counted as drops");
    }
}
