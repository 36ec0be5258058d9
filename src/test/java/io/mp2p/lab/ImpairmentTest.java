package io.mp2p.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.address.GroupAddresses;
import io.mp2p.address.GroupSchedule;
import io.mp2p.address.Ipv6Scope;

/**
 * mp2p over impaired links: random loss from iptables ({@code -m statistic --mode random}) inside
 * the hosts' namespaces, and delay with jitter, reordering and duplication from the lab's own
 * seeded relay ({@link ImpairmentRelay}; this kernel has no netem). The verdict: the handshake
 * completes, and every message that arrives arrives once and intact. mp2p does not resend
 * messages (datagrams), so under loss the figures say how many arrived.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ImpairmentTest {
    static final int MESSAGES = 100;
    static final long PACE_MILLIS = 10;
    /** Under 20% loss each way a handshake attempt succeeds 64% of the time; retries are 5 s apart. */
    static final double LOSSY_TIMEOUT_SECONDS = 40;
    static final long RELAY_SEED = 42;
    static final double RELAY_DELAY_MS = 20;
    static final double RELAY_JITTER_MS = 15;
    static final double RELAY_REORDER = 0.1;
    static final double RELAY_DUPLICATE = 0.1;

    @AfterAll
    static void table() {
        LabResults.print();
    }

    @Test
    void fivePercentRandomLossEachWay() throws Exception {
        loss(9, "0.05");
    }

    @Test
    void twentyPercentRandomLossEachWay() throws Exception {
        loss(10, "0.2");
    }

    private static void loss(int order, String probability) throws Exception {
        String label = "loss " + probability;
        LabAssumptions.lab(label);
        LabAssumptions.tool(label, "iptables", "iptables", "-V");
        try (Lab lab = Lab.create()) {
            String a = lab.node("a");
            String b = lab.node("b");
            lab.link(a, "lan0", b, "lan0");
            lab.addr(a, "lan0", "198.18.1.2/24");
            lab.addr(b, "lan0", "198.18.1.3/24");
            // Only UDP: IGMP (the memberships) stays whole, as loss on a real link would mostly spare it.
            for (String host : List.of(a, b)) {
                lab.exec(host, "iptables", "-A", "INPUT", "-p", "udp", "-m", "statistic", "--mode", "random",
                        "--probability", probability, "-j", "DROP");
            }
            Mp2p.Key ka = Mp2p.key(lab.dir, "a");
            Mp2p.Key kb = Mp2p.key(lab.dir, "b");
            String[] opts = {"--interface", "lan0"};
            LabProcess listener = Mp2p.listen(lab, b, kb, opts);
            Exchange.Outcome o = Exchange.run(lab, a, ka, kb, listener, Messages.make("loss" + probability, MESSAGES, 9),
                    PACE_MILLIS, false, LOSSY_TIMEOUT_SECONDS, opts);
            listener.close();
            String dropped = lab.exec(b, "iptables", "-L", "INPUT", "-v", "-n", "-x").stdout();
            TestAssertions.atMostOnceAndIntact(o);
            assertEquals(0, o.exitCode(), o.senderStderr());
            int retries = (int) o.senderStderr().lines().filter(l -> l.contains("handshake attempt")).count();
            System.out.printf(Locale.ROOT, "lab: %s%% random loss each way: handshake %s (%d retr%s), %d of %d"
                    + " messages arrived once and intact, %d echoes came back; iptables on b:%n%s",
                    pct(probability), LabResults.ms(o.handshakeMs()), retries, retries == 1 ? "y" : "ies", o.delivered(),
                    o.sent(), o.echoed(), dropped);
            if (order == 10) {
                doctorSeesTheDropRule(lab, a, ka);
            }
            LabResults.add(new LabResults.Row(order, "one link, " + pct(probability) + "% random loss each way"
                    + " (iptables statistic)", "yes" + (retries > 0 ? ", after " + retries + " retr"
                    + (retries == 1 ? "y" : "ies") : ""), LabResults.ms(o.handshakeMs()),
                    o.deliveredText() + " once and intact, " + o.echoed() + " echoed", "multicast on the link"));
        }
    }

    /** mp2p doctor, run where the loss rule is, names it as a rule that drops some of mp2p's packets. */
    private static void doctorSeesTheDropRule(Lab lab, String ns, Mp2p.Key key) throws Exception {
        LabProcess doctor = lab.start(ns, "doctor", Mp2p.command("doctor", "-k", key.file().toString(), "--interface",
                "lan0"), Mp2p.env(lab, false));
        doctor.awaitExit(LabTopologiesTest.DOCTOR_WAIT_SECONDS);
        String firewall = doctor.stdoutText().lines().filter(l -> l.contains(" firewall: ")).findFirst().orElse("");
        assertTrue(firewall.startsWith("[WARN]") && firewall.contains("--mode random"),
                "doctor names the random-drop rule: " + doctor.stdoutText());
    }

    @Test
    void delayJitterReorderingAndDuplicationFromASeededRelay() throws Exception {
        LabAssumptions.lab("relay");
        try (Lab lab = Lab.create()) {
            String a = lab.node("a");
            String r = lab.node("r");
            String b = lab.node("b");
            LabTopologiesTest.routedPair(lab, a, r, b);
            Mp2p.Key ka = Mp2p.key(lab.dir, "a");
            Mp2p.Key kb = Mp2p.key(lab.dir, "b");
            // The relay carries the groups each side listens on: b's from a's side, a's from b's side.
            GroupSchedule daily = GroupSchedule.rotating(StandardProtocolFamily.INET, Ipv6Scope.GLOBAL);
            Instant now = Instant.now();
            LabProcess relay = lab.start(r, "relay", relayCommand(groups(daily, kb, now), groups(daily, ka, now)),
                    Map.of());
            assertTrue(relay.awaitStdout(l -> l.startsWith("relay: ready"), Mp2p.LISTEN_START_SECONDS) != null,
                    relay.stderrText());
            String[] opts = {"--interface", "lan0", "--ttl", "2"};
            LabProcess listener = Mp2p.listen(lab, b, kb, opts);
            Exchange.Outcome o = Exchange.run(lab, a, ka, kb, listener, Messages.make("relay", MESSAGES, 11),
                    PACE_MILLIS, true, LabTopologiesTest.TIMEOUT_SECONDS, opts);
            listener.close();
            relay.closeInput();
            relay.awaitExit(LabTopologiesTest.DOCTOR_WAIT_SECONDS);
            String stats = relay.stdout().stream().map(LabProcess.Line::text).filter(l -> l.startsWith("relay: received"))
                    .findFirst().orElseThrow(() -> new AssertionError("no relay figures: " + relay.stdoutText()
                            + relay.stderrText()));
            System.out.println("lab: " + stats + "; mp2p: handshake " + LabResults.ms(o.handshakeMs()) + ", "
                    + o.delivered() + " of " + o.sent() + " delivered, " + o.duplicates() + " duplicates, "
                    + o.echoed() + " echoed");
            TestAssertions.allDelivered(o);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("duplicated (\\d+), held back (\\d+), sent out of"
                    + " order (\\d+)").matcher(stats);
            assertTrue(m.find(), stats);
            assertTrue(Long.parseLong(m.group(1)) > 0 && Long.parseLong(m.group(3)) > 0,
                    "the relay duplicated and reordered packets: " + stats);
            LabResults.add(new LabResults.Row(11, "two subnets joined by the seeded relay: delay 20 ± 15 ms,"
                    + " 10% held back (reordered), 10% duplicated", "yes", LabResults.ms(o.handshakeMs()),
                    o.deliveredText() + " once and intact, " + o.echoed() + " echoed", "multicast via the relay ("
                    + stats.substring("relay: ".length(), stats.indexOf(", delay")) + ")"));
        }
    }

    private static List<String> relayCommand(String fromA, String fromB) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ImpairmentRelay.class.getName());
        cmd.addAll(List.of("a0", "b0", String.valueOf(GroupAddresses.DEFAULT_PORT), String.valueOf(RELAY_SEED),
                String.valueOf(RELAY_DELAY_MS), String.valueOf(RELAY_JITTER_MS), String.valueOf(RELAY_REORDER),
                String.valueOf(RELAY_DUPLICATE), fromA, fromB));
        return cmd;
    }

    private static String groups(GroupSchedule schedule, Mp2p.Key key, Instant now) {
        return schedule.listenGroups(key.publicKey(), now).stream().map(GroupAddresses::toText)
                .collect(Collectors.joining(","));
    }

    private static String pct(String probability) {
        return String.valueOf(Math.round(Double.parseDouble(probability) * 100));
    }
}
