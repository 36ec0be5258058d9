package io.mp2p.portmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * UPnP-IGD, the third protocol (spec/PORTMAP.md §5), against {@link FakeIgd} on the loopback
 * interface. The gateway's port 5351 is a closed port there, so PCP and NAT-PMP fail at once (ICMP
 * port unreachable) and the client goes on to UPnP-IGD, as against a router that offers only it.
 */
class UpnpIgdClientTest {
    private static final int INTERNAL = 41415;
    /** A bound on a call that must not hang: the UPnP budget and PCP's schedule, with room for a loaded machine. */
    private static final Duration NO_HANG = Duration.ofMillis(
            PortMapClient.GIVE_UP_MILLIS + PortMapClient.UPNP_GIVE_UP_MILLIS + 10_000);

    /** The client for the fake: PCP/NAT-PMP to a closed port on lo, UPnP to the fake's SSDP port. */
    private static PortMapClient client(FakeIgd igd) throws Exception {
        int closed;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        return PortMapClient.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), closed), igd.ssdpPort());
    }

    private static PortMapException fails(FakeIgd igd) throws Exception {
        try (PortMapClient c = client(igd)) {
            return assertTimeoutPreemptively(NO_HANG, () -> assertThrows(PortMapException.class,
                    () -> c.map(INTERNAL, 7200)));
        }
    }

    @Test
    void anIgdV2GatewayGrantsAMappingByAddAnyPortMappingAndItIsDeleted() throws Exception {
        try (FakeIgd igd = new FakeIgd(); PortMapClient c = client(igd)) {
            PortMapping m = c.map(INTERNAL, 7200);
            assertEquals(new PortMapping(PortMapProtocol.UPNP_IGD, INTERNAL,
                    new InetSocketAddress(FakeIgd.EXTERNAL, INTERNAL), 7200), m);
            assertEquals(PortMapProtocol.UPNP_IGD, c.protocol());
            c.unmap(m);
            List<String> got = igd.requests();
            assertEquals(List.of("M-SEARCH", "GET /rootDesc.xml"), got.subList(0, 2));
            assertTrue(got.get(3).startsWith("AddAnyPortMapping NewRemoteHost= NewExternalPort=41415 NewProtocol=UDP"
                    + " NewInternalPort=41415 NewInternalClient=127.0.0.1 NewEnabled=1"), got.toString());
            assertTrue(got.get(3).endsWith("NewLeaseDuration=7200"), got.toString());
            assertEquals("DeletePortMapping NewRemoteHost= NewExternalPort=41415 NewProtocol=UDP", got.get(got.size() - 1));
            // spec/PORTMAP.md §5.1 and §5.3's test vectors (the gateway here is 127.0.0.1 at the fake's port).
            assertEquals("M-SEARCH * HTTP/1.1\r\nHOST: 127.0.0.1:" + igd.ssdpPort() + "\r\nMAN: \"ssdp:discover\"\r\n"
                    + "MX: 1\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n", igd.raw.get("M-SEARCH"));
            assertEquals("<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""
                    + " s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:AddAnyPortMapping"
                    + " xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:2\"><NewRemoteHost></NewRemoteHost>"
                    + "<NewExternalPort>41415</NewExternalPort><NewProtocol>UDP</NewProtocol><NewInternalPort>41415"
                    + "</NewInternalPort><NewInternalClient>127.0.0.1</NewInternalClient><NewEnabled>1</NewEnabled>"
                    + "<NewPortMappingDescription>mp2p</NewPortMappingDescription><NewLeaseDuration>7200"
                    + "</NewLeaseDuration></u:AddAnyPortMapping></s:Body></s:Envelope>\r\n", igd.raw.get("AddAnyPortMapping"));
        }
    }

    @Test
    void anIgdV1RouterWithOnlyPermanentLeasesGetsLeaseZeroAndTheKeeperStillDeletesItOnClose() throws Exception {
        try (FakeIgd igd = new FakeIgd()) {
            igd.service = FakeIgd.V1;
            igd.onlyPermanent = true;
            PortMapKeeper k = PortMapKeeper.start(client(igd), INTERNAL, 7200, m -> { });
            assertEquals(0, k.current().lifetimeSeconds(), "IGDv1's lease 0: permanent");
            assertEquals(3_600_000, PortMapKeeper.renewAfterMillis(k.current(), 7200), "renewed at half of what was asked");
            k.close();
            List<String> got = igd.requests();
            assertTrue(got.stream().anyMatch(r -> r.startsWith("AddPortMapping") && r.endsWith("NewLeaseDuration=7200")));
            assertTrue(got.stream().anyMatch(r -> r.startsWith("AddPortMapping") && r.endsWith("NewLeaseDuration=0")));
            assertEquals("DeletePortMapping NewRemoteHost= NewExternalPort=41415 NewProtocol=UDP", got.get(got.size() - 1));
        }
    }

    @Test
    void aConflictOnOurPortIsAnsweredByAnotherPortWhichRenewalAndDeletionKeep() throws Exception {
        try (FakeIgd igd = new FakeIgd(); PortMapClient c = client(igd)) {
            igd.service = FakeIgd.V1;
            igd.conflicts.add(INTERNAL);
            PortMapping m = c.map(INTERNAL, 600);
            int port = m.external().getPort();
            assertNotEquals(INTERNAL, port);
            assertTrue(port >= 49152, "a dynamic port: " + port);
            assertEquals(port, c.map(INTERNAL, 600).external().getPort(), "a renewal asks for the port granted");
            c.unmap(m);
            assertEquals("DeletePortMapping NewRemoteHost= NewExternalPort=" + port + " NewProtocol=UDP",
                    igd.requests().get(igd.requests().size() - 1));
        }
    }

    @Test
    void aWanPppConnectionServiceIsUsedWithAddPortMapping() throws Exception {
        try (FakeIgd igd = new FakeIgd(); PortMapClient c = client(igd)) {
            igd.service = "urn:schemas-upnp-org:service:WANPPPConnection:1";
            PortMapping m = c.map(INTERNAL, 600);
            assertEquals(new InetSocketAddress(FakeIgd.EXTERNAL, INTERNAL), m.external());
            assertEquals(600, m.lifetimeSeconds());
            assertFalse(igd.requests().stream().anyMatch(r -> r.startsWith("AddAny")), igd.requests().toString());
            assertTrue(igd.raw.get("AddPortMapping").contains("xmlns:u=\"urn:schemas-upnp-org:service:WANPPPConnection:1\""));
        }
    }

    @Test
    void conflictsOnEveryPortTriedAreReportedAsARefusal() throws Exception {
        try (FakeIgd igd = new FakeIgd()) {
            igd.service = FakeIgd.V1;
            for (int p = 0; p <= 0xffff; p++) {
                igd.conflicts.add(p);
            }
            PortMapException e = fails(igd);
            assertEquals(PortMapException.Reason.REFUSED, e.reason());
            assertTrue(e.getMessage().contains("error 718 (ConflictInMappingEntry) (ports tried: [41415, "),
                    e.getMessage());
            assertEquals(UpnpIgdClient.PORT_TRIES,
                    igd.requests().stream().filter(r -> r.startsWith("AddPortMapping")).count());
        }
    }

    @Test
    void aLocationOnAnotherHostIsRefusedAndNeverFetched() throws Exception {
        try (FakeIgd igd = new FakeIgd()) {
            // Anyone on the link can answer SSDP: the description must come from the gateway itself.
            igd.location = "http://192.0.2.66:" + igd.http.getLocalPort() + "/rootDesc.xml";
            PortMapException e = fails(igd);
            assertEquals(PortMapException.Reason.NOT_GATEWAY, e.reason());
            assertTrue(e.getMessage().contains("192.0.2.66"), e.getMessage());
            assertFalse(igd.requests().stream().anyMatch(r -> r.startsWith("GET")), igd.requests().toString());
        }
    }

    @Test
    void aControlUrlOnAnotherHostIsRefused() throws Exception {
        try (FakeIgd igd = new FakeIgd()) {
            igd.controlUrl = "http://198.51.100.9:80/ctl/IPConn";
            PortMapException e = fails(igd);
            assertEquals(PortMapException.Reason.NOT_GATEWAY, e.reason());
            assertFalse(igd.requests().stream().anyMatch(r -> r.startsWith("Add")), igd.requests().toString());
        }
    }

    @Test
    void aDescriptionWithEntitiesIsRefusedWithoutExpandingOrFetchingThem() throws Exception {
        try (FakeIgd igd = new FakeIgd()) {
            igd.description = ("<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY a \"aaaaaaaaaa\">"
                    + "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                    + "<!ENTITY x SYSTEM \"" + igd.base() + "/evil\">]><root><URLBase>&c;&x;</URLBase></root>")
                    .getBytes(StandardCharsets.UTF_8);
            PortMapException e = fails(igd);
            assertEquals(PortMapException.Reason.MALFORMED, e.reason());
            assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
            assertFalse(igd.requests().contains("GET /evil"), "the external entity was fetched: " + igd.requests());
        }
    }

    @Test
    void anOversizedDescriptionIsRefused() throws Exception {
        try (FakeIgd igd = new FakeIgd()) {
            byte[] big = new byte[UpnpHttp.MAX_RESPONSE_BYTES + 1];
            java.util.Arrays.fill(big, (byte) ' ');
            igd.description = big;
            PortMapException e = fails(igd);
            assertEquals(PortMapException.Reason.TOO_LARGE, e.reason());
        }
    }

    @Test
    void aSilentSsdpResponderIsGivenUpOnWithAReason() throws Exception {
        try (FakeIgd igd = new FakeIgd()) {
            igd.ssdpSilent = true;
            PortMapException e = fails(igd);
            assertEquals(PortMapException.Reason.NO_RESPONSE, e.reason());
            assertTrue(e.getMessage().contains("PCP") && e.getMessage().contains("no SSDP answer"), e.getMessage());
        }
    }

    @Test
    void anHttpServerThatNeverAnswersIsGivenUpOnWithinTheBudget() throws Exception {
        try (FakeIgd igd = new FakeIgd()) {
            igd.httpSilent = true;
            PortMapException e = fails(igd);
            assertEquals(PortMapException.Reason.NO_RESPONSE, e.reason());
            assertTrue(igd.requests().contains("SILENT"), igd.requests().toString());
        }
    }

    @Test
    void aProbeReportsUpnpIgdAndTheExternalAddressWithoutMapping() throws Exception {
        try (FakeIgd igd = new FakeIgd(); PortMapClient c = client(igd)) {
            PortMapClient.Probe p = c.probe();
            assertEquals(PortMapProtocol.UPNP_IGD, p.protocol());
            assertEquals(InetAddress.getByName(FakeIgd.EXTERNAL), p.externalAddress());
            assertFalse(igd.requests().stream().anyMatch(r -> r.startsWith("Add")), igd.requests().toString());
        }
    }

    @Test
    void ssdpAnswersAreTakenOnlyFromAnIgdWhoseLocationIsTheGateway() throws Exception {
        InetAddress gw = InetAddress.getByName("192.168.1.1");
        SsdpSearch.Answers a = new SsdpSearch.Answers(gw);
        String st = "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:2\r\n";
        assertEquals(null, a.take("HTTP/1.1 200 OK\r\n" + st + "LOCATION: http://192.168.1.7:5000/d.xml\r\n\r\n"));
        assertEquals(null, a.take("HTTP/1.1 200 OK\r\n" + st + "LOCATION: http://router.lan:5000/d.xml\r\n\r\n"));
        assertEquals(null, a.take("HTTP/1.1 200 OK\r\n" + st + "LOCATION: https://192.168.1.1:5000/d.xml\r\n\r\n"));
        assertEquals(null, a.take("HTTP/1.1 200 OK\r\n" + st + "LOCATION: http://x@192.168.1.1:5000/d.xml\r\n\r\n"));
        assertEquals(null, a.take("HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nLOCATION: http://192.168.1.1:5000/d.xml\r\n\r\n"));
        assertEquals(null, a.take("NOTIFY * HTTP/1.1\r\n" + st + "LOCATION: http://192.168.1.1:5000/d.xml\r\n\r\n"));
        assertEquals("http://192.168.1.1:5000/d.xml",
                String.valueOf(a.take("HTTP/1.1 200 OK\r\n" + st + "Location: http://192.168.1.1:5000/d.xml\r\n\r\n")));
    }
}
