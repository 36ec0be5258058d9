package io.mp2p.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.mp2p.IpFamily;

/**
 * The doctor's firewall check: the rules of this host that would drop mp2p's packets on the port,
 * read from {@code iptables -S} / {@code ip6tables -S} ({@link IptablesRules}) and, where the
 * {@code nft} tool is installed, {@code nft list ruleset} (read more roughly: rules in input and
 * output hooks that drop and do not exclude UDP to the port). Reading rules needs root on most
 * systems: then the line says it could not read them.
 */
final class DoctorFirewall {
    static final String CHECK = "firewall";
    /** How long one rule listing may take. */
    static final long COMMAND_TIMEOUT_SECONDS = 5;
    private static final int MAX_RULES_SHOWN = 3;

    /** What a command printed, or why it could not run. */
    record Output(boolean ran, int exitCode, String text) {
    }

    private DoctorFirewall() {
    }

    static DoctorFinding check(IpFamily family, int port, String iface) {
        String tool = family == IpFamily.IPV4 ? "iptables" : "ip6tables";
        List<String> drops = new ArrayList<>();
        List<String> partial = new ArrayList<>();
        List<String> read = new ArrayList<>();
        List<String> unread = new ArrayList<>();
        Output ipt = run(List.of(tool, "-S"));
        if (ipt.ran() && ipt.exitCode() == 0) {
            read.add(tool);
            IptablesRules rules = IptablesRules.parse(ipt.text());
            for (String chain : List.of("INPUT", "OUTPUT")) {
                IptablesRules.Outcome o = rules.evaluate(chain, port, iface);
                switch (o.fate()) {
                    case DROPPED -> drops.addAll(o.rules());
                    case PARTLY_DROPPED -> partial.addAll(o.rules());
                    case ACCEPTED -> { }
                }
            }
        } else {
            unread.add(tool + (ipt.ran() ? " (" + firstLine(ipt.text()) + ")" : " (not installed)"));
        }
        Output nft = run(List.of("nft", "list", "ruleset"));
        if (nft.ran() && nft.exitCode() == 0) {
            read.add("nft");
            nftDrops(nft.text(), port, iface, drops, partial);
        } else if (nft.ran()) {
            unread.add("nft (" + firstLine(nft.text()) + ")");
        }
        String notRead = unread.isEmpty() ? "" : "; could not read " + String.join(", ", unread);
        if (!drops.isEmpty()) {
            return DoctorFinding.fail(CHECK, "rules drop UDP to port " + port + " on " + iface + ": " + shown(drops)
                    + ": allow it, e.g. " + tool + " -I INPUT -i " + iface + " -p udp --dport " + port + " -j ACCEPT"
                    + " (and in OUTPUT if that drops it)" + notRead);
        }
        if (!partial.isEmpty()) {
            return DoctorFinding.warn(CHECK, "rules drop some packets to UDP port " + port + " on " + iface + ": "
                    + shown(partial) + ": check they are meant (mp2p retries handshakes, but messages are not"
                    + " resent)" + notRead);
        }
        if (read.isEmpty()) {
            return DoctorFinding.unknown(CHECK, "could not read the firewall rules: " + String.join(", ", unread)
                    + "; run doctor as root, or check '" + tool + " -S' yourself for rules that drop UDP port " + port);
        }
        return DoctorFinding.ok(CHECK, "no " + String.join(" or ", read) + " rule drops UDP to port " + port + " on "
                + iface + notRead);
    }

    /**
     * Rules of {@code nft list ruleset} in chains hooked to input or output that drop or reject: those
     * that name another protocol, another port, another interface, or only established flows are not ours.
     */
    static void nftDrops(String ruleset, int port, String iface, List<String> drops, List<String> partial) {
        boolean hooked = false;
        for (String raw : ruleset.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("chain ")) {
                hooked = false;
            }
            if (line.startsWith("type filter hook input") || line.startsWith("type filter hook output")) {
                hooked = true;
                if (line.contains("policy drop")) {
                    drops.add("nft chain policy drop (" + line.replace(";", "").strip() + ")");
                }
                continue;
            }
            if (!hooked || !(line.endsWith(" drop") || line.contains(" reject") || line.equals("drop"))) {
                continue;
            }
            String l = " " + line.toLowerCase(Locale.ROOT) + " ";
            if (l.contains(" tcp ") || l.contains(" icmp ") || l.contains(" icmpv6 ")
                    || (l.contains(" ct state ") && !l.contains("new"))) {
                continue;
            }
            String dport = after(l, " dport ");
            if (dport != null && !IptablesRules.portIn(dport.replace("{", "").replace("}", "").replace(" ", "")
                    .replace("-", ":"), port)) {
                continue;
            }
            String ifname = after(l, "iifname ");
            if (ifname != null && !ifname.replace("\"", "").equals(iface)) {
                continue;
            }
            boolean some = l.contains(" saddr ") || l.contains(" random ") || l.contains("numgen") || l.contains(" limit ");
            (some ? partial : drops).add("nft: " + line);
        }
    }

    /** The word after {@code key} in {@code text} (a set in braces kept whole), or null. */
    private static String after(String text, String key) {
        int i = text.indexOf(key);
        if (i < 0) {
            return null;
        }
        String rest = text.substring(i + key.length()).strip();
        if (rest.startsWith("{")) {
            int end = rest.indexOf('}');
            return end < 0 ? rest : rest.substring(0, end + 1);
        }
        int sp = rest.indexOf(' ');
        return sp < 0 ? rest : rest.substring(0, sp);
    }

    private static String shown(List<String> rules) {
        List<String> s = rules.size() <= MAX_RULES_SHOWN ? rules : rules.subList(0, MAX_RULES_SHOWN);
        return "'" + String.join("', '", s) + "'" + (rules.size() > MAX_RULES_SHOWN ? " and "
                + (rules.size() - MAX_RULES_SHOWN) + " more" : "");
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** Runs {@code cmd}, stdout and stderr together, bounded in time; ran=false when it cannot be started. */
    static Output run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try (InputStream in = p.getInputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // The process ended or was killed: what it printed so far is kept.
                }
            }, "mp2p-doctor-" + cmd.get(0));
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Output(true, -1, cmd.get(0) + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            reader.join(TimeUnit.SECONDS.toMillis(COMMAND_TIMEOUT_SECONDS));
            return new Output(true, p.exitValue(), out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Output(false, -1, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Output(false, -1, "interrupted");
        }
    }
}
