package io.mp2p.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When ACKs are due and what they say (RFC 9000 §13.2). */
class AckTrackerTest {
    private static final long T = 5_000_000_000L;

    private static String written(AckTracker t, long now, int room) {
        byte[] buf = new byte[room + 16];
        int end = t.writeAck(buf, 0, room, now);
        if (end == 0) {
            return "";
        }
        StreamFramesTest.Recorder r = new StreamFramesTest.Recorder();
        byte[] run = new byte[end + StreamFrames.packetNumberLength(0)];
        int p = StreamFrames.writePacketNumber(run, 0, 1, 0, 0);
        System.arraycopy(buf, 0, run, p, end);
        StreamFrames.visit(run, 0, p + end, r);
        return r.frames.get(1);
    }

    @Test
    void theSecondAckElicitingPacketMakesTheAckDue() {
        AckTracker t = new AckTracker(64);
        t.onPacketReceived(0, true, T);
        assertFalse(t.ackDue(T));
        assertEquals(T + StreamConstants.MAX_ACK_DELAY_NANOS, t.ackDeadline());
        assertTrue(t.ackDue(T + StreamConstants.MAX_ACK_DELAY_NANOS));
        t.onPacketReceived(1, true, T + 1000);
        assertTrue(t.ackDue(T + 1000));
        assertEquals("ACK delay=0 0..1", written(t, T + 1000, 100));
        assertFalse(t.ackDue(T + 1000));
        assertFalse(t.hasUnacked());
    }

    @Test
    void ackOnlyPacketsAreAcknowledgedButDoNotElicit() {
        AckTracker t = new AckTracker(64);
        t.onPacketReceived(0, false, T);
        t.onPacketReceived(1, false, T);
        assertFalse(t.ackDue(T + 1_000_000_000));
        assertTrue(t.hasUnacked(), "rides along with the next packet");
    }

    @Test
    void aGapMakesTheAckImmediateAndShowsInTheRanges() {
        AckTracker t = new AckTracker(64);
        t.onPacketReceived(0, true, T);
        t.onPacketReceived(2, true, T + 3000);
        assertTrue(t.ackDue(T + 3000));
        assertEquals("ACK delay=2 2..2 0..0", written(t, T + 5000, 100), "delay in microseconds since the largest");
    }

    @Test
    void rangesAreBoundedAndTruncatedToTheRoom() {
        AckTracker t = new AckTracker(4);
        for (int i = 0; i < 20; i += 2) {
            t.onPacketReceived(i, true, T);
        }
        assertEquals(4, t.rangeCount(), "the lowest ranges are forgotten");
        assertEquals("ACK delay=0 18..18 16..16 14..14 12..12", written(t, T, 100));
        t.onPacketReceived(21, true, T);
        t.onPacketReceived(23, true, T);
        assertEquals("ACK delay=0 23..23 21..21", written(t, T, 7), "only what fits in 7 bytes");
    }

    @Test
    void anAcknowledgedAckLetsItsRangesGo() {
        AckTracker t = new AckTracker(64);
        for (int i = 0; i < 10; i += 2) {
            t.onPacketReceived(i, true, T);
        }
        assertEquals(5, t.rangeCount());
        t.onAckAcknowledged(6);
        assertEquals(1, t.rangeCount());
        assertFalse(t.isDuplicate(4), "forgotten: a late copy would be processed again, harmlessly");
        assertTrue(t.isDuplicate(8));
    }
}
