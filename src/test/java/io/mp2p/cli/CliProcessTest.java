package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mp2p.LoopbackPorts;

/** The mp2p tool in separate JVM processes, over the loopback interface only. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliProcessTest {

    private static List<String> onLo(String cmd, Path key, String port, String... args) {
        return Cli.onLo(cmd, key, port, args);
    }

    private static String keygen(Path file) throws Exception {
        return Cli.keygen(file);
    }

    @Test
    void listenEchoAndSendInTwoProcesses(@TempDir Path dir) throws Exception {
        Cli.Pair n = Cli.Pair.create(dir);
        try (Cli.Background listen = new Cli.Background(onLo("listen", n.b(), n.port(), "--echo"))) {
            String addr = listen.await("my addr: ", 30);
            assertTrue(addr.matches("my addr: 239\\.19[2-5]\\.\\d{1,3}\\.\\d{1,3}"), addr);
            assertEquals("my publ: " + n.bHex(), listen.await("my publ: ", 5));
            // The record names today's group, and the next line says which day that is.
            String record = listen.await("my record: ", 5);
            assertTrue(record.contains("@" + addr.substring("my addr: ".length()) + ":" + n.port() + "?"), record);
            String epoch = listen.await("my epoch: ", 5);
            assertTrue(epoch.matches("my epoch: \\d+, \\d{4}-\\d{2}-\\d{2} UTC .*"), epoch);
            Cli.Result r = Cli.run(60, onLo("send", n.a(), n.port(), "--peer", n.bHex(), "--timeout", "20",
                    "--expect-replies", "2", "hello", "wörld"));
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("hello\nwörld\n", r.stdout());
            assertEquals(n.aHex() + " hello", listen.await(n.aHex(), 10));
            assertEquals(n.aHex() + " wörld", listen.await(n.aHex(), 10));

            Cli.Result ping = Cli.run(60, onLo("ping", n.a(), n.port(), "--peer", n.bHex(), "-c", "3",
                    "--interval", "0.1"));
            assertEquals(0, ping.exitCode(), ping.stderr());
            assertTrue(ping.stdout().contains("3 sent, 3 received, 0% loss; rtt min/median/max = "), ping.stdout());
        }
    }

    @Test
    void aSelfChosenGroupIsReachedWithPeerGroup(@TempDir Path dir) throws Exception {
        Cli.Pair n = Cli.Pair.create(dir);
        Path a = n.a();
        try (Cli.Background listen = new Cli.Background(onLo("listen", n.b(), n.port(), "--group", "239.195.254.250",
                "--echo"))) {
            assertEquals("my addr: 239.195.254.250", listen.await("my addr: ", 30));
            String record = listen.await("my record: ", 5).substring("my record: ".length());
            assertTrue(record.startsWith("mp2p://" + n.bHex() + "@239.195.254.250:" + n.port() + "?"), record);
            Cli.Result r = Cli.run(60, onLo("send", a, n.port(), "--peer", n.bHex(), "--peer-group", "239.195.254.250",
                    "--timeout", "20", "--expect-replies", "1", "to the chosen group"));
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("to the chosen group\n", r.stdout());
            // The node record alone names key, group and port.
            r = Cli.run(60, Cli.command("send", "-k", a.toString(), "--interface", "lo", "--ttl", "0",
                    "--peer", record, "--timeout", "20", "--expect-replies", "1", "by record"));
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("by record\n", r.stdout());
            // A tampered record is refused before anything is sent.
            String tampered = record.replace("@239.195.254.250:", "@239.195.254.251:");
            r = Cli.run("send", "-k", a.toString(), "--interface", "lo", "--peer", tampered, "x");
            assertEquals(ExitCodes.FAILURE, r.exitCode());
            assertTrue(r.stderr().contains("signature does not match"), r.stderr());
        }
        Cli.Result bad = Cli.run("listen", "-k", n.b().toString(), "--interface", "lo", "--group", "239.1.2.3");
        assertEquals(ExitCodes.USAGE, bad.exitCode());
        assertTrue(bad.stderr().contains("not an mp2p group"), bad.stderr());
        // Version 1's range (IANA's AD-HOC block I) is refused too, naming the ranges that are accepted.
        bad = Cli.run("send", "-k", a.toString(), "--interface", "lo", "--peer", n.bHex(), "--peer-group",
                "224.0.249.250", "x");
        assertEquals(ExitCodes.USAGE, bad.exitCode());
        assertTrue(bad.stderr().contains("not an mp2p group") && bad.stderr().contains("239.192.0.0-239.195.254.255"),
                bad.stderr());
    }

    @Test
    void chatSendsStdinLinesAndPrintsThePeersMessages(@TempDir Path dir) throws Exception {
        Cli.Pair n = Cli.Pair.create(dir);
        try (Cli.Background listen = new Cli.Background(onLo("listen", n.b(), n.port(), "--echo"));
             Cli.Background chat = new Cli.Background(onLo("chat", n.a(), n.port(), "--peer", n.bHex(),
                     "--timeout", "20"))) {
            listen.await("my publ: ", 30);
            java.io.Writer in = new java.io.OutputStreamWriter(chat.process.getOutputStream(),
                    java.nio.charset.StandardCharsets.UTF_8);
            in.write("first line\nsecond line\n");
            in.flush();
            assertEquals("peer: first line", chat.await("peer: ", 30));
            assertEquals("peer: second line", chat.await("peer: ", 10));
            in.close();
            assertTrue(chat.process.waitFor(20, TimeUnit.SECONDS), "chat ends at end of input");
            assertEquals(0, chat.process.exitValue(), chat.err.text());
        }
    }

    @Test
    void aPeerThatIsNotListeningFailsWithOneLineAndProgressOnStderr(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.pem");
        keygen(a);
        String nobody = keygen(dir.resolve("nobody.pem"));
        Cli.Result r = Cli.run(60, onLo("send", a, String.valueOf(LoopbackPorts.free()), "--peer", nobody,
                "--timeout", "6", "hi"));
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertTrue(r.stderr().contains("handshake attempt 2"), r.stderr());
        String last = r.stderr().strip().lines().reduce((x, y) -> y).orElse("");
        assertTrue(last.startsWith("mp2p: no answer from peer " + nobody + " after 2 handshake attempts"), last);
        assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
    }

    @Test
    void usersMistakesGetOneClearLineAndANonZeroExit(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "not a key\n");
        Cli.Result r = Cli.run("id", "-k", garbage.toString());
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
        assertTrue(r.stderr().startsWith("mp2p: "), r.stderr());

        r = Cli.run("id", "-k", dir.resolve("missing.pem").toString());
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertTrue(r.stderr().contains("mp2p keygen"), r.stderr());

        r = Cli.run("send", "--no-such-flag");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.stderr().startsWith("mp2p: "), r.stderr());
        assertFalse(r.stderr().contains("\tat "), r.stderr());

        r = Cli.run("send", "-k", garbage.toString(), "--peer", "abc", "hi");
        assertTrue(r.exitCode() != 0);
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());

        Path k = dir.resolve("k.pem");
        keygen(k);
        r = Cli.run("send", "-k", k.toString(), "--peer", "zz" + "0".repeat(62), "hi");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.stderr().contains("--peer"), r.stderr());

        r = Cli.run("listen", "-k", k.toString(), "--interface", "no-such-if0");
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertTrue(r.stderr().contains("no network interface named 'no-such-if0'"), r.stderr());
        assertTrue(r.stderr().contains("lo"), "the error lists the interfaces: " + r.stderr());
    }

    @Test
    void keygenRefusesToOverwriteAndWritesMode0600(@TempDir Path dir) throws Exception {
        Path k = dir.resolve("id.pem");
        keygen(k);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(k)));
        String before = Files.readString(k);
        Cli.Result r = Cli.run("keygen", "-o", k.toString());
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertTrue(r.stderr().contains("--force"), r.stderr());
        assertEquals(before, Files.readString(k));
        r = Cli.run("keygen", "-o", k.toString(), "--force");
        assertEquals(0, r.exitCode(), r.stderr());
        assertFalse(before.equals(Files.readString(k)));
    }

    @Test
    void idPrintsJson(@TempDir Path dir) throws Exception {
        Path k = dir.resolve("k.pem");
        String hex = keygen(k);
        Cli.Result r = Cli.run("id", "-k", k.toString(), "--json");
        assertEquals(0, r.exitCode(), r.stderr());
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(r.stdout()).getAsJsonObject();
        assertEquals(hex, o.get("public_key").getAsString());
        assertEquals(64, o.get("x25519_public_key").getAsString().length());
        assertTrue(o.get("ipv6_group").getAsString().startsWith("ff1e:"));
        assertTrue(o.get("ipv4_group").getAsString().matches("239\\.19[2-5]\\.\\d+\\.\\d+"), o.toString());
        assertEquals(41414, o.get("port").getAsInt());
        assertFalse(o.get("static_groups").getAsBoolean());
    }

    @Test
    void idShowsTodaysGroupsAndSaysWhichDayOrTheStaticOnes(@TempDir Path dir) throws Exception {
        Path k = dir.resolve("k.pem");
        io.mp2p.identity.PeerKey key = io.mp2p.identity.PeerKey.parse(keygen(k));
        long before = io.mp2p.address.GroupEpoch.of(java.time.Instant.now()).day();
        Cli.Result r = Cli.run("id", "-k", k.toString(), "--json", "--scope", "site");
        long after = io.mp2p.address.GroupEpoch.of(java.time.Instant.now()).day();
        assertEquals(0, r.exitCode(), r.stderr());
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(r.stdout()).getAsJsonObject();
        io.mp2p.address.GroupEpoch epoch = new io.mp2p.address.GroupEpoch(o.get("group_epoch").getAsLong());
        assertTrue(epoch.day() >= before && epoch.day() <= after, o.toString());
        assertEquals(epoch.start().toString(), o.get("group_epoch_start").getAsString());
        assertEquals(io.mp2p.address.GroupAddresses.toText(io.mp2p.address.GroupAddresses.ipv6(key,
                io.mp2p.address.Ipv6Scope.SITE, epoch)), o.get("ipv6_group").getAsString());
        assertEquals(io.mp2p.address.GroupAddresses.ipv4(key, epoch).getHostAddress(), o.get("ipv4_group").getAsString());

        r = Cli.run("id", "-k", k.toString(), "--static-group");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("group epoch:        none: static groups"), r.stdout());
        assertTrue(r.stdout().contains("ipv6 group:         " + io.mp2p.address.GroupAddresses.toText(
                io.mp2p.address.GroupAddresses.ipv6(key))), r.stdout());
        assertTrue(r.stdout().contains("ipv4 group:         " + io.mp2p.address.GroupAddresses.ipv4(key)
                .getHostAddress()), r.stdout());

        Cli.Result bad = Cli.run("id", "-k", k.toString(), "--scope", "4");
        assertEquals(ExitCodes.USAGE, bad.exitCode());
        assertTrue(bad.stderr().contains("--scope: an IPv6 scope is link (2), site (5)"), bad.stderr());
        bad = Cli.run("listen", "-k", k.toString(), "--interface", "lo", "--scope", "site");
        assertEquals(ExitCodes.USAGE, bad.exitCode());
        assertTrue(bad.stderr().contains("add --ipv6"), bad.stderr());
    }

    @Test
    void staticGroupsOnBothSidesConnect(@TempDir Path dir) throws Exception {
        Cli.Pair n = Cli.Pair.create(dir);
        String group = io.mp2p.address.GroupAddresses.ipv4(io.mp2p.identity.PeerKey.parse(n.bHex())).getHostAddress();
        try (Cli.Background listen = new Cli.Background(Cli.onLo("listen", n.b(), n.port(), "--static-group",
                "--echo"))) {
            assertEquals("my addr: " + group, listen.await("my addr: ", 30));
            Cli.Result r = Cli.run(60, Cli.onLo("send", n.a(), n.port(), "--static-group", "--peer", n.bHex(),
                    "--timeout", "20", "--expect-replies", "1", "to the static group"));
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("to the static group\n", r.stdout());
        }
    }

    @Test
    void demoRunsAndExitsZero() throws Exception {
        Cli.Result r = Cli.run("demo");
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("bob:   <- \"hello bob, this is alice\""), r.stdout());
        assertTrue(r.stdout().contains("alice: <- \"hi alice, bob here: I read you\""), r.stdout());
    }

    @Test
    void vectorsCommandRunsAFile() throws Exception {
        Path f = Path.of("src/test/resources/vectors/noise/noise-ik-xx.json");
        Cli.Result r = Cli.run("vectors", f.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("40 passed, 0 failed", r.stdout().strip().lines().reduce((x, y) -> y).orElse(""));
    }
}
