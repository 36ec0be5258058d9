package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code mp2p doctor} as a user runs it, on {@code lo} only: one verdict line per check, each check present. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DoctorCommandTest {
    /** Every check doctor makes, in the order it prints them. */
    static final List<String> CHECKS = List.of("interfaces", "interface", "port", "join", "loopback", "querier", "ttl",
            "firewall", "record", "port mapping", "reach");

    @Test
    void doctorOnLoPrintsOneVerdictLinePerCheck(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("k.pem");
        String hex = Cli.keygen(key);
        String port = String.valueOf(io.mp2p.LoopbackPorts.free());
        Cli.Result r = Cli.run(60, Cli.command("doctor", "-k", key.toString(), "--interface", "lo", "--ttl", "0",
                "--port", port));
        Map<String, DoctorFinding> lines = findings(r.stdout());
        assertEquals(CHECKS, List.copyOf(lines.keySet()), "every check, in order:\n" + r.stdout());
        assertEquals(DoctorFinding.Verdict.OK, lines.get("interface").verdict(), r.stdout());
        assertEquals(DoctorFinding.Verdict.OK, lines.get("join").verdict(), r.stdout());
        assertTrue(lines.get("join").text().contains("/proc/net/igmp"), r.stdout());
        // IPv4 multicast loops back on lo: the probe must come back.
        assertEquals(DoctorFinding.Verdict.OK, lines.get("loopback").verdict(), r.stdout());
        assertTrue(lines.get("loopback").text().contains(":" + port + " on lo came back in "), r.stdout());
        assertEquals(DoctorFinding.Verdict.OK, lines.get("ttl").verdict(), r.stdout());
        assertTrue(lines.get("record").text().contains("mp2p://" + hex + "@239."), r.stdout());
        assertTrue(lines.get("record").text().contains(":" + port + "?expires="), r.stdout());
        // lo has no default router: nothing is asked, and the line says so.
        assertEquals(DoctorFinding.Verdict.NA, lines.get("port mapping").verdict(), r.stdout());
        assertTrue(lines.get("port mapping").text().contains("no IPv4 default router on lo"), r.stdout());
        // 127.0.0.1 is no endpoint for a peer elsewhere: the record says why it lists none.
        assertTrue(lines.get("record").text().contains("no unicast endpoint: 127.0.0.1 is not one"), r.stdout());
        assertEquals(DoctorFinding.Verdict.SKIP, lines.get("reach").verdict(), r.stdout());
        long failed = lines.values().stream().filter(f -> f.verdict() == DoctorFinding.Verdict.FAIL).count();
        assertTrue(r.stdout().contains("mp2p doctor: " + failed + " failed"), r.stdout());
        assertEquals(failed > 0 ? 1 : 0, r.exitCode(), "exit code 1 exactly when a check failed:\n" + r.stdout());
    }

    @Test
    void withPeerDoctorTriesAHandshakeAndTimesIt(@TempDir Path dir) throws Exception {
        Cli.Pair p = Cli.Pair.create(dir);
        try (Cli.Background listen = new Cli.Background(Cli.onLo("listen", p.b(), p.port()))) {
            listen.await("my addr: ", 30);
            Cli.Result r = Cli.run(60, Cli.command("doctor", "-k", p.a().toString(), "--interface", "lo", "--ttl", "0",
                    "--port", p.port(), "--peer", p.bHex()));
            DoctorFinding reach = findings(r.stdout()).get("reach");
            assertEquals(DoctorFinding.Verdict.OK, reach.verdict(), r.stdout());
            assertTrue(reach.text().matches("handshake with " + p.bHex().substring(0, 16) + "… completed in \\d+ ms"
                    + " \\(its group 239\\.[0-9.]+:" + p.port() + ", TTL 0\\)"), reach.text());
        }
    }

    @Test
    void ipv6OnLoIsAFailedCheckThatSaysWhatToDo() throws Exception {
        Cli.Result r = Cli.run(60, Cli.command("doctor", "--ipv6", "--interface", "lo", "-k", "/nonexistent/k.pem"));
        Map<String, DoctorFinding> lines = findings(r.stdout());
        assertEquals(CHECKS, List.copyOf(lines.keySet()), r.stdout());
        assertEquals(DoctorFinding.Verdict.FAIL, lines.get("interface").verdict(), r.stdout());
        assertTrue(lines.get("interface").text().contains("use --ipv4 on lo, or --ipv6 on a real link"), r.stdout());
        assertEquals(DoctorFinding.Verdict.SKIP, lines.get("loopback").verdict(), r.stdout());
        assertTrue(lines.get("record").text().contains("no key file at /nonexistent/k.pem"), r.stdout());
        assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
    }

    @Test
    void aNamedInterfaceThatDoesNotExistFailsAndNamesTheOthers() throws Exception {
        Cli.Result r = Cli.run(60, Cli.command("doctor", "--interface", "nosuchif0", "-k", "/nonexistent/k.pem"));
        Map<String, DoctorFinding> lines = findings(r.stdout());
        assertEquals(DoctorFinding.Verdict.FAIL, lines.get("interface").verdict(), r.stdout());
        assertTrue(lines.get("interfaces").text().contains("lo (127.0.0.1"), r.stdout());
        assertEquals(1, r.exitCode());
    }

    @Test
    void aKeyFileThatCannotBeLoadedIsAFailedCheck(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.pem");
        java.nio.file.Files.writeString(junk, "not a key\n");
        Cli.Result r = Cli.run(60, Cli.command("doctor", "-k", junk.toString(), "--interface", "lo", "--ttl", "0",
                "--peer", "8ee80e2e693028dc984daae1df897f1d521d8dbb44563ce4f59e21b1aac1d8d0"));
        Map<String, DoctorFinding> lines = findings(r.stdout());
        assertEquals(DoctorFinding.Verdict.FAIL, lines.get("record").verdict(), r.stdout());
        assertTrue(lines.get("record").text().startsWith("the key cannot be used: "), r.stdout());
        assertEquals(DoctorFinding.Verdict.SKIP, lines.get("reach").verdict(), r.stdout());
        assertEquals(1, r.exitCode(), r.stdout());
    }

    @Test
    void aBadOptionIsAUsageError() throws Exception {
        Cli.Result r = Cli.run(60, Cli.command("doctor", "--ttl", "300"));
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertEquals("mp2p: --ttl must be from 0 to 255, got 300\n", r.stderr());
    }

    /** The verdict lines of a doctor report, by check name, in order; fails on a line that is neither. */
    static Map<String, DoctorFinding> findings(String stdout) {
        List<String> body = stdout.lines().filter(l -> !l.startsWith("mp2p doctor: ")).toList();
        for (String l : body) {
            assertTrue(DoctorFinding.LINE.matcher(l).matches(), "not a verdict line: " + l);
        }
        return body.stream().map(l -> {
            Matcher m = DoctorFinding.LINE.matcher(l);
            m.matches();
            DoctorFinding.Verdict v = m.group(1).equals("N/A") ? DoctorFinding.Verdict.NA
                    : DoctorFinding.Verdict.valueOf(m.group(1));
            return new DoctorFinding(v, m.group(2), m.group(3));
        }).collect(Collectors.toMap(DoctorFinding::check, Function.identity(), (x, y) -> {
            throw new AssertionError("two lines for " + x.check());
        }, java.util.LinkedHashMap::new));
    }
}
