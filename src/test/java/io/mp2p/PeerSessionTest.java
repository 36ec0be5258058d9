package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.identity.Mp2pIdentity;

/** A session's end: what is readable after it, by how many readers, and a close that races a new handshake. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerSessionTest extends TwoNodesOnLo {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void everyMessageBeforeTheEndIsReadThenEveryReaderSeesTheEndAndNothingAfterIt() throws Exception {
        int before = 500;
        int readers = 4;
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build())) {
            PeerSession s = new PeerSession(a, bob.publicKey(), 10_000);
            for (int i = 0; i < before; i++) {
                s.deliver(("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            s.markClosed("closed by the peer");
            s.deliver("after the end".getBytes(StandardCharsets.UTF_8));

            AtomicInteger read = new AtomicInteger();
            List<String> afterEnd = new CopyOnWriteArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            Thread[] threads = new Thread[readers];
            for (int r = 0; r < readers; r++) {
                threads[r] = new Thread(() -> {
                    try {
                        start.await();
                        boolean ended = false;
                        for (int i = 0; i < before + 10; i++) {
                            try {
                                byte[] m = s.receive(Duration.ofMillis(200));
                                if (ended && m != null) {
                                    afterEnd.add(new String(m, StandardCharsets.UTF_8));
                                } else if (m != null) {
                                    read.incrementAndGet();
                                }
                            } catch (ChannelClosedException e) {
                                ended = true;
                            }
                        }
                        if (!ended) {
                            afterEnd.add("this reader never saw the end");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                threads[r].start();
            }
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(before, read.get(), "every message received before the end was read once");
            assertTrue(afterEnd.isEmpty(), "read after an end: " + afterEnd);
            assertEquals(1, s.droppedMessages(), "the message after the end was dropped and counted");
            assertThrows(ChannelClosedException.class, () -> s.receive(Duration.ofMillis(10)));
            assertThrows(ChannelClosedException.class, s::receive, "the end, every time, without waiting");
        }
    }

    @Test
    void aSessionClosedWhileANewHandshakeWithItsPeerCompletesLeavesNoLiveSession() throws Exception {
        // Bob (from a second channel, through a relay the test controls) runs a new handshake with
        // alice; the relay holds back bob's confirming packet. Alice's I/O thread is then held inside
        // her trust policy (by carol's initiation), the relay lets bob's packet through, and alice
        // closes her session with bob: on her I/O thread the new session's "established" event comes
        // before her close. The close must still win: no session with bob may survive or surface.
        AtomicBoolean gateArmed = new AtomicBoolean();
        CountDownLatch inPolicy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PeerTrustPolicy gated = peer -> {
            if (gateArmed.getAndSet(false)) {
                inPolicy.countDown();
                try {
                    release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return true;
        };
        Mp2pIdentity carol = Mp2pIdentity.generate();
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().trustPolicy(gated).build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build());
             SecureMulticastChannel b2 = SecureMulticastChannel.open(bob, lo().port(LoopbackPorts.free()).build());
             SecureMulticastChannel c = SecureMulticastChannel.open(carol, lo().port(LoopbackPorts.free())
                     .peerPort(port).build());
             HoldingRelay relay = new HoldingRelay(a.localGroup(), 1)) {
            PeerSession first = a.connect(bob.publicKey());
            assertNotNull(b.accept(WAIT));
            PeerSession b2Side = b2.connect(alice.publicKey(), relay.entrance());
            assertTrue(relay.awaitHeld(1, WAIT), "the relay holds bob's confirming packet");
            gateArmed.set(true);
            c.connectAsync(alice.publicKey());
            assertTrue(inPolicy.await(WAIT.toSeconds(), TimeUnit.SECONDS), "alice's policy holds her I/O thread");
            relay.releaseHeld();   // on loopback the datagram is in alice's socket when this returns
            first.close();
            release.countDown();

            PeerSession surfaced = a.accept(Duration.ofSeconds(2));
            if (surfaced != null && surfaced.peer().equals(carol.publicKey())) {
                surfaced = a.accept(Duration.ofSeconds(1));
            }
            assertNull(surfaced, "a session with bob surfaced after alice closed hers");
            assertFalse(first.isOpen());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (a.metrics().sessionsLive() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, a.metrics().sessionsLive(), "alice holds carol's session only");
            assertNotNull(b2Side);
        } finally {
            carol.destroy();
        }
    }
}
