package io.mp2p.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.address.GroupAddresses;
import io.mp2p.address.GroupSchedule;

/**
 * A switch that snoops IGMP and hears no querier: it forwards a group only to ports that reported
 * membership within its membership interval, so a member that stays silent is cut off. Measured
 * twice on a Linux bridge with the interval shortened to {@link #MEMBERSHIP_INTERVAL_CS} centiseconds:
 * a listener that does not refresh (its re-join every 600 s) loses the session's messages once its
 * membership expires; one with mp2p's refresh (every second here, against 4 s; by default 60 s
 * against a switch's usual 260 s) keeps every message.
 *
 * <p>Why the bridge's own querier is on: a Linux bridge that knows of no querier at all floods
 * every multicast packet to every port, so memberships would not matter. With its querier on, it
 * forwards by membership, once about 10 s have passed since it came up (it floods until then; the
 * runs wait {@link #STRICT_FILTERING_DELAY_SECONDS}). It sends its one startup query when it comes
 * up, before the listeners run, and the next only after {@link #QUERY_INTERVAL_CS} (1000 s), long
 * after the test: for the hosts, a link where nobody asks for reports. The sender sits on a
 * multicast-router port (it gets every
 * group, as an uplink would), so only the listener's membership is measured. The hosts send the
 * repeats of a join report within 0.2 s ({@code igmpv2/v3_unsolicited_report_interval}; Linux's
 * IGMPv2 default spreads them over up to 10 s), so the membership's last refresh is the join itself.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SnoopingBridgeTest {
    /** The bridge forgets a member this long after its last report: 4 s (a real switch: 260 s). */
    static final int MEMBERSHIP_INTERVAL_CS = 400;
    /** The bridge's querier queries this rarely: 1000 s, longer than the test. */
    static final int QUERY_INTERVAL_CS = 100_000;
    static final int QUERY_RESPONSE_INTERVAL_CS = 100;
    static final String REPORT_INTERVAL_MS = "200";
    /** A message every 250 ms for 8 s: two membership intervals. */
    static final int MESSAGES = 32;
    static final long PACE_MILLIS = 250;
    /** The listener that never refreshes within the test, and the one that refreshes often. */
    static final String NO_REFRESH_SECONDS = "600";
    static final String REFRESH_SECONDS = "1";
    /** How long after it comes up a Linux bridge starts forwarding by membership (about 10 s; see the class). */
    static final long STRICT_FILTERING_DELAY_SECONDS = 12;
    /** Messages sent in the last this-many of the run must all be lost when the membership expired. */
    static final int TAIL_MESSAGES = 8;

    @Test
    void withoutRefreshTheSessionDiesWhenTheMembershipExpires() throws Exception {
        Run r = run("no refresh", NO_REFRESH_SECONDS);
        Exchange.Outcome o = r.outcome();
        assertTrue(o.connected(), o.senderStderr());
        assertTrue(o.delivered() > 0, "messages arrived while the membership lasted");
        for (int i = o.sent() - TAIL_MESSAGES; i < o.sent(); i++) {
            assertFalse(o.deliveredFlags().get(i), "message " + (i + 1) + " arrived after the membership expired");
        }
        assertFalse(r.memberAtEnd(), "the bridge forgot the listener's membership: " + r.mdb());
        assertEquals(0, o.duplicates());
        assertEquals(0, o.corrupted());
        LabResults.add(new LabResults.Row(7, "snooping bridge, no querier heard, membership 4 s; listener"
                + " without refresh", "yes, then cut off", LabResults.ms(o.handshakeMs()), o.deliveredText(),
                String.format(Locale.ROOT, "multicast through br0 until %.1f s after the listener joined; the rest"
                        + " lost", r.lastDeliverySeconds())));
    }

    @Test
    void withMp2psRefreshTheSessionSurvives() throws Exception {
        Run r = run("refresh", REFRESH_SECONDS);
        Exchange.Outcome o = r.outcome();
        TestAssertions.allDelivered(o);
        assertTrue(r.memberAtEnd(), "the bridge still holds the listener's membership: " + r.mdb());
        LabResults.add(new LabResults.Row(8, "snooping bridge, no querier heard, membership 4 s; listener"
                + " re-joining every 1 s", "yes, throughout", LabResults.ms(o.handshakeMs()), o.deliveredText(),
                String.format(Locale.ROOT, "multicast through br0, still delivered %.1f s after the listener"
                        + " joined", r.lastDeliverySeconds())));
    }

    /** What one run measured. */
    record Run(Exchange.Outcome outcome, double lastDeliverySeconds, boolean memberAtEnd, String mdb) {
    }

    private static Lab lab;
    private static String a;
    private static String sw;
    private static String b;
    private static Mp2p.Key ka;
    private static long bridgeUpNanos;

    /**
     * One switch for both runs: a Linux bridge floods all multicast for about 10 s after it comes up
     * (it waits that long before it trusts its memberships), so each run would otherwise pay that wait.
     */
    @BeforeAll
    static void topology() throws Exception {
        LabAssumptions.lab("snooping bridge");
        LabAssumptions.tool("snooping bridge", "iproute2", "bridge", "-V");
        lab = Lab.create();
        a = lab.node("a");
        sw = lab.node("sw");
        b = lab.node("b");
        lab.exec(sw, "ip", "link", "add", "br0", "type", "bridge", "mcast_snooping", "1", "mcast_querier", "1",
                "mcast_membership_interval", String.valueOf(MEMBERSHIP_INTERVAL_CS),
                "mcast_query_interval", String.valueOf(QUERY_INTERVAL_CS),
                "mcast_query_response_interval", String.valueOf(QUERY_RESPONSE_INTERVAL_CS),
                "mcast_startup_query_count", "1", "mcast_startup_query_interval", String.valueOf(QUERY_INTERVAL_CS));
        lab.link(a, "lan0", sw, "pa");
        lab.link(b, "lan0", sw, "pb");
        for (String port : List.of("pa", "pb")) {
            lab.exec(sw, "ip", "link", "set", port, "master", "br0");
        }
        lab.exec(sw, "ip", "link", "set", "dev", "pa", "type", "bridge_slave", "mcast_router", "2");
        lab.addr(a, "lan0", "198.18.1.2/24");
        lab.addr(b, "lan0", "198.18.1.3/24");
        for (String host : List.of(a, b)) {
            lab.sysctl(host, "net.ipv4.conf.lan0.igmpv2_unsolicited_report_interval", REPORT_INTERVAL_MS);
            lab.sysctl(host, "net.ipv4.conf.lan0.igmpv3_unsolicited_report_interval", REPORT_INTERVAL_MS);
        }
        lab.exec(sw, "ip", "link", "set", "br0", "up");
        bridgeUpNanos = System.nanoTime();
        ka = Mp2p.key(lab.dir, "a");
    }

    @AfterAll
    static void teardown() {
        if (lab != null) {
            lab.close();
        }
        LabResults.print();
    }

    private static Run run(String label, String refreshSeconds) throws Exception {
        Mp2p.Key kb = Mp2p.key(lab.dir, "b-" + label.replace(' ', '-'));
        long wait = bridgeUpNanos + TimeUnit.SECONDS.toNanos(STRICT_FILTERING_DELAY_SECONDS) - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
        }
        String[] opts = {"--interface", "lan0"};
        LabProcess listener = Mp2p.listen(lab, b, kb, "--interface", "lan0", "--membership-refresh", refreshSeconds);
        long joined = listener.awaitStdout(l -> l.startsWith("my addr: "), 0).nanos();
        Exchange.Outcome o = Exchange.run(lab, a, ka, kb, listener, Messages.make("snoop-" + label, MESSAGES, 7),
                PACE_MILLIS, false, LabTopologiesTest.TIMEOUT_SECONDS, opts);
        String group = GroupAddresses.toText(GroupSchedule.rotating(java.net.StandardProtocolFamily.INET,
                io.mp2p.address.Ipv6Scope.GLOBAL).currentGroup(kb.publicKey(), Instant.now()));
        String mdb = Shell.in(sw, "bridge", "mdb", "show").stdout();
        boolean member = mdb.lines().anyMatch(l -> l.contains("port pb") && l.contains(group));
        listener.close();
        double last = o.deliveredAtNanos().isEmpty() ? 0
                : (o.deliveredAtNanos().get(o.deliveredAtNanos().size() - 1) - joined) / 1e9;
        System.out.printf(Locale.ROOT, "lab: snooping bridge, %s: %d of %d messages delivered, the last %.1f s"
                + " after the listener joined (membership interval %.1f s); lost: %s; bridge mdb at the end:%n%s",
                label, o.delivered(), o.sent(), last, MEMBERSHIP_INTERVAL_CS / 100.0, lost(o), mdb);
        return new Run(o, last, member, mdb);
    }

    /** The numbers of the lost messages, as ranges. */
    private static String lost(Exchange.Outcome o) {
        StringBuilder b = new StringBuilder();
        int start = -1;
        for (int i = 0; i <= o.sent(); i++) {
            boolean gone = i < o.sent() && !o.deliveredFlags().get(i);
            if (gone && start < 0) {
                start = i;
            } else if (!gone && start >= 0) {
                b.append(b.length() == 0 ? "" : ", ").append(start + 1).append(i - 1 > start ? "-" + i : "");
                start = -1;
            }
        }
        return b.length() == 0 ? "none" : b.toString();
    }
}
