package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.address.GroupAddresses;
import io.mp2p.address.GroupEpoch;
import io.mp2p.address.GroupSchedule;
import io.mp2p.address.Ipv6Scope;
import io.mp2p.identity.Mp2pIdentity;

/**
 * Channels on the loopback interface whose groups change daily (spec/ADDRESSING.md §4), each with its
 * own group clock: peers a day apart meet at the first attempt, and a listener whose day changes
 * moves to the new day's groups.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChannelGroupEpochTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** 2026-01-01T00:00:00Z, the start of epoch 20454 (day D below). */
    private static final Instant DAY_D = Instant.ofEpochSecond(1_767_225_600L);
    private static final Duration DAY = Duration.ofDays(1);
    private static final GroupSchedule IPV4_DAILY = GroupSchedule.rotating(StandardProtocolFamily.INET, Ipv6Scope.GLOBAL);

    private Mp2pIdentity alice;
    private Mp2pIdentity bob;
    private Mp2pIdentity carol;
    private int port;

    /** A clock the test sets; the channel reads it on its I/O thread. */
    static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now;

        MovableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void set(Instant t) {
            now.set(t);
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("UTC only");
        }
    }

    @BeforeEach
    void identities() {
        alice = Mp2pIdentity.generate();
        bob = Mp2pIdentity.generate();
        carol = Mp2pIdentity.generate();
        port = LoopbackPorts.free();
    }

    @AfterEach
    void wipe() {
        alice.destroy();
        bob.destroy();
        carol.destroy();
    }

    private ChannelOptions.Builder lo(Clock clock) {
        return ChannelOptions.builder().networkInterface("lo").ttl(0).port(port).connectTimeout(WAIT).groupClock(clock);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void peersOnAdjacentDaysConnectAtTheFirstAttempt() throws Exception {
        Clock dayD = Clock.fixed(DAY_D.plusSeconds(60), ZoneOffset.UTC);
        Clock dayDPlus1 = Clock.fixed(DAY_D.plus(DAY).plusSeconds(60), ZoneOffset.UTC);
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo(dayD).build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo(dayDPlus1).build());
             SecureMulticastChannel c = SecureMulticastChannel.open(carol, lo(dayDPlus1).build())) {
            assertEquals(new InetSocketAddress(GroupAddresses.ipv4(alice.publicKey(), GroupEpoch.of(dayD.instant())), port),
                    a.localGroup());
            assertEquals(IPV4_DAILY.currentGroup(bob.publicKey(), dayDPlus1.instant()), b.localGroup().getAddress());

            // A sender on day D reaches a listener on day D+1 ...
            PeerSession aToB = a.connect(bob.publicKey());
            PeerSession bFromA = b.accept(WAIT);
            assertNotNull(bFromA);
            aToB.send(utf8("from the day before"));
            assertArrayEquals(utf8("from the day before"), bFromA.receive(WAIT));
            bFromA.send(utf8("back"));
            assertArrayEquals(utf8("back"), aToB.receive(WAIT));
            // ... and a sender on day D+1 reaches a listener on day D.
            PeerSession cToA = c.connect(alice.publicKey());
            PeerSession aFromC = a.accept(WAIT);
            assertNotNull(aFromC);
            cToA.send(utf8("from the day after"));
            assertArrayEquals(utf8("from the day after"), aFromC.receive(WAIT));
            assertEquals(1, a.metrics().handshakesInitiated(), "no retry was needed");
            assertEquals(1, c.metrics().handshakesInitiated(), "no retry was needed");
        }
    }

    @Test
    void aListenerWhoseDayChangesMovesToTheNewDaysGroups() throws Exception {
        MovableClock listenerClock = new MovableClock(DAY_D.plus(DAY).minusSeconds(1));
        Clock threeDaysLater = Clock.fixed(DAY_D.plus(DAY.multipliedBy(3)).plusSeconds(60), ZoneOffset.UTC);
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice,
                lo(listenerClock).membershipRefresh(Duration.ofMillis(100)).build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo(threeDaysLater).build())) {
            assertEquals(IPV4_DAILY.currentGroup(alice.publicKey(), DAY_D), a.localGroup().getAddress());
            // Two days pass for the listener: its window moves from D-1..D+1 to D+1..D+3.
            Instant dPlus2 = DAY_D.plus(DAY.multipliedBy(2)).plusSeconds(1);
            listenerClock.set(dPlus2);
            InetSocketAddress expected = new InetSocketAddress(IPV4_DAILY.currentGroup(alice.publicKey(), dPlus2), port);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!a.localGroup().equals(expected) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(expected, a.localGroup(), "the listener moved on at a membership refresh");
            // A sender on day D+3 sends its first initiation to the listener's D+3 group, joined only after the
            // move (the old window D-1..D+1 holds none of D+3, D+2, D+4, the groups its attempts cycle through).
            PeerSession bToA = b.connect(alice.publicKey());
            PeerSession aFromB = a.accept(WAIT);
            assertNotNull(aFromB);
            bToA.send(utf8("after midnight"));
            assertArrayEquals(utf8("after midnight"), aFromB.receive(WAIT));
            assertEquals(1, b.metrics().handshakesInitiated());
        }
    }

    @Test
    void staticGroupsIgnoreTheDay() throws Exception {
        Clock dayD = Clock.fixed(DAY_D, ZoneOffset.UTC);
        Clock tenDaysLater = Clock.fixed(DAY_D.plus(DAY.multipliedBy(10)), ZoneOffset.UTC);
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo(dayD).staticGroup(true).build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo(tenDaysLater).staticGroup(true).build())) {
            assertEquals(new InetSocketAddress(GroupAddresses.ipv4(alice.publicKey()), port), a.localGroup());
            assertEquals(new InetSocketAddress(GroupAddresses.ipv4(bob.publicKey()), port), b.localGroup());
            PeerSession aToB = a.connect(bob.publicKey());
            PeerSession bFromA = b.accept(WAIT);
            assertNotNull(bFromA);
            aToB.send(utf8("fixed"));
            assertArrayEquals(utf8("fixed"), bFromA.receive(WAIT));
        }
    }
}
