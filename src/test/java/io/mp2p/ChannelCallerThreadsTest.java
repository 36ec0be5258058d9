package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.identity.Mp2pIdentity;

/**
 * The caller-thread paths: {@code send} seals on the caller's thread under the engine lock, and a
 * waiting {@code receive} reads the sockets itself (one reader at a time, delivering other sessions'
 * messages to their inboxes). Many senders and readers race the senders' channels closing; every
 * send that returned normally is delivered exactly once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChannelCallerThreadsTest extends TwoNodesOnLo {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long FINISH_MILLIS = 5000;
    private static final int SENDERS_PER_PEER = 3;
    private static final int READERS_PER_SESSION = 2;
    private static final int SENDS_PER_PAUSE = 20;
    /** The close comes after CLOSE_AFTER_MIN plus up to CLOSE_AFTER_SPREAD sends returned (seeded). */
    private static final int CLOSE_AFTER_MIN = 100;
    private static final int CLOSE_AFTER_SPREAD = 600;
    private Mp2pIdentity carol;

    @BeforeEach
    void third() {
        carol = Mp2pIdentity.generate();
    }

    @AfterEach
    void wipeThird() {
        carol.destroy();
    }

    @Test
    void sendersAndCompetingReadersRacingCloseDeliverEveryReturnedSendExactlyOnce() throws Exception {
        SplittableRandom random = new SplittableRandom(20261202);
        int rounds = 8;
        long readByReceivers = 0;
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().receiveQueueCapacity(1 << 20).build())) {
            for (int round = 0; round < rounds; round++) {
                SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build());
                SecureMulticastChannel c = SecureMulticastChannel.open(carol, lo().build());
                PeerSession bobToAlice = b.connect(alice.publicKey());
                PeerSession carolToAlice = c.connect(alice.publicKey());
                PeerSession fromFirst = a.accept(WAIT);
                PeerSession fromSecond = a.accept(WAIT);
                assertNotNull(fromFirst, "round " + round + ": alice accepted the first");
                assertNotNull(fromSecond, "round " + round + ": alice accepted the second");

                String tag = "r" + round + "-";
                Set<String> delivered = ConcurrentHashMap.newKeySet();
                Set<String> duplicates = ConcurrentHashMap.newKeySet();
                Set<Throwable> unexpected = ConcurrentHashMap.newKeySet();
                AtomicInteger returnedNormally = new AtomicInteger();
                // The close races sends in flight: it comes after a seeded number of sends returned.
                java.util.concurrent.CountDownLatch closeAfter = new java.util.concurrent.CountDownLatch(
                        CLOSE_AFTER_MIN + random.nextInt(CLOSE_AFTER_SPREAD));
                List<Thread> senders = new ArrayList<>();
                List<Thread> readers = new ArrayList<>();
                for (PeerSession from : List.of(bobToAlice, carolToAlice)) {
                    for (int t = 0; t < SENDERS_PER_PEER; t++) {
                        String prefix = tag + (from == bobToAlice ? "b" : "c") + t + "-";
                        senders.add(new Thread(() -> {
                            try {
                                for (int i = 0; ; i++) {
                                    from.send((prefix + i).getBytes(StandardCharsets.UTF_8));
                                    returnedNormally.incrementAndGet();
                                    closeAfter.countDown();
                                    if (i % SENDS_PER_PAUSE == 0) {
                                        // Paced, so no socket overflows: only the close may stop a message.
                                        Thread.sleep(1);
                                    }
                                }
                            } catch (ChannelClosedException expected) {
                                // the close won the race
                            } catch (Throwable e) {
                                unexpected.add(e);
                            }
                        }, "send-" + prefix));
                    }
                }
                for (PeerSession at : List.of(fromFirst, fromSecond)) {
                    for (int t = 0; t < READERS_PER_SESSION; t++) {
                        readers.add(new Thread(() -> {
                            try {
                                while (true) {
                                    byte[] m = at.receive(WAIT);
                                    if (m == null) {
                                        unexpected.add(new AssertionError("neither a message nor the end within " + WAIT));
                                        return;
                                    }
                                    String text = new String(m, StandardCharsets.UTF_8);
                                    if (!text.startsWith(tag)) {
                                        unexpected.add(new AssertionError("a message from another round: " + text));
                                    }
                                    if (!delivered.add(text)) {
                                        duplicates.add(text);
                                    }
                                }
                            } catch (ChannelClosedException end) {
                                // the peer closed: everything before the close was read
                            } catch (Throwable e) {
                                unexpected.add(e);
                            }
                        }, "receive-" + t));
                    }
                }
                readers.forEach(Thread::start);
                senders.forEach(Thread::start);
                assertTrue(closeAfter.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "round " + round + ": sends are flowing");
                Thread closer = new Thread(b::close, "close-bob");
                closer.start();
                c.close();
                closer.join(FINISH_MILLIS);
                for (Thread t : senders) {
                    t.join(FINISH_MILLIS);
                    if (t.isAlive()) {
                        fail("round " + round + ": a send still blocked " + FINISH_MILLIS + " ms after close()");
                    }
                }
                for (Thread t : readers) {
                    t.join(WAIT.toMillis() + FINISH_MILLIS);
                    if (t.isAlive()) {
                        fail("round " + round + ": a receive did not see the end");
                    }
                }
                assertTrue(unexpected.isEmpty(), "round " + round + ": " + unexpected);
                assertTrue(duplicates.isEmpty(), "round " + round + ": delivered twice: " + duplicates);
                assertEquals(returnedNormally.get(), delivered.size(), "round " + round + ": sends that returned normally");
                readByReceivers = a.datagramsReadByReceivers();
            }
        }
        // The readers read the sockets themselves (the new path), not only the I/O thread.
        assertTrue(readByReceivers > 0, "no datagram was read by a waiting receive");
    }

    @Test
    void aWaitingReaderDeliversAnotherSessionsMessageToItsOwnReceiver() throws Exception {
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build());
             SecureMulticastChannel c = SecureMulticastChannel.open(carol, lo().build())) {
            PeerSession bobToAlice = b.connect(alice.publicKey());
            PeerSession carolToAlice = c.connect(alice.publicKey());
            PeerSession first = a.accept(WAIT);
            PeerSession second = a.accept(WAIT);
            PeerSession fromBob = first.peer().equals(bob.publicKey()) ? first : second;
            PeerSession fromCarol = first.peer().equals(bob.publicKey()) ? second : first;

            AtomicReference<Object> bobsReader = new AtomicReference<>();
            Thread r1 = new Thread(() -> bobsReader.set(receiveOrError(fromBob)), "reads-bob");
            r1.start();
            long until = System.nanoTime() + WAIT.toNanos();
            while (a.readerThread() != r1 && System.nanoTime() < until) {
                Thread.sleep(1);
            }
            assertEquals(r1, a.readerThread(), "the waiting receive reads the sockets");

            AtomicReference<Object> carolsReader = new AtomicReference<>();
            Thread r2 = new Thread(() -> carolsReader.set(receiveOrError(fromCarol)), "reads-carol");
            r2.start();
            carolToAlice.send("for carol's reader".getBytes(StandardCharsets.UTF_8));
            r2.join(WAIT.toMillis());
            assertFalse(r2.isAlive(), "carol's reader got nothing");
            assertEquals("for carol's reader", text(carolsReader.get()));
            assertTrue(r1.isAlive(), "bob's reader returned without a message of its own: " + bobsReader.get());

            bobToAlice.send("for bob's reader".getBytes(StandardCharsets.UTF_8));
            r1.join(WAIT.toMillis());
            assertEquals("for bob's reader", text(bobsReader.get()));
            assertTrue(a.datagramsReadByReceivers() > 0, "no datagram was read by a waiting receive");
        }
    }

    @Test
    void aReaderTimesOutAndAnInterruptedReaderStops() throws Exception {
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build())) {
            b.connect(alice.publicKey());
            PeerSession fromBob = a.accept(WAIT);
            assertNull(fromBob.receive(Duration.ofMillis(50)), "nothing was sent");

            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread r = new Thread(() -> {
                try {
                    fromBob.receive();
                    outcome.set(new AssertionError("received a message nobody sent"));
                } catch (Throwable e) {
                    outcome.set(e);
                }
            }, "interrupted-reader");
            r.start();
            long until = System.nanoTime() + WAIT.toNanos();
            while (a.readerThread() != r && System.nanoTime() < until) {
                Thread.sleep(1);
            }
            r.interrupt();
            r.join(FINISH_MILLIS);
            assertFalse(r.isAlive(), "the interrupted receive still waits");
            assertInstanceOf(InterruptedException.class, outcome.get(), String.valueOf(outcome.get()));
        }
    }

    private static Object receiveOrError(PeerSession s) {
        try {
            byte[] m = s.receive(WAIT);
            return m == null ? "timed out" : new String(m, StandardCharsets.UTF_8);
        } catch (Exception e) {
            return e;
        }
    }

    private static String text(Object o) {
        return o instanceof String s ? s : String.valueOf(o);
    }
}
