package io.mp2p.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where mp2p connects, measured with real {@code mp2p} processes in network namespaces: one link,
 * two subnets joined by a multicast router, hosts behind NAT routers that forward multicast. Each
 * test is a topology; its verdict is the assertions, and its row goes to the lab's table
 * ({@link LabResults}). Needs root, iproute2, and smcroute and iptables where the topology uses them;
 * skipped with a printed reason otherwise.
 *
 * <p>Addresses come from 198.18.0.0/15 (RFC 2544, set aside for test networks) and fd00:6d70::/32
 * (unique local); they exist only inside the lab's namespaces, which have no link to the host's network.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LabTopologiesTest {
    static final int MESSAGES = 10;
    static final long PACE_MILLIS = 20;
    static final double TIMEOUT_SECONDS = 20;
    /** The sender's --timeout where no handshake can complete: long enough for a retry (every 5 s). */
    static final double FAILING_TIMEOUT_SECONDS = 8;
    /** A JVM's start and stop on a loaded machine: a run past timeout + this is a hang. */
    static final double HANG_MARGIN_SECONDS = 30;
    static final double DOCTOR_WAIT_SECONDS = 60;

    @AfterAll
    static void table() {
        LabResults.print();
    }

    @Test
    void oneLinkIpv4AndIpv6() throws Exception {
        LabAssumptions.lab("one link");
        try (Lab lab = Lab.create()) {
            String a = lab.node("a");
            String b = lab.node("b");
            lab.link(a, "lan0", b, "lan0");
            lab.addr(a, "lan0", "198.18.1.2/24");
            lab.addr(b, "lan0", "198.18.1.3/24");
            lab.addr(a, "lan0", "fd00:6d70:1::2/64");
            lab.addr(b, "lan0", "fd00:6d70:1::3/64");
            Mp2p.Key ka = Mp2p.key(lab.dir, "a");
            Mp2p.Key kb = Mp2p.key(lab.dir, "b");
            for (boolean v6 : new boolean[] {false, true}) {
                String[] family = v6 ? new String[] {"--ipv6"} : new String[] {"--ipv4"};
                LabProcess listener = Mp2p.listen(lab, b, kb, concat(family, "--interface", "lan0"));
                Exchange.Outcome o = Exchange.run(lab, a, ka, kb, listener,
                        Messages.make("link" + (v6 ? 6 : 4), MESSAGES, 1), PACE_MILLIS, true, TIMEOUT_SECONDS,
                        concat(family, "--interface", "lan0"));
                listener.close();
                assertAllDelivered(o);
                LabResults.add(new LabResults.Row(v6 ? 2 : 1, "one link, " + (v6 ? "IPv6 ff1e::" : "IPv4 239.192/14"),
                        "yes", LabResults.ms(o.handshakeMs()), o.deliveredText() + ", " + o.echoed() + " echoed",
                        "multicast on the link, TTL 1"));
            }
        }
    }

    @Test
    void twoSubnetsJoinedByAMulticastRouter() throws Exception {
        LabAssumptions.lab("routed");
        LabAssumptions.tool("routed", "smcroute", "smcrouted", "-v");
        try (Lab lab = Lab.create()) {
            String a = lab.node("a");
            String r = lab.node("r");
            String b = lab.node("b");
            routedPair(lab, a, r, b);
            Smcroute.start(lab, r, "a0", "b0", List.of(Smcroute.IPV4_RANGE, Smcroute.IPV6_RANGE));
            Mp2p.Key ka = Mp2p.key(lab.dir, "a");
            Mp2p.Key kb = Mp2p.key(lab.dir, "b");
            for (boolean v6 : new boolean[] {false, true}) {
                String[] opts = concat(v6 ? new String[] {"--ipv6"} : new String[] {"--ipv4"}, "--interface", "lan0",
                        "--ttl", "2");
                LabProcess listener = Mp2p.listen(lab, b, kb, opts);
                Exchange.Outcome o = Exchange.run(lab, a, ka, kb, listener,
                        Messages.make("routed" + (v6 ? 6 : 4), MESSAGES, 2), PACE_MILLIS, true, TIMEOUT_SECONDS, opts);
                listener.close();
                assertAllDelivered(o);
                List<Smcroute.Route> routes = Smcroute.routes(r, v6);
                long toB = Smcroute.forwardedOut(routes, "b0");
                long toA = Smcroute.forwardedOut(routes, "a0");
                assertTrue(toB > 0 && toA > 0, "the router forwarded both ways: " + routes);
                LabResults.add(new LabResults.Row(v6 ? 4 : 3, "two subnets, one router (smcroute), "
                        + (v6 ? "IPv6" : "IPv4") + ", TTL 2", "yes", LabResults.ms(o.handshakeMs()),
                        o.deliveredText() + ", " + o.echoed() + " echoed",
                        "multicast routed by r: " + toB + " packets a→b, " + toA + " b→a"));
            }
        }
    }

    @Test
    void ipv4HostsBehindNatRoutersThatForwardMulticast() throws Exception {
        LabAssumptions.lab("NAT");
        LabAssumptions.tool("NAT", "smcroute", "smcrouted", "-v");
        LabAssumptions.tool("NAT", "iptables", "iptables", "-V");
        try (Lab lab = Lab.create()) {
            String a = lab.node("a");
            String ra = lab.node("ra");
            String rb = lab.node("rb");
            String b = lab.node("b");
            lab.link(a, "lan0", ra, "in0");
            lab.link(b, "lan0", rb, "in0");
            lab.link(ra, "out0", rb, "out0");
            // Two homes with the same private subnet: a and b even have the same address.
            lab.addr(a, "lan0", "198.18.1.2/24");
            lab.addr(b, "lan0", "198.18.1.2/24");
            for (String rtr : List.of(ra, rb)) {
                lab.addr(rtr, "in0", "198.18.1.1/24");
                lab.router(rtr);
                lab.exec(rtr, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "out0", "-j", "MASQUERADE");
                Smcroute.start(lab, rtr, "in0", "out0", List.of(Smcroute.IPV4_RANGE));
            }
            lab.addr(ra, "out0", "198.19.0.1/24");
            lab.addr(rb, "out0", "198.19.0.2/24");
            lab.defaultRoute(a, "198.18.1.1");
            lab.defaultRoute(b, "198.18.1.1");
            Mp2p.Key ka = Mp2p.key(lab.dir, "a");
            Mp2p.Key kb = Mp2p.key(lab.dir, "b");
            String[] opts = {"--interface", "lan0", "--ttl", "3"};
            LabProcess listener = Mp2p.listen(lab, b, kb, opts);
            Exchange.Outcome o = Exchange.run(lab, a, ka, kb, listener, Messages.make("nat", MESSAGES, 3),
                    PACE_MILLIS, true, TIMEOUT_SECONDS, opts);
            listener.close();
            assertAllDelivered(o);
            List<Smcroute.Route> atRb = Smcroute.routes(rb, false);
            // rb sees a's packets coming from ra's outside address: ra's NAT rewrote the source.
            assertTrue(atRb.stream().anyMatch(x -> x.source().equals("198.19.0.1") && x.packets() > 0),
                    "rb forwarded packets whose source ra's NAT rewrote: " + atRb);
            LabResults.add(new LabResults.Row(5, "IPv4 behind two NAT routers (MASQUERADE) that forward multicast,"
                    + " TTL 3", "yes", LabResults.ms(o.handshakeMs()), o.deliveredText() + ", " + o.echoed() + " echoed",
                    "multicast via ra and rb; rb saw a's packets from 198.19.0.1 (ra's NAT)"));
        }
    }

    /**
     * The router forwards unicast but no multicast (no multicast routing daemon): the sender must give
     * up within its --timeout, say how many attempts it made and that multicast may not be routed, and
     * {@code mp2p doctor --peer} run on the sender's host must name the same problem.
     */
    @Test
    void aRouterThatForwardsNoMulticastFailsPreciselyWithinTheTimeout() throws Exception {
        LabAssumptions.lab("no multicast routing");
        try (Lab lab = Lab.create()) {
            String a = lab.node("a");
            String r = lab.node("r");
            String b = lab.node("b");
            routedPair(lab, a, r, b);
            Mp2p.Key ka = Mp2p.key(lab.dir, "a");
            Mp2p.Key kb = Mp2p.key(lab.dir, "b");
            String[] opts = {"--interface", "lan0", "--ttl", "3"};
            LabProcess listener = Mp2p.listen(lab, b, kb, opts);
            Exchange.Outcome o = Exchange.run(lab, a, ka, kb, listener, Messages.make("nomcast", MESSAGES, 4),
                    PACE_MILLIS, false, FAILING_TIMEOUT_SECONDS, opts);
            assertFalse(o.connected(), o.senderStderr());
            assertEquals(1, o.exitCode(), o.senderStderr());
            // The lab runs senders with MP2P_DEBUG=1 (to time handshakes), so a stack trace follows the line.
            String last = o.senderStderr().lines().filter(l -> l.startsWith("mp2p: no answer from peer ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no failure line:\n" + o.senderStderr()));
            assertTrue(last.startsWith("mp2p: no answer from peer " + kb.hex() + " after "), last);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("after (\\d+) handshake attempts? in ([0-9.]+) s")
                    .matcher(last);
            assertTrue(m.find(), last);
            int attempts = Integer.parseInt(m.group(1));
            assertTrue(attempts >= 2, "retried before giving up: " + last);
            assertTrue(last.contains("check that multicast is routed between you (TTL 3"), last);
            // Never a hang: the tool ends within its timeout plus its JVM's start and stop.
            assertTrue(o.senderSeconds() < FAILING_TIMEOUT_SECONDS + HANG_MARGIN_SECONDS,
                    "ended after " + o.senderSeconds() + " s");

            LabProcess doctor = lab.start(a, "doctor", Mp2p.command("doctor", "-k", ka.file().toString(),
                    "--interface", "lan0", "--ttl", "3", "--peer", kb.hex(), "--timeout", "6"), Mp2p.env(lab, false));
            int doctorExit = doctor.awaitExit(DOCTOR_WAIT_SECONDS);
            listener.close();
            String report = doctor.stdoutText();
            System.out.println("lab: mp2p doctor on a, whose router forwards no multicast:\n" + report);
            assertEquals(1, doctorExit, report + doctor.stderrText());
            String reach = report.lines().filter(l -> l.startsWith("[FAIL]") && l.contains("reach: ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no failed reach line:\n" + report));
            assertTrue(reach.contains("multicast is not routed unless the routers forward it"), reach);
            assertTrue(reach.contains("TTL 3"), reach);
            for (String check : List.of("interfaces", "interface", "port", "join", "loopback", "querier", "ttl",
                    "firewall", "record", "port mapping", "reach")) {
                assertTrue(report.lines().anyMatch(l -> l.matches("^\\[[A-Z/]+\\] +" + check + ": .+")),
                        "a verdict line for " + check + ":\n" + report);
            }
            LabResults.add(new LabResults.Row(6, "two subnets, the router forwards unicast but no multicast, TTL 3",
                    "no, as it must: exit 1 after " + attempts + " attempts in " + m.group(2) + " s (--timeout "
                    + (int) FAILING_TIMEOUT_SECONDS + ")", "—", "none sent: no session",
                    "none; the error and 'mp2p doctor' both say multicast may not be routed"));
        }
    }

    /** a (198.18.1.2, fd00:6d70:1::2) — r — b (198.18.2.2, fd00:6d70:2::2), default routes via r. */
    static void routedPair(Lab lab, String a, String r, String b) throws Exception {
        lab.link(a, "lan0", r, "a0");
        lab.link(b, "lan0", r, "b0");
        lab.addr(a, "lan0", "198.18.1.2/24");
        lab.addr(a, "lan0", "fd00:6d70:1::2/64");
        lab.addr(b, "lan0", "198.18.2.2/24");
        lab.addr(b, "lan0", "fd00:6d70:2::2/64");
        lab.addr(r, "a0", "198.18.1.1/24");
        lab.addr(r, "a0", "fd00:6d70:1::1/64");
        lab.addr(r, "b0", "198.18.2.1/24");
        lab.addr(r, "b0", "fd00:6d70:2::1/64");
        lab.router(r);
        lab.defaultRoute(a, "198.18.1.1");
        lab.defaultRoute(a, "fd00:6d70:1::1");
        lab.defaultRoute(b, "198.18.2.1");
        lab.defaultRoute(b, "fd00:6d70:2::1");
    }

    static void assertAllDelivered(Exchange.Outcome o) {
        TestAssertions.allDelivered(o);
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
