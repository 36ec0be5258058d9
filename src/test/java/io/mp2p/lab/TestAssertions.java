package io.mp2p.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verdict of a lossless lab run: connected, every message delivered once and intact, every echo back. */
final class TestAssertions {
    private TestAssertions() {
    }

    static void allDelivered(Exchange.Outcome o) {
        assertTrue(o.connected(), "the handshake completed; sender stderr:\n" + o.senderStderr());
        assertEquals(0, o.exitCode(), "sender exit code; stderr:\n" + o.senderStderr());
        assertEquals(o.sent(), o.delivered(), "every message delivered; stderr:\n" + o.senderStderr());
        assertEquals(0, o.duplicates(), "no message delivered twice");
        assertEquals(0, o.corrupted(), "no message altered");
        assertEquals(o.sent(), o.echoed(), "every echo came back");
    }

    /** A lossy run: connected, and what arrived arrived at most once and intact. */
    static void atMostOnceAndIntact(Exchange.Outcome o) {
        assertTrue(o.connected(), "the handshake completed; sender stderr:\n" + o.senderStderr());
        assertTrue(o.delivered() > 0, "some messages arrived");
        assertEquals(0, o.duplicates(), "no message delivered twice");
        assertEquals(0, o.corrupted(), "no message altered");
        assertTrue(o.echoed() <= o.delivered(), "no more echoes than messages delivered");
    }
}
