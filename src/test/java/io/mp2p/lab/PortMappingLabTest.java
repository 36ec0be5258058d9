package io.mp2p.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * IPv4 behind a NAT router that runs {@code miniupnpd} (nftables backend), once offering NAT-PMP and
 * PCP on its inside interface and once UPnP-IGD only: the node asks its own router for a mapping ({@code mp2p listen --map-port}),
 * publishes the mapped endpoint in its signed record, and a peer outside reaches it by unicast. A
 * control run without the mapping shows the NAT keeps that peer out.
 *
 * <pre>
 *   n (198.18.1.2) — r: NAT + miniupnpd (in0 198.18.1.1, out0 11.0.0.1) — o (11.0.0.2)
 * </pre>
 *
 * The outside link uses a public block (11.0.0.0/24) because miniupnpd refuses to map ports when its
 * external address is private or reserved (it says "Port forwarding is impossible"); the lab's
 * namespaces have no link to any real network, so nothing is ever sent toward that block.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PortMappingLabTest {
    private static final String RULESET = String.join("\n",
            "table inet filter {",
            "  chain forward {",
            "    type filter hook forward priority 0; policy accept;",
            "    jump miniupnpd",
            "  }",
            "  chain miniupnpd {",
            "  }",
            "  chain prerouting {",
            "    type nat hook prerouting priority -100; policy accept;",
            "    jump prerouting_miniupnpd",
            "  }",
            "  chain postrouting {",
            "    type nat hook postrouting priority 100; policy accept;",
            "    jump postrouting_miniupnpd",
            "    oifname \"out0\" masquerade",
            "  }",
            "  chain prerouting_miniupnpd {",
            "  }",
            "  chain postrouting_miniupnpd {",
            "  }",
            "}", "");
    /** miniupnpd 2.3.1's switches: {@code enable_natpmp} covers NAT-PMP and PCP (one socket, port 5351). */
    private static final String PCP_NAT_PMP = "enable_natpmp=yes\nenable_upnp=no\n";
    /** UPnP-IGD only: nothing listens on 5351 (PCP and NAT-PMP fail at once), SSDP on 1900, HTTP on 5000. */
    private static final String UPNP_ONLY = "enable_natpmp=no\nenable_upnp=yes\nhttp_port=5000\n";
    private static final String CONFIG = String.join("\n",
            "ext_ifname=out0",
            "ext_ip=11.0.0.1",
            "listening_ip=in0",
            "ipv6_disable=yes",
            "secure_mode=yes",
            "system_uptime=yes",
            "uuid=3c1b7c9e-6d70-3270-8000-000000000001",
            "allow 1024-65535 198.18.1.0/24 1024-65535",
            "deny 0-65535 0.0.0.0/0 0-65535", "");
    private static final double DAEMON_START_SECONDS = 20;
    private static final double FAILING_TIMEOUT_SECONDS = 8;

    @AfterAll
    static void table() {
        LabResults.print();
    }

    @Test
    void aNodeBehindNatMapsItsPortOnItsRouterAndIsReachedByUnicast() throws Exception {
        run(PCP_NAT_PMP, "PCP and NAT-PMP", "Listening for NAT-PMP/PCP traffic", "NAT-PMP", "PCP", 14);
    }

    /**
     * The same router offering UPnP-IGD only (IGDv2, miniupnpd's default build): the node's client
     * finds nothing on port 5351, discovers the IGD by SSDP sent unicast to the router, and maps by SOAP.
     */
    @Test
    void aNodeBehindNatMapsItsPortByUpnpIgdAloneAndIsReachedByUnicast() throws Exception {
        run(UPNP_ONLY, "UPnP-IGD only, IGDv2", "HTTP listening on port", "UPnP-IGD", "UPnP-IGD", 15);
    }

    /** UPnP-IGD only, the router describing itself as IGDv1 (WANIPConnection:1: no AddAnyPortMapping). */
    @Test
    void aNodeBehindAnIgdV1RouterMapsItsPortByAddPortMapping() throws Exception {
        run(UPNP_ONLY + "force_igd_desc_v1=yes\n", "UPnP-IGD only, IGDv1", "HTTP listening on port", "UPnP-IGD",
                "UPnP-IGD", 16);
    }

    private static void run(String protocols, String offered, String ready, String doctorSays, String granted, int row)
            throws Exception {
        LabAssumptions.lab("port mapping");
        LabAssumptions.tool("port mapping", "miniupnpd", "miniupnpd", "--version");
        LabAssumptions.tool("port mapping", "nftables", "nft", "--version");
        try (Lab lab = Lab.create()) {
            String n = lab.node("n");
            String r = lab.node("r");
            String o = lab.node("o");
            lab.link(n, "lan0", r, "in0");
            lab.link(r, "out0", o, "lan0");
            lab.addr(n, "lan0", "198.18.1.2/24");
            lab.addr(r, "in0", "198.18.1.1/24");
            lab.addr(r, "out0", "11.0.0.1/24");
            lab.addr(o, "lan0", "11.0.0.2/24");
            lab.router(r);
            lab.defaultRoute(n, "198.18.1.1");
            Path rules = lab.dir.resolve("nat.nft");
            Files.writeString(rules, RULESET);
            lab.exec(r, "nft", "-f", rules.toString());
            Path conf = lab.dir.resolve("miniupnpd.conf");
            // The MiniSSDPd socket (a host path: Unix sockets cross namespaces) is pointed into the lab's directory.
            Files.writeString(conf, CONFIG + protocols + "minissdpdsocket=" + lab.dir.resolve("no-minissdpd.sock") + "\n");
            LabProcess daemon = lab.start(r, "miniupnpd", java.util.List.of("miniupnpd", "-d", "-f", conf.toString(),
                    "-P", lab.dir.resolve("miniupnpd.pid").toString()), java.util.Map.of());
            assertNotNull(daemon.awaitStderr(l -> l.contains(ready), DAEMON_START_SECONDS),
                    "miniupnpd did not start:\n" + daemon.stderrText() + daemon.stdoutText());
            Mp2p.Key kn = Mp2p.key(lab.dir, "n");
            Mp2p.Key ko = Mp2p.key(lab.dir, "o");
            String[] net = {"--ipv4", "--interface", "lan0"};

            // Control: no mapping. The record names only n's private address; o has no way in.
            LabProcess plain = Mp2p.listen(lab, n, kn, net);
            String plainRecord = record(plain);
            Exchange.Outcome control = Exchange.run(lab, o, ko, plainRecord, plain, Messages.make("pm0", 3, 14), 20,
                    false, FAILING_TIMEOUT_SECONDS, net);
            plain.close();
            assertFalse(control.connected(), "reached n through its NAT without a mapping:\n" + control.senderStderr());

            // mp2p doctor on n sees that its router offers port mapping.
            LabProcess doctor = lab.start(n, "doctor", Mp2p.command("doctor", "-k", kn.file().toString(), "--ipv4",
                    "--interface", "lan0"), Mp2p.env(lab, false));
            doctor.awaitExit(LabTopologiesTest.DOCTOR_WAIT_SECONDS);
            String portMapLine = doctor.stdout().stream().map(LabProcess.Line::text)
                    .filter(l -> l.contains("port mapping: ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no port mapping line:\n" + doctor.stdoutText()));
            System.out.println("lab: mp2p doctor on n: " + portMapLine);
            assertTrue(portMapLine.startsWith("[OK]") && portMapLine.contains("the router 198.18.1.1 answers "
                    + doctorSays + " (external address 11.0.0.1)"), portMapLine);

            // With --map-port: n asks r (its default router) for a mapping and publishes it.
            LabProcess listener = Mp2p.listen(lab, n, kn, LabTopologiesTest.concat(net, "--map-port"));
            record(listener);
            String mapping = listener.stdout().stream().map(LabProcess.Line::text)
                    .filter(l -> l.startsWith("my mapping: ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no mapping:\n" + listener.stdoutText() + listener.stderrText()));
            String record = record(listener);
            String external = mapping.substring("my mapping: ".length(), mapping.indexOf(' ', "my mapping: ".length()));
            assertTrue(external.startsWith("11.0.0.1:"), mapping);
            String protocol = mapping.substring(mapping.indexOf('(') + 1, mapping.indexOf(','));
            assertTrue(protocol.equals(granted) || granted.equals("PCP") && protocol.equals("NAT-PMP"), mapping);
            String port = external.substring("11.0.0.1:".length());
            assertTrue(rules(lab, r).contains("dport " + port + " "), "no rule for the mapping on r:\n" + rules(lab, r));
            assertTrue(record.contains("&ep=" + external + "&"), "the record publishes the mapping first: " + record);
            Exchange.Outcome x = Exchange.run(lab, o, ko, record, listener,
                    Messages.make("pm1", LabTopologiesTest.MESSAGES, 15), LabTopologiesTest.PACE_MILLIS, true,
                    LabTopologiesTest.TIMEOUT_SECONDS, net);
            listener.close();
            LabTopologiesTest.assertAllDelivered(x);
            String via = x.senderStderr().lines().filter(l -> l.startsWith("mp2p: connected via ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no path line:\n" + x.senderStderr()));
            assertEquals("mp2p: connected via unicast " + external, via);
            // Closing the listener deleted the mapping on the router: its log says so and its rule is gone.
            String deleted = granted.equals("UPnP-IGD") ? "DeletePortMapping" : "mapping removed";
            assertNotNull(daemon.awaitStderr(l -> l.contains(deleted), DAEMON_START_SECONDS),
                    "the mapping was not deleted on exit:\n" + daemon.stderrText());
            assertFalse(rules(lab, r).contains("dport " + port + " "), "the mapping's rule is left on r:\n" + rules(lab, r));
            if (granted.equals("UPnP-IGD")) {
                // One M-SEARCH per discovery (the doctor's, the listener's): the unicast one to r's port 1900 was
                // answered, so the multicast fallback was never sent.
                long searches = daemon.stderr().stream().map(LabProcess.Line::text)
                        .filter(l -> l.contains("SSDP M-SEARCH from 198.18.1.2:")).count();
                System.out.println("lab: miniupnpd heard " + searches + " M-SEARCH from n");
                List<String> actions = daemon.stderr().stream().map(LabProcess.Line::text)
                        .filter(l -> l.contains("SOAPAction: ")).map(l -> l.substring(l.indexOf("SOAPAction: ") + 12))
                        .toList();
                System.out.println("lab: miniupnpd's SOAP actions: " + actions);
                String service = offered.endsWith("IGDv1") ? "WANIPConnection:1" : "WANIPConnection:2";
                String add = offered.endsWith("IGDv1") ? "#AddPortMapping" : "#AddAnyPortMapping";
                assertTrue(actions.stream().allMatch(a -> a.contains(service)), actions.toString());
                assertTrue(actions.stream().anyMatch(a -> a.endsWith(add)), actions.toString());
                assertTrue(actions.get(actions.size() - 1).endsWith("#DeletePortMapping"), actions.toString());
                assertEquals(2, searches, daemon.stderrText());
            }
            LabResults.add(new LabResults.Row(row, "IPv4 behind a NAT router running miniupnpd 2.3.1 ("
                    + offered + "; "
                    + protocol + " granted), peer outside, no multicast", "yes (without the mapping: no,"
                    + " as the control run showed)", LabResults.ms(x.handshakeMs()),
                    x.deliveredText() + ", " + x.echoed() + " echoed", "unicast " + external
                    + " (the router's mapping, from n's signed record; deleted when n exited)"));
        }
    }

    /** miniupnpd's DNAT rules on {@code r} (its nftables chain), where a mapping shows as "udp dport N". */
    private static String rules(Lab lab, String r) throws Exception {
        return lab.exec(r, "nft", "list", "chain", "inet", "filter", "prerouting_miniupnpd").stdout();
    }

    private static String record(LabProcess listener) throws InterruptedException {
        listener.awaitStdout(l -> l.startsWith("my record: "), DAEMON_START_SECONDS);
        return listener.stdout().stream().map(LabProcess.Line::text).filter(l -> l.startsWith("my record: "))
                .map(l -> l.substring("my record: ".length())).findFirst()
                .orElseThrow(() -> new AssertionError("no record:\n" + listener.stdoutText()));
    }
}
