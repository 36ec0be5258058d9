package io.mp2p.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * IPv6 hosts behind stateful firewalls on both sides, with no multicast between them
 * (spec/PROTOCOL.md §6.10): each firewall drops unsolicited inbound traffic and lets replies to what
 * its inside sent through. Measured twice: a one-sided attempt (only a dials b) and a simultaneous
 * open (b dials a's record while a dials b's), each with real {@code mp2p} processes.
 *
 * <pre>
 *   a (2001:db8:a::2) — fwa — [2001:db8:ff::/64] — fwb — b (2001:db8:b::2)
 * </pre>
 *
 * Documentation addresses (RFC 3849) exist only inside the lab's namespaces.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FirewallLabTest {
    private static final String A_ADDR = "2001:db8:a::2";
    private static final String B_ADDR = "2001:db8:b::2";
    /** Each phase uses its own ports, so the firewalls' state from one cannot help the other. */
    private static final int ONE_SIDED_PORT = 41415;
    private static final int SIMULTANEOUS_PORT = 41416;
    private static final double FAILING_TIMEOUT_SECONDS = 8;
    private static final Pattern DROPPED = Pattern.compile("^\\s*(\\d+)\\s+\\d+\\s+DROP\\b");

    @AfterAll
    static void table() {
        LabResults.print();
    }

    @Test
    void ipv6BehindStatefulFirewallsConnectsBySimultaneousOpenAndNotOneSided() throws Exception {
        LabAssumptions.lab("stateful firewalls");
        LabAssumptions.tool("stateful firewalls", "iptables", "ip6tables", "-V");
        try (Lab lab = Lab.create()) {
            String a = lab.node("a");
            String fwa = lab.node("fwa");
            String fwb = lab.node("fwb");
            String b = lab.node("b");
            build(lab, a, fwa, fwb, b);
            Mp2p.Key ka = Mp2p.key(lab.dir, "a");
            Mp2p.Key kb = Mp2p.key(lab.dir, "b");
            String[] net = {"--ipv6", "--interface", "lan0"};

            // 1. One-sided: b only listens; a dials b's record. b's firewall has never seen b send to a.
            String recordB1 = record(lab, b, kb, B_ADDR, ONE_SIDED_PORT);
            LabProcess listener = Mp2p.listen(lab, b, kb, LabTopologiesTest.concat(net, "--unicast-port",
                    String.valueOf(ONE_SIDED_PORT), "--endpoint", "[" + B_ADDR + "]:" + ONE_SIDED_PORT));
            long droppedAtFwbBefore = dropped(lab, fwb);
            Exchange.Outcome one = Exchange.run(lab, a, ka, recordB1, listener, Messages.make("fw1", 3, 12), 20,
                    false, FAILING_TIMEOUT_SECONDS, LabTopologiesTest.concat(net, "--unicast-port",
                            String.valueOf(ONE_SIDED_PORT)));
            listener.close();
            long droppedAtFwb = dropped(lab, fwb) - droppedAtFwbBefore;
            System.out.println("lab: one-sided attempt through b's firewall: connected=" + one.connected()
                    + ", fwb dropped " + droppedAtFwb + " unsolicited packets");
            assertFalse(one.connected(), "b's firewall let an unsolicited initiation in:\n" + one.senderStderr());
            assertTrue(droppedAtFwb > 0, "b's firewall dropped a's initiations");
            LabResults.add(new LabResults.Row(12, "IPv6 behind stateful firewalls both sides, no multicast;"
                    + " only a dials b's record", "no, as measured: b's firewall dropped " + droppedAtFwb
                    + " unsolicited packets", "—", "none: no session", "none (group and unicast both dropped)"));

            // 2. Simultaneous open: b dials a's record (its packets open b's firewall toward a, and are
            //    dropped by a's), while a dials b's record (its packets open a's and now pass b's).
            String recordA = record(lab, a, ka, A_ADDR, SIMULTANEOUS_PORT);
            String recordB = record(lab, b, kb, B_ADDR, SIMULTANEOUS_PORT);
            long droppedAtFwaBefore = dropped(lab, fwa);
            listener = Mp2p.listen(lab, b, kb, LabTopologiesTest.concat(net, "--unicast-port",
                    String.valueOf(SIMULTANEOUS_PORT), "--endpoint", "[" + B_ADDR + "]:" + SIMULTANEOUS_PORT,
                    "--connect", recordA));
            Exchange.Outcome o = Exchange.run(lab, a, ka, recordB, listener,
                    Messages.make("fw2", LabTopologiesTest.MESSAGES, 13), LabTopologiesTest.PACE_MILLIS, true,
                    LabTopologiesTest.TIMEOUT_SECONDS, LabTopologiesTest.concat(net, "--unicast-port",
                            String.valueOf(SIMULTANEOUS_PORT)));
            listener.close();
            long droppedAtFwa = dropped(lab, fwa) - droppedAtFwaBefore;
            LabTopologiesTest.assertAllDelivered(o);
            String via = o.senderStderr().lines().filter(l -> l.startsWith("mp2p: connected via ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no path line:\n" + o.senderStderr()));
            assertEquals("mp2p: connected via unicast [" + B_ADDR + "]:" + SIMULTANEOUS_PORT, via);
            System.out.println("lab: simultaneous open: " + via + "; a's firewall dropped " + droppedAtFwa
                    + " of b's packets sent before a's opened it");
            LabResults.add(new LabResults.Row(13, "IPv6 behind stateful firewalls both sides, no multicast;"
                    + " both dial each other's record (simultaneous open)", "yes", LabResults.ms(o.handshakeMs()),
                    o.deliveredText() + ", " + o.echoed() + " echoed", via.substring("mp2p: connected via ".length())
                    + " (b's own packets opened its firewall; " + droppedAtFwa + " of them dropped at a's before a"
                    + " sent)"));
        }
    }

    /** The routed pair behind two firewalls that drop what comes in from outside unless it answers what went out. */
    private static void build(Lab lab, String a, String fwa, String fwb, String b) throws Exception {
        lab.link(a, "lan0", fwa, "in0");
        lab.link(fwa, "out0", fwb, "out0");
        lab.link(b, "lan0", fwb, "in0");
        lab.addr(a, "lan0", A_ADDR + "/64");
        lab.addr(fwa, "in0", "2001:db8:a::1/64");
        lab.addr(fwa, "out0", "2001:db8:ff::1/64");
        lab.addr(fwb, "out0", "2001:db8:ff::2/64");
        lab.addr(fwb, "in0", "2001:db8:b::1/64");
        lab.addr(b, "lan0", B_ADDR + "/64");
        lab.router(fwa);
        lab.router(fwb);
        lab.defaultRoute(a, "2001:db8:a::1");
        lab.defaultRoute(b, "2001:db8:b::1");
        lab.exec(fwa, "ip", "-6", "route", "add", "2001:db8:b::/64", "via", "2001:db8:ff::2");
        lab.exec(fwb, "ip", "-6", "route", "add", "2001:db8:a::/64", "via", "2001:db8:ff::1");
        for (String fw : List.of(fwa, fwb)) {
            lab.exec(fw, "ip6tables", "-A", "FORWARD", "-i", "out0", "-o", "in0", "-m", "conntrack", "--ctstate",
                    "ESTABLISHED,RELATED", "-j", "ACCEPT");
            lab.exec(fw, "ip6tables", "-A", "FORWARD", "-i", "out0", "-o", "in0", "-j", "DROP");
        }
    }

    /** A signed record of {@code key} that publishes {@code [addr]:port} ({@code mp2p id --endpoint}). */
    private static String record(Lab lab, String ns, Mp2p.Key key, String addr, int port) throws Exception {
        Shell.Result r = lab.exec(ns, Mp2p.command("id", "-k", key.file().toString(), "--endpoint",
                "[" + addr + "]:" + port).toArray(new String[0]));
        return r.stdout().lines().filter(l -> l.startsWith("ipv6 record:")).map(l -> l.substring(l.indexOf("mp2p://")))
                .findFirst().orElseThrow(() -> new AssertionError("no record in:\n" + r.stdout()));
    }

    /** Packets the firewall in {@code fw} dropped so far. */
    private static long dropped(Lab lab, String fw) throws Exception {
        Shell.Result r = lab.exec(fw, "ip6tables", "-L", "FORWARD", "-v", "-x", "-n");
        long n = 0;
        for (String line : r.stdout().split("\n")) {
            Matcher m = DROPPED.matcher(line);
            if (m.find()) {
                n += Long.parseLong(m.group(1));
            }
        }
        return n;
    }
}
