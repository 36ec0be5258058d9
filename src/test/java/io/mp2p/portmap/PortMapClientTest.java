package io.mp2p.portmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The PCP / NAT-PMP client against a fake gateway on the loopback interface (spec/PORTMAP.md). */
class PortMapClientTest {
    private static final int INTERNAL = 41415;
    private static final long GENEROUS_WAIT_MILLIS = 20_000;

    private static InetSocketAddress external(int internal) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(FakePortMapGateway.EXTERNAL),
                internal + FakePortMapGateway.PORT_OFFSET);
    }

    @Test
    void aPcpGatewayGrantsAMappingAndSeesOurAddressAndTheDeletion() throws Exception {
        try (FakePortMapGateway gw = new FakePortMapGateway(FakePortMapGateway.Mode.PCP, 3600);
             PortMapClient c = PortMapClient.open(gw.address())) {
            PortMapping m = c.map(INTERNAL, 7200);
            assertEquals(new PortMapping(PortMapProtocol.PCP, INTERNAL, external(INTERNAL), 3600), m);
            c.unmap(m);
            List<FakePortMapGateway.Request> got = gw.requests();
            assertEquals(2, got.size());
            assertEquals(7200, got.get(0).lifetime());
            assertEquals(InetAddress.getLoopbackAddress(), got.get(0).clientField(), "the PCP client field is our source");
            assertEquals(0, got.get(1).lifetime());
            assertEquals(INTERNAL, got.get(1).internalPort());
        }
    }

    @Test
    void aNatPmpOnlyGatewayIsSpokenToInNatPmpAfterItsAnswerToPcp() throws Exception {
        try (FakePortMapGateway gw = new FakePortMapGateway(FakePortMapGateway.Mode.NAT_PMP_ONLY, 3600);
             PortMapClient c = PortMapClient.open(gw.address())) {
            PortMapping m = c.map(INTERNAL, 600);
            assertEquals(new PortMapping(PortMapProtocol.NAT_PMP, INTERNAL, external(INTERNAL), 600), m);
            assertEquals(PortMapProtocol.NAT_PMP, c.protocol());
            assertEquals(PortMapProtocol.NAT_PMP, c.probe().protocol());
            assertEquals(InetAddress.getByAddress(FakePortMapGateway.EXTERNAL), c.probe().externalAddress());
        }
    }

    @Test
    void aSilentGatewayIsGivenUpOnWithAReason() throws Exception {
        try (FakePortMapGateway gw = new FakePortMapGateway(FakePortMapGateway.Mode.SILENT, 3600);
             PortMapClient c = PortMapClient.open(gw.address())) {
            PortMapException e = assertThrows(PortMapException.class, () -> c.map(INTERNAL, 600));
            assertEquals(PortMapException.Reason.NO_RESPONSE, e.reason());
            assertTrue(e.getMessage().contains("4 tries"), e.getMessage());
        }
    }

    @Test
    void theKeeperRenewsAtHalfTheGrantedLifetimeAndDeletesOnClose() throws Exception {
        // The gateway grants 2 s: a renewal is due 1 s after each grant.
        try (FakePortMapGateway gw = new FakePortMapGateway(FakePortMapGateway.Mode.PCP, 2)) {
            PortMapKeeper k = PortMapKeeper.start(PortMapClient.open(gw.address()), INTERNAL, 7200, m -> { });
            assertEquals(1_000, PortMapKeeper.renewAfterMillis(k.current(), 7200));
            assertTrue(gw.awaitRequests(3, GENEROUS_WAIT_MILLIS), "two renewals arrived: " + gw.requests());
            k.close();
            List<FakePortMapGateway.Request> got = gw.requests();
            assertTrue(got.subList(0, got.size() - 1).stream().allMatch(r -> r.lifetime() == 7200), got.toString());
            assertEquals(0, got.get(got.size() - 1).lifetime(), "the last request deletes the mapping");
        }
    }

    @Test
    void renewalIsDueAtHalfTheLifetimeButNotSoonerThanASecond() {
        assertEquals(3_600_000, PortMapKeeper.renewAfterMillis(new PortMapping(PortMapProtocol.PCP, 1, null, 7200), 7200));
        assertEquals(PortMapKeeper.MIN_RETRY_MILLIS,
                PortMapKeeper.renewAfterMillis(new PortMapping(PortMapProtocol.PCP, 1, null, 1), 7200));
    }
}
