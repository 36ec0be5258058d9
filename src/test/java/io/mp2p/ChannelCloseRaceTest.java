package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/**
 * {@code close()} racing every other call, over randomized interleavings: every call completes,
 * with its result or {@link ChannelClosedException}, within a bound; and a send that returned
 * normally is delivered (on loopback nothing else loses it).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChannelCloseRaceTest extends TwoNodesOnLo {
    /** Every call must have returned this long after close() returned; a hang fails the test. */
    private static final long FINISH_MILLIS = 5000;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int SENDS_PER_PAUSE = 20;
    private static final int SENDERS = 3;

    @Test
    void connectRacingCloseWithASlowTrustPolicyCompletes() throws Exception {
        // The reproduction from the issue: the policy takes 300 ms, close() happens meanwhile.
        PeerTrustPolicy slow = mock(PeerTrustPolicy.class);
        when(slow.isTrusted(any())).thenAnswer(inv -> {
            Thread.sleep(300);
            return true;
        });
        PeerKey nobody = Mp2pIdentity.generate().publicKey();
        for (int round = 0; round < 3; round++) {
            SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().trustPolicy(slow)
                    .connectTimeout(Duration.ofSeconds(2)).build());
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    a.connect(nobody);
                    outcome.set(new AssertionError("connected to nobody"));
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            t.start();
            Thread.sleep(50 + 100L * round);
            a.close();
            t.join(FINISH_MILLIS);
            assertFalse(t.isAlive(), "connect() still blocked " + FINISH_MILLIS + " ms after close()");
            assertInstanceOf(ChannelClosedException.class, outcome.get(), String.valueOf(outcome.get()));
        }
    }

    @Test
    void closeRacingConnectSendReceiveAndAcceptOverRandomInterleavings() throws Exception {
        SplittableRandom random = new SplittableRandom(20261201);
        int rounds = 40;
        int sentAndDelivered = 0;
        try (SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().receiveQueueCapacity(1 << 20).build())) {
            for (int round = 0; round < rounds; round++) {
                // A trust policy that takes a moment widens the window between connect's checks and its hand-over.
                PeerTrustPolicy jittery = peer -> {
                    sleepQuietly(random.nextInt(3));
                    return true;
                };
                SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().trustPolicy(jittery).build());
                PeerSession toBob = a.connect(bob.publicKey());
                PeerSession atBob = b.accept(WAIT);
                assertNotNull(atBob, "round " + round + ": bob accepted");

                List<Thread> threads = new ArrayList<>();
                Set<Throwable> unexpected = ConcurrentHashMap.newKeySet();
                AtomicInteger returnedNormally = new AtomicInteger();
                String tag = "r" + round + "-";
                for (int sender = 0; sender < SENDERS; sender++) {
                    String from = tag + sender + "-";
                    threads.add(new Thread(() -> {
                        try {
                            for (int i = 0; ; i++) {
                                toBob.send((from + i).getBytes());
                                returnedNormally.incrementAndGet();
                                if (i % SENDS_PER_PAUSE == 0) {
                                    // Paced, so bob's socket never overflows: only the close may lose a message.
                                    Thread.sleep(1);
                                }
                            }
                        } catch (ChannelClosedException expected) {
                            // the close won the race
                        } catch (Throwable e) {
                            unexpected.add(e);
                        }
                    }, "send-" + sender));
                }
                threads.add(callUntilClosed("connect", unexpected, () -> a.connect(bob.publicKey())));
                threads.add(callUntilClosed("connect-new", unexpected,
                        () -> a.connect(Mp2pIdentity.generate().publicKey())));
                threads.add(callUntilClosed("receive", unexpected, () -> toBob.receive()));
                threads.add(callUntilClosed("accept", unexpected, () -> a.accept()));
                threads.add(callUntilClosed("connectAsync", unexpected, () -> a.connectAsync(bob.publicKey())
                        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)));
                threads.add(new Thread(() -> {
                    // metrics() never fails: after the close it answers with the last snapshot, at once.
                    do {
                        a.metrics();
                    } while (!a.isClosed());
                    a.metrics();
                }, "metrics"));
                for (Thread t : threads) {
                    t.start();
                }
                Thread.sleep(random.nextInt(30));
                a.close();
                for (Thread t : threads) {
                    t.join(FINISH_MILLIS);
                    if (t.isAlive()) {
                        fail("round " + round + ": a call still blocked " + FINISH_MILLIS + " ms after close(): "
                                + stack(t));
                    }
                }
                assertTrue(unexpected.isEmpty(), "round " + round + ": " + unexpected);

                // Every send that returned normally was carried out before bob was told of the close.
                int delivered = 0;
                try {
                    while (true) {
                        byte[] m = atBob.receive(WAIT);
                        assertNotNull(m, "round " + round + ": bob heard neither the rest nor the close");
                        assertTrue(new String(m).startsWith(tag), "round " + round + ": a message from another round");
                        delivered++;
                    }
                } catch (ChannelClosedException end) {
                    // all read
                }
                assertEquals(returnedNormally.get(), delivered, "round " + round + ": sends that returned normally");
                sentAndDelivered += delivered;
            }
        }
        System.out.printf("close races: %d rounds, %d messages sent before the close and all delivered%n", rounds,
                sentAndDelivered);
    }

    /** A thread that repeats {@code call} until the channel reports its close; anything else is unexpected. */
    private static Thread callUntilClosed(String name, Set<Throwable> unexpected, ThrowingCall call) {
        return new Thread(() -> {
            try {
                while (true) {
                    call.run();
                }
            } catch (ChannelClosedException expected) {
                // the close won the race
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof ChannelClosedException)) {
                    unexpected.add(e);
                }
            } catch (HandshakeTimeoutException e) {
                unexpected.add(new AssertionError("a connect timed out instead of seeing the close", e));
            } catch (Throwable e) {
                unexpected.add(e);
            }
        }, name);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface ThrowingCall {
        Object run() throws Exception;
    }

    private static String stack(Thread t) {
        StringBuilder sb = new StringBuilder(t.getName());
        for (StackTraceElement e : t.getStackTrace()) {
            sb.append("\n  at ").append(e);
        }
        return sb.toString();
    }
}
