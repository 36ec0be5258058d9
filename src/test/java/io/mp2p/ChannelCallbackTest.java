package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/**
 * The application's code and mistakes against the channel: listeners that throw or block, code
 * chained on futures, blocking calls from the wrong thread, a peer group of the wrong IP version,
 * many threads at once. None may stop the channel or hang a call.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChannelCallbackTest extends TwoNodesOnLo {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String IO_THREAD_PREFIX = "mp2p-io-";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The session works both ways: proof that both channels are still running. */
    private static void assertConversation(PeerSession one, PeerSession other, String text) throws Exception {
        one.send(utf8(text));
        assertArrayEquals(utf8(text), other.receive(WAIT), "one -> other");
        other.send(utf8(text + " back"));
        assertArrayEquals(utf8(text + " back"), one.receive(WAIT), "other -> one");
    }

    @Test
    void listenersAndFutureStagesNeverRunOnTheIoThread() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch listened = new CountDownLatch(1);
        SessionListener listener = s -> {
            threads.add("listener:" + Thread.currentThread().getName());
            listened.countDown();
        };
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().sessionListener(listener).build())) {
            // A non-async stage runs on whichever thread completes the future.
            CompletableFuture<String> stage = a.connectAsync(bob.publicKey())
                    .thenApply(s -> "stage:" + Thread.currentThread().getName());
            threads.add(stage.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertTrue(listened.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        assertEquals(2, threads.size(), threads.toString());
        for (String t : threads) {
            assertFalse(t.contains(IO_THREAD_PREFIX), "application code ran on the I/O thread: " + threads);
        }
    }

    @Test
    void aThrowingHandshakeListenerDoesNotStopTheChannel() throws Exception {
        HandshakeListener throwing = mock(HandshakeListener.class);
        doThrow(new IllegalStateException("the application's bug")).when(throwing).onRetry(any(), anyInt(), any());
        PeerKey nobody = Mp2pIdentity.generate().publicKey();
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().handshakeListener(throwing).build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build())) {
            CompletableFuture<PeerSession> unanswered = a.connectAsync(nobody);
            // The first retry comes after REKEY_TIMEOUT (5 s): the listener throws there.
            verify(throwing, timeout(WAIT.toMillis())).onRetry(eq(nobody), eq(2), any());
            assertFalse(unanswered.isDone(), "the unanswered connect is still trying");
            PeerSession toBob = a.connect(bob.publicKey());
            assertConversation(toBob, b.accept(WAIT), "after the listener threw");
            unanswered.cancel(false);
        }
    }

    @Test
    void aThrowingSessionListenerDoesNotStopTheChannelOrTheSession() throws Exception {
        SessionListener throwing = mock(SessionListener.class);
        // Mockito records the call before the answer runs, so a verify could see it before the
        // session is handed over: the test waits on the queue the answer fills instead.
        java.util.concurrent.BlockingQueue<PeerSession> handed = new java.util.concurrent.LinkedBlockingQueue<>();
        doAnswer(inv -> {
            handed.add(inv.getArgument(0));
            throw new IllegalStateException("the application's bug");
        }).when(throwing).onSession(any());
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().sessionListener(throwing).build())) {
            PeerSession toBob = a.connect(bob.publicKey());
            PeerSession fromAlice = handed.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(fromAlice, "the session listener was called");
            assertConversation(toBob, fromAlice, "after the listener threw");
        }
    }

    @Test
    void aBlockedListenerDelaysOnlyCallbacksNeverTheChannel() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.BlockingQueue<PeerSession> handed = new java.util.concurrent.LinkedBlockingQueue<>();
        SessionListener blocking = s -> {
            handed.add(s);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Mp2pIdentity carol = Mp2pIdentity.generate();
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel c = SecureMulticastChannel.open(carol, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().sessionListener(blocking).build())) {
            PeerSession aliceToBob = a.connect(bob.publicKey());
            // The listener now blocks on alice's session; carol still gets a session and bob's side
            // of alice's session still carries messages.
            PeerSession carolToBob = c.connect(bob.publicKey());
            assertNotNull(carolToBob);
            PeerSession first = handed.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(first, "alice's session reached the listener");
            assertEquals(alice.publicKey(), first.peer());
            assertTrue(handed.isEmpty(), "carol's session waits behind the blocked callback");
            assertConversation(aliceToBob, first, "while the listener blocks");
            release.countDown();
            PeerSession second = handed.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(second, "carol's session reaches the listener once it returns");
            assertEquals(carol.publicKey(), second.peer());
            assertConversation(carolToBob, second, "after the listener returned");
        } finally {
            carol.destroy();
        }
    }

    @Test
    void connectFromAListenerCompletes() throws Exception {
        CompletableFuture<Object> fromListener = new CompletableFuture<>();
        AtomicReference<SecureMulticastChannel> bobsChannel = new AtomicReference<>();
        SessionListener connectBack = s -> {
            try {
                fromListener.complete(bobsChannel.get().connect(s.peer()));
            } catch (Exception e) {
                fromListener.complete(e);
            }
        };
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().sessionListener(connectBack).build())) {
            bobsChannel.set(b);
            PeerSession toBob = a.connect(bob.publicKey());
            Object result = fromListener.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            PeerSession atBob = assertInstanceOf(PeerSession.class, result, String.valueOf(result));
            assertEquals(alice.publicKey(), atBob.peer());
            assertConversation(toBob, atBob, "connected from a listener");
        }
    }

    @Test
    void blockingCallsFromATrustPolicyFailFastAndRefuseThePeer() throws Exception {
        AtomicReference<SecureMulticastChannel> bobsChannel = new AtomicReference<>();
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        PeerTrustPolicy callsBack = peer -> {
            try {
                bobsChannel.get().accept(Duration.ofSeconds(1));
                seen.complete(null);
            } catch (Throwable e) {
                seen.complete(e);
                throw new IllegalStateException("rethrown by the policy", e);
            }
            return true;
        };
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().connectTimeout(Duration.ofSeconds(2))
                .build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().trustPolicy(callsBack).build())) {
            bobsChannel.set(b);
            assertThrows(HandshakeTimeoutException.class, () -> a.connect(bob.publicKey()),
                    "a policy that throws refuses the peer");
            assertInstanceOf(IllegalStateException.class, seen.get(WAIT.toSeconds(), TimeUnit.SECONDS),
                    "accept() on the I/O thread failed fast");
            assertEquals(1, b.metrics().drops(io.mp2p.DropReason.REFUSED_BY_POLICY), "one initiation, one refusal");
            // Bob's channel survived: it still opens sessions of its own.
            assertNotNull(bobsConnectToAlice(b));
        }
    }

    private PeerSession bobsConnectToAlice(SecureMulticastChannel b) throws Exception {
        return b.connect(alice.publicKey());
    }

    @Test
    void aPeerGroupOfTheOtherIpVersionFailsThatCallAndNothingElse() throws Exception {
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build())) {
            PeerSession toBob = a.connect(bob.publicKey());
            PeerSession atBob = b.accept(WAIT);
            InetSocketAddress v6 = new InetSocketAddress("ff1e::1234", port);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.connect(Mp2pIdentity.generate().publicKey(), v6));
            assertTrue(e.getMessage().contains("[ff1e::1234]:" + port) && e.getMessage().contains("IPv4"),
                    e.getMessage());
            assertTrue(toBob.isOpen(), "the established session is untouched");
            assertConversation(toBob, atBob, "after the bad group");
        }
    }

    @Test
    void manyThreadsSendAndReceiveAtOnce() throws Exception {
        int senders = 4;
        int perSender = 500;
        int receivers = 3;
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build())) {
            PeerSession toBob = a.connect(bob.publicKey());
            PeerSession atBob = b.accept(WAIT);
            Set<String> received = ConcurrentHashMap.newKeySet();
            List<String> duplicates = new CopyOnWriteArrayList<>();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            Thread[] readers = new Thread[receivers];
            for (int r = 0; r < receivers; r++) {
                readers[r] = new Thread(() -> {
                    try {
                        for (byte[] m; (m = atBob.receive(Duration.ofSeconds(3))) != null; ) {
                            String s = new String(m, StandardCharsets.UTF_8);
                            if (!received.add(s)) {
                                duplicates.add(s);
                            }
                        }
                    } catch (Exception e) {
                        errors.add(e);
                    }
                });
                readers[r].start();
            }
            Thread[] writers = new Thread[senders];
            for (int w = 0; w < senders; w++) {
                int id = w;
                writers[w] = new Thread(() -> {
                    try {
                        for (int i = 0; i < perSender; i++) {
                            toBob.send(utf8(id + ":" + i));
                            if (i % 50 == 0) {
                                Thread.sleep(1);
                            }
                        }
                    } catch (Exception e) {
                        errors.add(e);
                    }
                });
                writers[w].start();
            }
            for (Thread t : writers) {
                t.join();
            }
            for (Thread t : readers) {
                t.join();
            }
            assertTrue(errors.isEmpty(), errors.toString());
            assertTrue(duplicates.isEmpty(), "delivered twice: " + duplicates);
            Set<String> expected = new HashSet<>();
            for (int w = 0; w < senders; w++) {
                for (int i = 0; i < perSender; i++) {
                    expected.add(w + ":" + i);
                }
            }
            assertEquals(expected, received, "every message from every thread, once");
            assertNull(atBob.receive(Duration.ofMillis(50)));
        }
    }
}
