package io.mp2p.portmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Reading the default router of an interface from a /proc/net/route table. */
class DefaultGatewayTest {
    private static final List<String> TABLE = List.of(
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
            "lan1\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
            "lan0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
            "lan0\t00000000\t010112C6\t0003\t0\t0\t0\t00000000\t0\t0\t0");

    @Test
    void theDefaultRouteOfTheNamedInterfaceIsFound() throws Exception {
        assertEquals(InetAddress.getByName("198.18.1.1"), DefaultGateway.parse(TABLE, "lan0"));
        assertEquals(InetAddress.getByName("192.168.1.1"), DefaultGateway.parse(TABLE, "lan1"));
    }

    @Test
    void anInterfaceWithoutADefaultRouteHasNone() {
        assertNull(DefaultGateway.parse(TABLE, "lan2"));
        assertNull(DefaultGateway.parse(TABLE.subList(0, 3).subList(2, 3), "lan0"));
    }
}
