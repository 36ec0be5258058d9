package io.mp2p.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A reading of {@code iptables -S} (or {@code ip6tables -S}) for one question: does a packet of
 * mp2p's, UDP to a multicast group on port N through one interface, get through the INPUT or OUTPUT
 * chain? Rules are walked in order, into user chains, up to the chain's policy. A rule whose match
 * this reader does not fully know (a source address, {@code -m statistic}, a rate limit, an owner)
 * is taken as dropping <em>some</em> packets, so the answer errs on the side of naming a rule.
 *
 * <pre>{@code
 * IptablesRules rules = IptablesRules.parse(iptablesDashS);
 * IptablesRules.Outcome o = rules.evaluate("INPUT", 41414, "eth0");
 * if (o.fate() == IptablesRules.Fate.DROPPED) { ... o.rules() names the rule ... }
 * }</pre>
 */
final class IptablesRules {
    /** What happens to the packet. */
    enum Fate {
        /** Accepted by a rule or the policy, with no rule on the way that drops some of them. */
        ACCEPTED,
        /** Accepted, but a rule on the way drops some of them (the rules are listed). */
        PARTLY_DROPPED,
        /** Dropped or rejected by a rule or the policy (listed). */
        DROPPED
    }

    /** The fate, and the rules (as {@code iptables -S} wrote them) or policy that decided it or drop some. */
    record Outcome(Fate fate, List<String> rules) {
    }

    /** How a rule's match applies to the packet. */
    private enum Match { NO, YES, SOME }

    private record Rule(String text, List<String> args, String target) {
    }

    private static final Set<String> BUILT_IN = Set.of("INPUT", "OUTPUT", "FORWARD", "PREROUTING", "POSTROUTING");
    private static final Set<String> UDP_PROTOCOLS = Set.of("udp", "all", "17");
    private static final int MAX_DEPTH = 16;
    private static final int IPV4_MULTICAST_FIRST_OCTET_MIN = 224;
    private static final int IPV4_MULTICAST_FIRST_OCTET_MAX = 239;
    private static final int IPV4_MULTICAST_PREFIX = 4;
    private static final int IPV6_MULTICAST_PREFIX = 8;

    private final Map<String, String> policies = new HashMap<>();
    private final Map<String, List<Rule>> chains = new LinkedHashMap<>();

    private IptablesRules() {
    }

    static IptablesRules parse(String text) {
        IptablesRules r = new IptablesRules();
        for (String line : text.split("\n")) {
            List<String> t = tokens(line.strip());
            if (t.size() >= 3 && t.get(0).equals("-P")) {
                r.policies.put(t.get(1), t.get(2));
            } else if (t.size() >= 2 && t.get(0).equals("-N")) {
                r.chains.computeIfAbsent(t.get(1), k -> new ArrayList<>());
            } else if (t.size() >= 2 && t.get(0).equals("-A")) {
                String target = null;
                for (int i = 2; i + 1 < t.size(); i++) {
                    if (t.get(i).equals("-j") || t.get(i).equals("--jump") || t.get(i).equals("-g")
                            || t.get(i).equals("--goto")) {
                        target = t.get(i + 1);
                    }
                }
                r.chains.computeIfAbsent(t.get(1), k -> new ArrayList<>())
                        .add(new Rule(line.strip(), t.subList(2, t.size()), target));
            }
        }
        return r;
    }

    /** The fate of a UDP packet to a multicast group on {@code port} in {@code chain}, via {@code iface}. */
    Outcome evaluate(String chain, int port, String iface) {
        List<String> partial = new ArrayList<>();
        Outcome o = walk(chain, port, iface, chain.equals("OUTPUT") ? "-o" : "-i", partial, 0);
        if (o != null) {
            return o;
        }
        String policy = policies.getOrDefault(chain, "ACCEPT");
        if (policy.equals("DROP") || policy.equals("REJECT")) {
            return new Outcome(Fate.DROPPED, List.of("-P " + chain + " " + policy + " (no rule before it accepts the port)"));
        }
        return new Outcome(partial.isEmpty() ? Fate.ACCEPTED : Fate.PARTLY_DROPPED, List.copyOf(partial));
    }

    /** The decision within {@code chain}, or null when the packet falls through (to the policy, or back). */
    private Outcome walk(String chain, int port, String iface, String ifFlag, List<String> partial, int depth) {
        if (depth > MAX_DEPTH) {
            return null;
        }
        for (Rule rule : chains.getOrDefault(chain, List.of())) {
            Match m = match(rule.args(), port, iface, ifFlag);
            if (m == Match.NO || rule.target() == null) {
                continue;
            }
            switch (rule.target()) {
                case "ACCEPT" -> {
                    if (m == Match.YES) {
                        return new Outcome(partial.isEmpty() ? Fate.ACCEPTED : Fate.PARTLY_DROPPED, List.copyOf(partial));
                    }
                }
                case "DROP", "REJECT" -> {
                    if (m == Match.YES) {
                        List<String> all = new ArrayList<>(partial);
                        all.add(rule.text());
                        return new Outcome(Fate.DROPPED, all);
                    }
                    partial.add(rule.text());
                }
                case "RETURN" -> {
                    if (m == Match.YES && !BUILT_IN.contains(chain)) {
                        return null;
                    }
                }
                default -> {
                    if (chains.containsKey(rule.target())) {
                        Outcome sub = walk(rule.target(), port, iface, ifFlag, partial, depth + 1);
                        if (sub != null && m == Match.YES) {
                            return sub;
                        }
                    }
                }
            }
        }
        return null;
    }

    /** Whether a rule's match options select our packet: all of them, none, or only some of the packets. */
    private static Match match(List<String> args, int port, String iface, String ifFlag) {
        Match result = Match.YES;
        boolean negate = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String v = i + 1 < args.size() ? args.get(i + 1) : "";
            Boolean cond = null;
            boolean takesValue = true;
            switch (a) {
                case "!" -> {
                    negate = true;
                    continue;
                }
                case "-j", "--jump", "-g", "--goto", "-m", "--match", "--comment", "--mode", "--log-prefix",
                     "--log-level", "--reject-with" -> {
                    i++;
                    negate = false;
                    continue;
                }
                case "-p", "--protocol" -> cond = UDP_PROTOCOLS.contains(v.toLowerCase(Locale.ROOT));
                case "--dport", "--destination-port", "--dports" -> cond = portIn(v, port);
                case "-d", "--destination" -> cond = coversMulticast(v);
                case "-i", "--in-interface" -> cond = !ifFlag.equals("-i") || interfaceMatches(v, iface);
                case "-o", "--out-interface" -> cond = !ifFlag.equals("-o") || interfaceMatches(v, iface);
                case "--dst-type" -> cond = v.toUpperCase(Locale.ROOT).contains("MULTICAST");
                case "--ctstate", "--state" -> cond = v.toUpperCase(Locale.ROOT).contains("NEW");
                case "--syn", "--tcp-flags", "--icmp-type", "--icmpv6-type", "--tcp-option" -> {
                    return Match.NO;
                }
                default -> {
                    if (!a.startsWith("-")) {
                        continue;
                    }
                    // A source, a probability, a rate, an owner...: it selects some of our packets.
                    result = Match.SOME;
                    takesValue = !v.startsWith("-") && !v.isEmpty();
                }
            }
            if (cond != null) {
                boolean c = negate != cond;
                if (!c) {
                    return Match.NO;
                }
            }
            negate = false;
            if (takesValue) {
                i++;
            }
        }
        return result;
    }

    /** {@code 41414}, {@code 41000:42000}, {@code 53,41414,5000:6000}. */
    static boolean portIn(String spec, int port) {
        for (String part : spec.split(",")) {
            String[] r = part.split(":", -1);
            try {
                int lo = r[0].isEmpty() ? 0 : Integer.parseInt(r[0]);
                int hi = r.length > 1 ? (r[1].isEmpty() ? OptionChecks.MAX_PORT : Integer.parseInt(r[1])) : lo;
                if (port >= lo && port <= hi) {
                    return true;
                }
            } catch (NumberFormatException e) {
                // A service name: cannot tell, so take it as ours (errs on the side of naming the rule).
                return true;
            }
        }
        return false;
    }

    /** Whether an address or CIDR as iptables prints it can cover a multicast group. */
    static boolean coversMulticast(String cidr) {
        String[] p = cidr.split("/", 2);
        String addr = p[0];
        int len;
        try {
            len = p.length > 1 ? Integer.parseInt(p[1]) : (addr.contains(":") ? 128 : 32);
        } catch (NumberFormatException e) {
            return true;
        }
        if (addr.contains(":")) {
            return len < IPV6_MULTICAST_PREFIX || addr.toLowerCase(Locale.ROOT).startsWith("ff");
        }
        if (len < IPV4_MULTICAST_PREFIX) {
            return true;
        }
        try {
            int first = Integer.parseInt(addr.split("\\.")[0]);
            return first >= IPV4_MULTICAST_FIRST_OCTET_MIN && first <= IPV4_MULTICAST_FIRST_OCTET_MAX;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static boolean interfaceMatches(String pattern, String iface) {
        return pattern.endsWith("+") ? iface.startsWith(pattern.substring(0, pattern.length() - 1))
                : pattern.equals(iface);
    }

    /** Splits a line of {@code iptables -S} into words, keeping a quoted comment whole. */
    static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == '\\' && quoted && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(cur.toString());
        }
        return out;
    }
}
