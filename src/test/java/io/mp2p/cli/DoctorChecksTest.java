package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The doctor's readers of iptables rules, nft rulesets and /proc files, on texts as those tools print them. */
class DoctorChecksTest {
    private static final int PORT = 41414;

    private static IptablesRules.Outcome input(String rules) {
        return IptablesRules.parse(rules).evaluate("INPUT", PORT, "lan0");
    }

    @Test
    void noRulesAccept() {
        IptablesRules.Outcome o = input("-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n");
        assertEquals(IptablesRules.Fate.ACCEPTED, o.fate());
    }

    @Test
    void aDropOfAllUdpOrOfThePortDrops() {
        assertEquals(IptablesRules.Fate.DROPPED, input("-P INPUT ACCEPT\n-A INPUT -p udp -j DROP\n").fate());
        IptablesRules.Outcome o = input("-A INPUT -i lan0 -p udp -m udp --dport 41000:42000 -j REJECT"
                + " --reject-with icmp-port-unreachable\n");
        assertEquals(IptablesRules.Fate.DROPPED, o.fate());
        assertTrue(o.rules().get(0).contains("--dport 41000:42000"), o.rules().toString());
    }

    @Test
    void rulesForOtherPortsProtocolsInterfacesOrUnicastDestinationsDoNotMatter() {
        assertEquals(IptablesRules.Fate.ACCEPTED, input("-A INPUT -p udp -m udp --dport 53 -j DROP\n"
                + "-A INPUT -p tcp -m tcp --dport 41414 -j DROP\n-A INPUT -i wlan0 -j DROP\n"
                + "-A INPUT -d 10.0.0.1/32 -j DROP\n-A INPUT -m conntrack --ctstate INVALID -j DROP\n").fate());
    }

    @Test
    void aRandomDropOrASourceRuleDropsSome() {
        IptablesRules.Outcome o = input("-A INPUT -p udp -m statistic --mode random --probability 0.20000000019 -j DROP\n");
        assertEquals(IptablesRules.Fate.PARTLY_DROPPED, o.fate());
        assertTrue(o.rules().get(0).contains("--mode random"));
        assertEquals(IptablesRules.Fate.PARTLY_DROPPED, input("-A INPUT -s 192.0.2.0/24 -j DROP\n").fate());
    }

    @Test
    void aDropPolicyDropsUnlessARuleAcceptsThePortFirst() {
        assertEquals(IptablesRules.Fate.DROPPED, input("-P INPUT DROP\n"
                + "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n").fate());
        assertEquals(IptablesRules.Fate.ACCEPTED, input("-P INPUT DROP\n"
                + "-A INPUT -p udp -m udp --dport 41414 -j ACCEPT\n").fate());
        assertEquals(IptablesRules.Fate.ACCEPTED, input("-P INPUT DROP\n-A INPUT -m addrtype --dst-type MULTICAST"
                + " -j ACCEPT\n").fate());
    }

    @Test
    void userChainsAreFollowed() {
        String rules = "-P INPUT ACCEPT\n-N ufw-user-input\n-A INPUT -j ufw-user-input\n"
                + "-A ufw-user-input -p udp -m multiport --dports 5000,41414 -m comment --comment \"no mp2p\" -j DROP\n";
        IptablesRules.Outcome o = input(rules);
        assertEquals(IptablesRules.Fate.DROPPED, o.fate());
        assertTrue(o.rules().get(0).contains("--dports 5000,41414"));
        assertEquals(IptablesRules.Fate.ACCEPTED, IptablesRules.parse("-N x\n-A INPUT -j x\n-A x -j RETURN\n"
                + "-A x -j DROP\n").evaluate("INPUT", PORT, "lan0").fate(), "a RETURN ends the user chain");
    }

    @Test
    void outputRulesUseTheOutInterface() {
        IptablesRules r = IptablesRules.parse("-A OUTPUT -o lan0 -p udp -j DROP\n");
        assertEquals(IptablesRules.Fate.DROPPED, r.evaluate("OUTPUT", PORT, "lan0").fate());
        assertEquals(IptablesRules.Fate.ACCEPTED, r.evaluate("OUTPUT", PORT, "lan1").fate());
    }

    @Test
    void portsRangesAndMulticastDestinations() {
        assertTrue(IptablesRules.portIn("41414", PORT));
        assertTrue(IptablesRules.portIn("53,41000:42000", PORT));
        assertFalse(IptablesRules.portIn("1:1024", PORT));
        assertTrue(IptablesRules.coversMulticast("239.192.0.0/14"));
        assertTrue(IptablesRules.coversMulticast("0.0.0.0/0"));
        assertFalse(IptablesRules.coversMulticast("10.0.0.0/8"));
        assertTrue(IptablesRules.coversMulticast("ff00::/8"));
        assertFalse(IptablesRules.coversMulticast("fd00::/8"));
        assertEquals(List.of("-A", "INPUT", "--comment", "two words", "-j", "DROP"),
                IptablesRules.tokens("-A INPUT --comment \"two words\" -j DROP"));
    }

    @Test
    void nftRulesInInputHooksAreRead() {
        String ruleset = """
                table inet filter {
                	chain input {
                		type filter hook input priority filter; policy accept;
                		ct state established,related accept
                		tcp dport 22 drop
                		udp dport 53 drop
                		udp dport { 41000-42000 } drop
                		meta random < 100 drop
                	}
                	chain forward {
                		type filter hook forward priority filter; policy drop;
                	}
                }
                """;
        List<String> drops = new ArrayList<>();
        List<String> partial = new ArrayList<>();
        DoctorFirewall.nftDrops(ruleset, PORT, "lan0", drops, partial);
        assertEquals(List.of("nft: udp dport { 41000-42000 } drop"), drops);
        assertEquals(List.of("nft: meta random < 100 drop"), partial);
        List<String> policy = new ArrayList<>();
        DoctorFirewall.nftDrops("chain input {\n type filter hook input priority 0; policy drop;\n}\n", PORT, "lan0",
                policy, new ArrayList<>());
        assertEquals(1, policy.size(), policy.toString());
    }

    @Test
    void procIgmpShowsTheQuerierVersionAndTheGroupsInEitherByteOrder() throws Exception {
        String igmp = "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
                + "1\tlo        :     2      V3\n"
                + "\t\t\t\t7BC0C0EF     1 0:00000000\t\t0\n"
                + "\t\t\t\t010000E0     1 0:00000000\t\t0\n"
                + "2\tlan0      :     1      V2\n"
                + "\t\t\t\t010000E0     1 0:00000000\t\t0\n";
        Map<String, DoctorProc.IgmpDevice> m = DoctorProc.parseIgmp(igmp);
        assertEquals("V3", m.get("lo").querier());
        assertEquals("V2", m.get("lan0").querier());
        assertTrue(DoctorProc.listed(m.get("lo").groups(), InetAddress.getByName("239.192.192.123")));
        assertTrue(DoctorProc.listed(Set.of("EFC0C07B"), InetAddress.getByName("239.192.192.123")));
        assertFalse(DoctorProc.listed(m.get("lan0").groups(), InetAddress.getByName("239.192.192.123")));
        String igmp6 = "1    lo              ff020000000000000000000000000001     1 0000000C 0\n"
                + "2    lan0            ff1e00000000000000000000000000aa     1 00000004 0\n";
        assertTrue(DoctorProc.listed(DoctorProc.parseIgmp6(igmp6).get("lan0"), InetAddress.getByName("ff1e::aa")));
    }

    @Test
    void procUdpCountsSocketsOnThePort() {
        String udp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + "  1: 7BC0C0EF:A1C6 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 x\n"
                + "  2: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 x\n";
        assertEquals(1, DoctorProc.countPort(udp, PORT));
        assertEquals(0, DoctorProc.countPort(udp, 1));
    }

    @Test
    void verdictLinesHaveTheirVerdictFirst() {
        String line = new DoctorFinding(DoctorFinding.Verdict.NA, "port mapping", "not implemented yet").toString();
        assertEquals("[N/A]     port mapping: not implemented yet", line);
        assertTrue(DoctorFinding.LINE.matcher(line).matches());
        assertTrue(DoctorFinding.LINE.matcher(DoctorFinding.unknown("querier", "x").toString()).matches());
    }

    @Test
    void theRoutingHintNamesTheTtl() {
        assertTrue(Channels.routingHint(1).contains("raise --ttl on both sides (TTL 1 stops at the first router)"));
        assertTrue(Channels.routingHint(3).contains("check that multicast is routed between you (TTL 3 crosses at most"
                + " 2 routers)"));
    }
}
