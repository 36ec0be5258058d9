package io.mp2p.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.mp2p.TestIdentities;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.wire.HandshakeInitiation;

/**
 * The engine asks its {@link PeerLocator} again for every initiation of a handshake with no session
 * behind it, so that rotating groups can be tried in turn (spec/ADDRESSING.md §4); an address the
 * application gave, or the one a live session runs on, is kept. Two engines, packets passed by hand.
 */
class EngineLocatorTest {
    private static final long WALL = TimeUnit.SECONDS.toNanos(1_767_225_600L);
    /** Later than REKEY_TIMEOUT plus the largest jitter: every tick this far apart fires one retry. */
    private static final long RETRY_STEP = Constants.REKEY_TIMEOUT + Constants.REKEY_TIMEOUT_JITTER_MAX + 1;
    private static final InetSocketAddress A_GROUP = address(239, 192, 1, 1);
    private static final InetSocketAddress A_UNICAST = address(10, 0, 0, 1);
    private static final InetSocketAddress B_UNICAST = address(10, 0, 0, 2);

    private final SplittableRandom random = new SplittableRandom(0x10ca7e);
    private final List<Integer> attemptsAsked = new ArrayList<>();
    /** Every datagram a sent, by destination, in order. */
    private final List<InetSocketAddress> initiationsFromA = new ArrayList<>();
    private final List<InetSocketAddress> othersFromA = new ArrayList<>();
    private Endpoint a;
    private Endpoint b;
    private InetSocketAddress bListensOn;

    private static InetSocketAddress address(int w, int x, int y, int z) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) w, (byte) x, (byte) y, (byte) z}),
                    41414);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The locator under test: attempt n goes to 239.192.2.n. */
    private InetSocketAddress locate(io.mp2p.identity.PeerKey peer, int attempt) {
        attemptsAsked.add(attempt);
        return address(239, 192, 2, attempt);
    }

    private void setUp(InetSocketAddress bGroup) {
        bListensOn = bGroup;
        Mp2pIdentity ia = TestIdentities.seeded(random);
        Mp2pIdentity ib = TestIdentities.seeded(random);
        a = new Endpoint(EngineConfig.builder(ia).replyAddress(() -> A_GROUP).peerLocator(this::locate)
                .random(random.split()::nextBytes).wallClock(() -> WALL).build());
        b = new Endpoint(EngineConfig.builder(ib).replyAddress(bGroup).random(random.split()::nextBytes)
                .wallClock(() -> WALL).build());
    }

    /** Delivers what both engines sent: to b if sent to b's group, to a if sent to a's; the rest is lost. */
    private void pump(long now) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Transmit t; (t = a.pollTransmit()) != null; moved = true) {
                (t.length() == HandshakeInitiation.LENGTH ? initiationsFromA : othersFromA).add(t.destination());
                if (t.destination().equals(bListensOn)) {
                    b.handleDatagram(t.data(), 0, t.length(), A_UNICAST, now);
                }
            }
            for (Transmit t; (t = b.pollTransmit()) != null; moved = true) {
                if (t.destination().equals(A_GROUP)) {
                    a.handleDatagram(t.data(), 0, t.length(), B_UNICAST, now);
                }
            }
        }
    }

    @Test
    void eachAttemptAsksTheLocatorAgainAndTheSessionKeepsTheAddressThatAnswered() {
        setUp(address(239, 192, 2, 3));
        long now = 0;
        a.connect(b.localKey(), now);
        pump(now);
        for (int i = 0; i < 2; i++) {
            now += RETRY_STEP;
            a.tick(now);
            pump(now);
        }
        assertEquals(List.of(address(239, 192, 2, 1), address(239, 192, 2, 2), address(239, 192, 2, 3)),
                initiationsFromA);
        assertTrue(a.isEstablished(b.localKey(), now), a.metrics().toString());
        assertTrue(b.isEstablished(a.localKey(), now));
        // The confirmation and later data go where the third attempt was answered.
        assertEquals(SendStatus.SENT, a.send(b.localKey(), new byte[] {1}, now));
        pump(now);
        assertTrue(othersFromA.stream().allMatch(bListensOn::equals), othersFromA.toString());

        // A rekey while the session lives keeps that address instead of starting over at attempt 1's.
        int asked = attemptsAsked.size();
        now += Constants.REKEY_AFTER_TIME + 1;
        a.tick(now);
        a.send(b.localKey(), new byte[] {2}, now);
        pump(now);
        assertEquals(bListensOn, initiationsFromA.get(initiationsFromA.size() - 1));
        assertEquals(4, initiationsFromA.size());
        assertEquals(asked, attemptsAsked.size(), "no locator call while a session exists");
    }

    @Test
    void anAddressTheApplicationGaveIsUsedForEveryAttempt() {
        InetSocketAddress given = address(239, 193, 0, 9);
        setUp(address(239, 192, 9, 9));
        long now = 0;
        a.connect(b.localKey(), given, now);
        pump(now);
        for (int i = 0; i < 3; i++) {
            now += RETRY_STEP;
            a.tick(now);
            pump(now);
        }
        assertEquals(List.of(given, given, given, given), initiationsFromA);
        // The application fixed the address: the locator is never asked.
        assertEquals(List.of(), attemptsAsked);
    }
}
