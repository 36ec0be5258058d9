package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import io.mp2p.portmap.FakePortMapGateway;
import io.mp2p.portmap.PortMapClient;
import io.mp2p.portmap.PortMapProtocol;

/** The doctor's "port mapping" line against a fake gateway on lo: offered, and not offered; and UPnP-IGD's wording. */
class DoctorPortMapTest {
    @Test
    void aRouterThatAnswersNatPmpIsReportedWithItsExternalAddress() throws Exception {
        try (FakePortMapGateway gw = new FakePortMapGateway(FakePortMapGateway.Mode.NAT_PMP_ONLY, 3600)) {
            DoctorFinding f = DoctorPortMap.check(gw.address());
            assertEquals(DoctorFinding.Verdict.OK, f.verdict(), f.toString());
            assertTrue(f.text().contains("answers NAT-PMP (external address 203.0.113.7)"), f.toString());
        }
    }

    @Test
    void aSilentRouterIsReportedAsOfferingNoMappingWithinTheBoundedWait() throws Exception {
        try (FakePortMapGateway gw = new FakePortMapGateway(FakePortMapGateway.Mode.SILENT, 3600)) {
            DoctorFinding f = DoctorPortMap.check(gw.address());
            assertEquals(DoctorFinding.Verdict.INFO, f.verdict(), f.toString());
            assertTrue(f.text().contains("offers no port mapping: no answer"), f.toString());
            // Port 5351 silent, so UPnP-IGD was looked for too, unicast to the router's port 1900 (lo: no multicast).
            assertTrue(f.text().contains("UPnP-IGD: no SSDP answer from the gateway 127.0.0.1"), f.toString());
        }
    }

    @Test
    void aRouterThatAnswersUpnpIgdIsReportedByName() throws Exception {
        DoctorFinding f = DoctorPortMap.offered("198.18.1.1", new PortMapClient.Probe(PortMapProtocol.UPNP_IGD,
                InetAddress.getByName("11.0.0.1")));
        assertEquals(DoctorFinding.Verdict.OK, f.verdict(), f.toString());
        assertTrue(f.text().startsWith("the router 198.18.1.1 answers UPnP-IGD (external address 11.0.0.1)"), f.toString());
        DoctorFinding nested = DoctorPortMap.offered("198.18.1.1", new PortMapClient.Probe(PortMapProtocol.UPNP_IGD,
                InetAddress.getByName("192.168.0.2")));
        assertEquals(DoctorFinding.Verdict.WARN, nested.verdict(), nested.toString());
    }
}
