package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.mp2p.portmap.FakePortMapGateway;

/** The doctor's "port mapping" line against a fake gateway on lo: offered, and not offered. */
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
        }
    }
}
