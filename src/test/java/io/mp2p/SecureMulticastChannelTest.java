package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.mockito.ArgumentCaptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/** Two channels in one JVM over IPv4 multicast on the loopback interface (TTL 0: nothing leaves the host). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecureMulticastChannelTest extends TwoNodesOnLo {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void connectAcceptAndMessagesBothWays() throws Exception {
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build())) {
            PeerSession toBob = a.connect(bob.publicKey());
            PeerSession toAlice = b.accept(WAIT);
            assertNotNull(toAlice, "bob saw the incoming session");
            assertEquals(alice.publicKey(), toAlice.peer());
            assertEquals(bob.publicKey(), toBob.peer());
            toBob.send(utf8("hello bob"));
            assertArrayEquals(utf8("hello bob"), toAlice.receive(WAIT));
            toAlice.send(utf8("hello alice"));
            assertArrayEquals(utf8("hello alice"), toBob.receive(WAIT));
            byte[] big = new byte[65_535];
            new java.util.Random(7).nextBytes(big);
            toBob.send(big);
            assertArrayEquals(big, toAlice.receive(WAIT));
            for (int i = 0; i < 200; i++) {
                toBob.send(utf8("m" + i));
            }
            int got = 0;
            while (toAlice.receive(Duration.ofMillis(500)) != null) {
                got++;
            }
            assertEquals(200, got, "200 small messages over loopback arrive");
            assertEquals(0, a.metrics().drops(DropReason.INTERNAL_ERROR) + b.metrics().drops(DropReason.INTERNAL_ERROR));
            // The same peer again: the live session is reused.
            assertTrue(a.connect(bob.publicKey()) == toBob);
            toBob.close();
            assertThrows(ChannelClosedException.class, () -> toAlice.receive(WAIT), "bob learns alice closed");
            assertThrows(ChannelClosedException.class, () -> toBob.send(utf8("late")));
        }
    }

    @Test
    void theAsyncFormAndTheListener() throws Exception {
        SessionListener listener = mock(SessionListener.class);
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().sessionListener(listener).build())) {
            PeerSession s = a.connectAsync(bob.publicKey()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            s.send(utf8("via future"));
            ArgumentCaptor<PeerSession> incoming = ArgumentCaptor.forClass(PeerSession.class);
            verify(listener, timeout(WAIT.toMillis())).onSession(incoming.capture());
            assertEquals(alice.publicKey(), incoming.getValue().peer());
            assertArrayEquals(utf8("via future"), incoming.getValue().receive(WAIT));
            verifyNoMoreInteractions(listener);
            assertNull(b.accept(Duration.ofMillis(100)), "with a listener, accept() gets nothing");
        }
    }

    @Test
    void aPeerNotOnTheAllowListIsRefusedAndTheInitiatorTimesOut() throws Exception {
        Mp2pIdentity carol = Mp2pIdentity.generate();
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().connectTimeout(Duration.ofSeconds(2))
                .build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo()
                     .trustPolicy(PeerTrustPolicy.allowList(List.of(carol.publicKey()))).build())) {
            HandshakeTimeoutException e = assertThrows(HandshakeTimeoutException.class,
                    () -> a.connect(bob.publicKey()));
            // The first retry would come after REKEY_TIMEOUT (5 s): within 2 s exactly one initiation went out.
            assertEquals(1, e.attempts(), e.getMessage());
            assertTrue(e.elapsed().compareTo(Duration.ofSeconds(2)) >= 0, "gave up before the timeout: " + e.elapsed());
            assertTrue(e.getMessage().contains("allows your key"), e.getMessage());
            assertNull(b.accept(Duration.ofMillis(200)), "a refused peer never gets a session");
            long refused = b.metrics().drops(DropReason.REFUSED_BY_POLICY);
            assertEquals(1, refused, "bob counted the one initiation as refused: " + b.metrics());
        } finally {
            carol.destroy();
        }
    }

    @Test
    void aPeerThatNeverAnswersTimesOutWithinTheConfiguredTimeAndCountsAttempts() throws Exception {
        PeerKey nobody = Mp2pIdentity.generate().publicKey();
        List<Integer> retries = new CopyOnWriteArrayList<>();
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().connectTimeout(Duration.ofSeconds(6))
                .handshakeListener((p, attempt, elapsed) -> retries.add(attempt)).build())) {
            HandshakeTimeoutException e = assertThrows(HandshakeTimeoutException.class, () -> a.connect(nobody));
            assertTrue(e.elapsed().compareTo(Duration.ofSeconds(6)) >= 0, "gave up before the timeout: " + e.elapsed());
            assertEquals(2, e.attempts(), "one initiation at once, one retry after 5 s: " + e.getMessage());
            assertEquals(List.of(2), retries);
            assertEquals(2, a.metrics().handshakesInitiated(), "what the engine sent agrees with the exception");
        }
    }

    @Test
    void ourOwnPolicyRefusesToConnectAndOversizedMessagesAreRefused() throws Exception {
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo()
                .trustPolicy(PeerTrustPolicy.allowList(List.of())).build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().connectTimeout(Duration.ofSeconds(1))
                     .build())) {
            assertThrows(PeerRefusedException.class, () -> a.connect(bob.publicKey()));
            PeerSession s = b.connectAsync(alice.publicKey()).handle((ok, err) -> ok).get();
            assertNull(s, "alice refuses bob too, so bob's connect fails");
        }
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build())) {
            PeerSession s = a.connect(bob.publicKey());
            assertThrows(MessageTooLargeException.class, () -> s.send(new byte[65_536]));
            assertNotNull(b.accept(WAIT), "the session itself is fine");
        }
    }

    @Test
    void closingTheChannelEndsSessionsAndWakesReceivers() throws Exception {
        SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
        try (SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build())) {
            PeerSession s = a.connect(bob.publicKey());
            PeerSession peerSide = b.accept(WAIT);
            a.close();
            assertThrows(ChannelClosedException.class, () -> s.receive(WAIT));
            assertFalse(s.isOpen());
            assertThrows(ChannelClosedException.class, () -> peerSide.receive(WAIT), "the peer was told");
            assertThrows(ChannelClosedException.class, () -> a.accept(WAIT));
        }
    }

    @Test
    void aReplySentJustBeforeCloseStillArrives() throws Exception {
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build())) {
            for (int i = 0; i < 5; i++) {
                SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build());
                PeerSession toBob = a.connect(bob.publicKey());
                PeerSession toAlice = b.accept(WAIT);
                toBob.send(utf8("question " + i));
                byte[] q = toAlice.receive(WAIT);
                toAlice.send(q);
                b.close();
                assertArrayEquals(utf8("question " + i), toBob.receive(WAIT), "round " + i);
                assertThrows(ChannelClosedException.class, () -> toBob.receive(WAIT));
            }
        }
    }

    @Test
    void anIdleChannelUsesNoCpu() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build())) {
            Thread.sleep(200);
            long id = a.ioThreadId();
            long before = mx.getThreadCpuTime(id);
            Thread.sleep(2000);
            long used = mx.getThreadCpuTime(id) - before;
            System.out.printf("idle channel: I/O thread used %.2f ms of CPU in 2 s%n", used / 1e6);
            assertTrue(used < TimeUnit.MILLISECONDS.toNanos(50), "idle I/O thread used " + used / 1e6 + " ms");
        }
    }
}
