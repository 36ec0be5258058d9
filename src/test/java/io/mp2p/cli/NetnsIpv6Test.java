package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPv6 ff1e groups between two network namespaces joined by a veth pair, which this test creates and
 * removes itself (IPv6 multicast does not loop back on {@code lo}). Needs root and iproute2; skipped
 * with a printed reason otherwise. No packet leaves the two namespaces.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NetnsIpv6Test {
    private final String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    private final String nsA = "mp2p-" + id + "-a";
    private final String nsB = "mp2p-" + id + "-b";
    private final String ifA = "m2p" + id + "a";
    private final String ifB = "m2p" + id + "b";
    private final List<String> created = new ArrayList<>();
    /** Duplicate address detection probes for a new address, one a second (the kernel's default is 1). */
    private static final int DAD_PROBES = 3;

    @BeforeEach
    void namespaces() throws Exception {
        String why = unavailable();
        if (why != null) {
            System.out.println("NetnsIpv6Test skipped: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        ip("netns", "add", nsA);
        created.add(nsA);
        ip("netns", "add", nsB);
        created.add(nsB);
        ip("link", "add", ifA, "type", "veth", "peer", "name", ifB);
        ip("link", "set", ifA, "netns", nsA);
        ip("link", "set", ifB, "netns", nsB);
        ip("-n", nsA, "link", "set", "lo", "up");
        ip("-n", nsB, "link", "set", "lo", "up");
    }

    /** Static addresses without duplicate address detection, and both ends up: a link that is ready. */
    private void readyLink() throws Exception {
        // Keep the static address while the link is down, as a managed host would.
        sh(nsA, "echo 1 > /proc/sys/net/ipv6/conf/" + ifA + "/keep_addr_on_down");
        ip("-n", nsA, "addr", "add", "fd00:6d70::1/64", "dev", ifA, "nodad");
        ip("-n", nsB, "addr", "add", "fd00:6d70::2/64", "dev", ifB, "nodad");
        ip("-n", nsA, "link", "set", ifA, "up");
        ip("-n", nsB, "link", "set", ifB, "up");
    }

    @AfterEach
    void remove() throws Exception {
        for (String ns : created) {
            run(List.of("ip", "netns", "del", ns));
        }
    }

    /** Why the test cannot run here, or null. */
    private static String unavailable() throws InterruptedException {
        try {
            Cli.Result uid = Cli.run(10, List.of("id", "-u"));
            if (!uid.stdout().strip().equals("0")) {
                return "needs root to create network namespaces (uid " + uid.stdout().strip() + ")";
            }
            Cli.Result ip = Cli.run(10, List.of("ip", "-V"));
            if (ip.exitCode() != 0) {
                return "the 'ip' command (iproute2) is not working";
            }
            // Root inside a container may still lack the right to make namespaces: try once.
            String probe = "mp2p-probe-" + ProcessHandle.current().pid();
            Cli.Result add = Cli.run(10, List.of("ip", "netns", "add", probe));
            if (add.exitCode() != 0) {
                return "cannot create a network namespace here: " + add.stderr().strip();
            }
            Cli.run(10, List.of("ip", "netns", "del", probe));
        } catch (IOException e) {
            return "cannot run 'id' or 'ip': " + e.getMessage() + " (install iproute2)";
        }
        return null;
    }

    @Test
    void listenAndSendOverIpv6MulticastBetweenTwoNamespacesAndSurviveTheLinkGoingDown(@TempDir Path dir)
            throws Exception {
        Path a = dir.resolve("a.pem");
        Path b = dir.resolve("b.pem");
        String aHex = Cli.run("keygen", "-o", a.toString()).stdout().strip();
        String bHex = Cli.run("keygen", "-o", b.toString()).stdout().strip();
        readyLink();
        try (Cli.Background listen = new Cli.Background(Cli.command(List.of("ip", "netns", "exec", nsA),
                "listen", "-k", b.toString(), "--interface", ifA, "--ipv6", "--echo", "--membership-refresh", "0.5"))) {
            String addr = listen.await("my addr: ", 30);
            assertTrue(addr.startsWith("my addr: ff1e:"), addr);
            Cli.Result r = send(a, bHex, "over ipv6");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("over ipv6\n", r.stdout());
            assertEquals(aHex + " over ipv6", listen.await(aHex, 10));

            // The listener's link goes down and comes back: it re-joins its group and still answers.
            ip("-n", nsA, "link", "set", ifA, "down");
            Thread.sleep(2000);
            ip("-n", nsA, "link", "set", ifA, "up");
            Thread.sleep(2000);
            r = send(a, bHex, "after the link came back");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals(aHex + " after the link came back", listen.await(aHex, 10));
            listen.close();
            assertTrue(listen.err.text().contains("re-joined"), "stderr: " + listen.err.text());
            // The library's lines (interface down, re-joined) read as the tool's own.
            for (String line : listen.err.text().lines().toList()) {
                assertTrue(line.startsWith("mp2p: "), "a line not in the tool's voice: " + line);
            }
        }
    }

    /**
     * A service started the moment its link comes up finds only a tentative link-local address (the
     * kernel refuses to bind it until duplicate address detection is done): the listener says once
     * that it waits, then joins, and answers.
     */
    @Test
    void listenStartedAsTheLinkComesUpWaitsForItsAddressAndThenWorks(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.pem");
        Path b = dir.resolve("b.pem");
        String aHex = Cli.keygen(a);
        String bHex = Cli.keygen(b);
        // Three probes a second apart: the new address stays tentative for about three seconds.
        sh(nsA, "echo " + DAD_PROBES + " > /proc/sys/net/ipv6/conf/" + ifA + "/dad_transmits");
        ip("-n", nsB, "link", "set", ifB, "up");
        ip("-n", nsA, "link", "set", ifA, "up");
        try (Cli.Background listen = new Cli.Background(Cli.command(List.of("ip", "netns", "exec", nsA),
                "listen", "-k", b.toString(), "--interface", ifA, "--ipv6", "--echo"))) {
            String addresses = run(List.of("ip", "-n", nsA, "-6", "addr", "show", "dev", ifA)).stdout();
            String addr = listen.await("my addr: ", 60);
            assertTrue(addr.startsWith("my addr: ff1e:"), addr);
            List<String> waiting = listen.err.text().lines().filter(l -> l.contains("waiting for")).toList();
            assertEquals(List.of("mp2p: waiting for network interface " + ifA + ", up to 60 s: "), waiting.stream()
                    .map(l -> l.substring(0, l.indexOf(": ", "mp2p: waiting".length()) + 2)).toList(),
                    "one line says why it waits; addresses at start: " + addresses + "\nstderr: " + listen.err.text());
            assertTrue(waiting.get(0).contains("tentative") || waiting.get(0).contains("no IPv6 address yet"),
                    waiting.get(0));
            Cli.Result r = send(a, bHex, "after the wait");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("after the wait\n", r.stdout());
            assertEquals(aHex + " after the wait", listen.await(aHex, 10));
        }
    }

    private Cli.Result send(Path key, String peer, String message) throws Exception {
        return Cli.run(60, Cli.command(List.of("ip", "netns", "exec", nsB), "send", "-k", key.toString(),
                "--interface", ifB, "--ipv6", "--peer", peer, "--timeout", "20", "--expect-replies", "1", message));
    }

    private static void ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        Cli.Result r = run(cmd);
        assertEquals(0, r.exitCode(), String.join(" ", cmd) + ": " + r.stderr());
    }

    private static void sh(String ns, String script) throws Exception {
        Cli.Result r = run(List.of("ip", "netns", "exec", ns, "sh", "-c", script));
        assertEquals(0, r.exitCode(), script + ": " + r.stderr());
    }

    private static Cli.Result run(List<String> cmd) throws Exception {
        return Cli.run(30, cmd);
    }
}
