package io.mp2p.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A multicast router made of {@code smcrouted} (static multicast routes): it forwards every group
 * of the given ranges between two interfaces, both ways. Ranges, not groups, because mp2p's groups
 * change every UTC day: a (*,G/len) route covers today's, yesterday's and tomorrow's alike, as a
 * router configured for "the mp2p range" would. smcroute installs the (S,G) route on the first
 * packet of each source, and {@link #routes} reads the kernel's counters of those routes afterwards.
 */
final class Smcroute {
    /** mp2p's IPv4 groups (spec/ADDRESSING.md): the organization-local scope. */
    static final String IPV4_RANGE = "239.192.0.0/14";
    /** mp2p's derived IPv6 groups of global scope. */
    static final String IPV6_RANGE = "ff1e::/16";
    private static final double START_SECONDS = 10;

    /** One (S,G) route the kernel holds, with its packet count. */
    record Route(String source, String group, String iif, String oifs, long packets) {
    }

    private Smcroute() {
    }

    /** Starts smcrouted in {@code ns}, forwarding {@code ranges} between {@code ifA} and {@code ifB}. */
    static LabProcess start(Lab lab, String ns, String ifA, String ifB, List<String> ranges)
            throws IOException, InterruptedException {
        String id = ns.substring(ns.lastIndexOf('-') + 1);
        Path conf = lab.dir.resolve("smcroute-" + id + ".conf");
        StringBuilder c = new StringBuilder();
        c.append("phyint ").append(ifA).append(" enable\n");
        c.append("phyint ").append(ifB).append(" enable\n");
        for (String r : ranges) {
            c.append("mroute from ").append(ifA).append(" group ").append(r).append(" to ").append(ifB).append('\n');
            c.append("mroute from ").append(ifB).append(" group ").append(r).append(" to ").append(ifA).append('\n');
        }
        Files.writeString(conf, c.toString(), StandardCharsets.US_ASCII);
        // -n: foreground, so the lab holds the daemon's process; -N: only the interfaces named above.
        LabProcess p = lab.start(ns, "smcrouted-" + id, List.of("smcrouted", "-n", "-N", "-f", conf.toString(),
                "-u", lab.dir.resolve("smcroute-" + id + ".sock").toString(),
                "-P", lab.dir.resolve("smcroute-" + id + ".pid").toString(), "-l", "info"), Map.of());
        if (p.awaitStderr(l -> l.contains("Ready"), START_SECONDS) == null
                && p.awaitStdout(l -> l.contains("Ready"), 0) == null) {
            throw new AssertionError("smcrouted did not start in " + ns + ": " + p.stderrText() + p.stdoutText());
        }
        return p;
    }

    /** The (S,G) routes of {@code ns} with their packet counts ({@code ip -s mroute show}, IPv4 or IPv6). */
    static List<Route> routes(String ns, boolean ipv6) throws IOException, InterruptedException {
        Shell.Result r = Shell.in(ns, "ip", ipv6 ? "-6" : "-4", "-s", "mroute", "show").check();
        List<Route> out = new ArrayList<>();
        String[] lines = r.stdout().split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (!l.startsWith("(")) {
                continue;
            }
            String sg = l.substring(1, l.indexOf(')'));
            String[] parts = sg.split(",");
            String iif = word(l, "Iif:");
            String oifs = word(l, "Oifs:");
            long packets = 0;
            if (i + 1 < lines.length && lines[i + 1].strip().matches("\\d+ packets.*")) {
                packets = Long.parseLong(lines[i + 1].strip().split(" ")[0]);
            }
            out.add(new Route(parts[0], parts[1], iif, oifs, packets));
        }
        return out;
    }

    private static String word(String line, String key) {
        int i = line.indexOf(key);
        if (i < 0) {
            return "";
        }
        String rest = line.substring(i + key.length()).strip();
        int sp = rest.indexOf(' ');
        return sp < 0 ? rest : rest.substring(0, sp);
    }

    /** Packets the router forwarded out of {@code oif}, over all its routes. */
    static long forwardedOut(List<Route> routes, String oif) {
        return routes.stream().filter(r -> r.oifs().contains(oif)).mapToLong(Route::packets).sum();
    }
}
