package io.mp2p.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

/** Reading Linux's /proc/net/if_inet6 flags: tentative, failed and usable addresses. */
class Ipv6AddressStatesTest {
    /** As the kernel prints it: address, ifindex, prefix length, scope, flags, name. */
    private static final String PROC = String.join("\n",
            "fe8000000000000000fc00fffe000001 04 40 20 c0     lan0",
            "fd000000000000000000000000000002 04 40 00 82     lan0",
            "fe800000000000002415002ffecfb3c2 12 40 20 40    vlan0",
            "fd006d70000000000000000000000001 12 40 00 48    vlan0",
            "fd006d70000000000000000000000002 12 40 00 44    vlan0",
            "00000000000000000000000000000001 01 80 10 80       lo",
            "not a line of this file",
            "");

    @Test
    void flagsGiveEachAddressItsState() throws Exception {
        Ipv6AddressStates s = Ipv6AddressStates.parse(PROC);
        // 0xc0 = permanent | tentative: DAD still runs on a static address.
        assertEquals(Ipv6AddressStates.State.TENTATIVE, s.of("lan0", InetAddress.getByName("fe80::fc:ff:fe00:1")));
        // 0x82 = permanent | nodad.
        assertEquals(Ipv6AddressStates.State.USABLE, s.of("lan0", InetAddress.getByName("fd00::2")));
        assertEquals(Ipv6AddressStates.State.TENTATIVE, s.of("vlan0", InetAddress.getByName("fe80::2415:2f:fecf:b3c2")));
        // 0x48 = tentative | dadfailed.
        assertEquals(Ipv6AddressStates.State.DUPLICATE, s.of("vlan0", InetAddress.getByName("fd00:6d70::1")));
        // 0x44 = tentative | optimistic (RFC 4429): the kernel already lets sockets bind it.
        assertEquals(Ipv6AddressStates.State.USABLE, s.of("vlan0", InetAddress.getByName("fd00:6d70::2")));
        assertEquals(Ipv6AddressStates.State.USABLE, s.of("lo", InetAddress.getByName("::1")));
    }

    @Test
    void theSameAddressOnAnotherInterfaceOrUnknownAddressesCountAsUsable() throws Exception {
        Ipv6AddressStates s = Ipv6AddressStates.parse(PROC);
        assertEquals(Ipv6AddressStates.State.USABLE, s.of("vlan0", InetAddress.getByName("fe80::fc:ff:fe00:1")));
        assertEquals(Ipv6AddressStates.State.USABLE, s.of("lan0", InetAddress.getByName("2001:db8::1")));
        assertEquals(Ipv6AddressStates.State.USABLE, s.of("lan0", InetAddress.getByName("192.0.2.1")));
        assertEquals(Ipv6AddressStates.State.USABLE,
                Ipv6AddressStates.parse("").of("lan0", InetAddress.getByName("fe80::fc:ff:fe00:1")));
    }
}
