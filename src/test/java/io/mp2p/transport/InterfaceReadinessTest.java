package io.mp2p.transport;

import io.mp2p.IpFamily;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The wait loop of {@link InterfaceReadiness}, with a scripted interface instead of a real one. */
class InterfaceReadinessTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(1);
    private static final InterfaceReadiness.Status TENTATIVE = new InterfaceReadiness.Status(
            InterfaceReadiness.NotReady.TENTATIVE_ADDRESS, "its address fe80::1 is still tentative");
    private static final InterfaceReadiness.Status DOWN = new InterfaceReadiness.Status(
            InterfaceReadiness.NotReady.DOWN, "it is down");

    @Test
    void aReadyInterfaceIsNotWaitedForAndNothingIsSaid() throws Exception {
        List<String> said = new ArrayList<>();
        AtomicInteger looks = new AtomicInteger();
        InterfaceReadiness.await("lan0", () -> {
            looks.incrementAndGet();
            return null;
        }, LONG, POLL, said::add);
        assertEquals(List.of(), said);
        assertEquals(1, looks.get());
    }

    @Test
    void itSaysOnceThatItWaitsThoughTheReasonChangesThenGoesOn() throws Exception {
        List<String> said = new ArrayList<>();
        List<InterfaceReadiness.Status> script = new ArrayList<>(List.of(DOWN, DOWN, TENTATIVE, TENTATIVE));
        AtomicInteger looks = new AtomicInteger();
        InterfaceReadiness.await("lan0", () -> {
            looks.incrementAndGet();
            return script.isEmpty() ? null : script.remove(0);
        }, LONG, POLL, said::add);
        assertEquals(List.of("waiting for network interface lan0, up to 30 s: it is down"), said);
        assertEquals(5, looks.get());
    }

    @Test
    void anInterfaceThatNeverGetsReadyFailsSayingWhatIsMissing() {
        TransportException e = assertThrows(TransportException.class, () -> InterfaceReadiness.await("lan0",
                () -> TENTATIVE, Duration.ofMillis(50), POLL, line -> { }));
        assertEquals("network interface lan0 is still not ready after 0 s: its address fe80::1 is still tentative",
                e.getMessage());
    }

    @Test
    void aDuplicateAddressFailsAtOnceForWaitingWouldNotHelp() {
        List<String> said = new ArrayList<>();
        AtomicInteger looks = new AtomicInteger();
        TransportException e = assertThrows(TransportException.class, () -> InterfaceReadiness.await("lan0", () -> {
            looks.incrementAndGet();
            return new InterfaceReadiness.Status(InterfaceReadiness.NotReady.DUPLICATE_ADDRESS, "another host has it");
        }, LONG, POLL, said::add));
        assertTrue(e.getMessage().contains("cannot be used: another host has it"), e.getMessage());
        assertEquals(1, looks.get());
        assertEquals(List.of(), said);
    }

    @Test
    void theRealLoopbackInterfaceIsReadyForIpv4AndAMissingOneIsNamed() throws Exception {
        assertEquals(null, InterfaceReadiness.status("lo", IpFamily.IPV4));
        TransportException e = assertThrows(TransportException.class,
                () -> InterfaceReadiness.status("no-such-if0", IpFamily.IPV4));
        assertTrue(e.getMessage().startsWith("no network interface named 'no-such-if0'"), e.getMessage());
    }
}
