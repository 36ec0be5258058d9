package io.mp2p.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mp2p.ChannelOptions;
import io.mp2p.IpFamily;
import io.mp2p.TestIdentities;
import io.mp2p.address.GroupAddresses;
import io.mp2p.address.GroupEpoch;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/** Peer names to addresses: only {@code <base32>.mp2p}, never DNS, with the groups the options derive. */
class PeerResolverTest {
    private static final Instant NOON = Instant.parse("2026-03-01T12:00:00Z");

    private final PeerKey key = key();

    private static PeerKey key() {
        Mp2pIdentity id = TestIdentities.seeded(new SplittableRandom(1));
        try {
            return id.publicKey();
        } finally {
            id.destroy();
        }
    }

    private static ChannelOptions.Builder at(Instant when) {
        return ChannelOptions.builder().groupClock(Clock.fixed(when, ZoneOffset.UTC));
    }

    @Test
    void aPeerNameIsItsKeyAtTodaysGroup() throws Exception {
        PeerResolver r = PeerResolver.of(at(NOON).build());
        InetAddress a = r.address(key.hostName());
        assertEquals(key.hostName(), a.getHostName(), "the name is kept, not looked up");
        assertArrayEquals(GroupAddresses.ipv4(key, GroupEpoch.of(NOON)).getAddress(), a.getAddress());
        assertEquals(key, PeerAddresses.peerKey(a).orElseThrow());
        assertEquals(List.of(a), r.lookup(key.hostName()), "OkHttp's Dns shape");
    }

    @Test
    void upperCaseAndAFinalDotAreTheSameName() throws Exception {
        PeerResolver r = PeerResolver.of(at(NOON).build());
        InetAddress plain = r.address(key.hostName());
        assertArrayEquals(plain.getAddress(), r.address(key.hostName().toUpperCase(Locale.ROOT)).getAddress());
        assertArrayEquals(plain.getAddress(), r.address(key.hostName() + ".").getAddress());
        assertTrue(PeerResolver.isPeerName(key.hostName() + "."));
    }

    @Test
    void staticGroupsAndIpv6FollowTheOptions() throws Exception {
        InetAddress fixed = PeerResolver.of(at(NOON).staticGroup(true).build()).address(key);
        assertArrayEquals(GroupAddresses.ipv4(key).getAddress(), fixed.getAddress());
        InetAddress v6 = PeerResolver.of(at(NOON).ipVersion(IpFamily.IPV6).build()).address(key.hostName());
        assertTrue(v6 instanceof Inet6Address, "IPv6 options give an IPv6 group: " + v6);
    }

    @Test
    void otherNamesAreUnknownNotLookedUp() {
        PeerResolver r = PeerResolver.standard();
        for (String host : List.of("example.com", "localhost", "127.0.0.1", key.toHex(), key.toBase32(),
                "notbase32!.mp2p", key.toBase32().substring(1) + ".mp2p")) {
            assertFalse(PeerResolver.isPeerName(host), host);
            UnknownHostException e = assertThrows(UnknownHostException.class, () -> r.address(host), host);
            assertTrue(e.getMessage().startsWith(host + ": not an mp2p peer name"), e.getMessage());
        }
        assertFalse(PeerResolver.isPeerName(null));
        assertThrows(UnknownHostException.class, () -> r.address((String) null));
    }
}
