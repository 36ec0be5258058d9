package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The tool's rough edges a new user hits (issue 8, item 7), each checked in a separate JVM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliRoughEdgesTest {

    private static String lastLine(String text) {
        return text.strip().lines().reduce((x, y) -> y).orElse("");
    }

    private static void oneLineUsageError(Cli.Result r, String expected) {
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.stderr());
        assertEquals("mp2p: " + expected, r.stderr().strip(), r.stderr());
    }

    @Test
    void aKeyFileOthersCanReadIsUsedWithAWarning(@TempDir Path dir) throws Exception {
        Path k = dir.resolve("k.pem");
        Cli.keygen(k);
        Cli.Result quiet = Cli.run("id", "-k", k.toString());
        assertEquals(0, quiet.exitCode(), quiet.stderr());
        assertEquals("", quiet.stderr());
        Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result r = Cli.run("id", "-k", k.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("mp2p: warning: " + k + " is open to users other than its owner (mode 0644): whoever"
                + " can read it can act as this node; run 'chmod 600 " + k + "'", r.stderr().strip());
    }

    @Test
    void keygenRefusesAFolderThatDoesNotExistUnlessItIsTheDefaultOne(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("no").resolve("such").resolve("k.pem");
        Cli.Result r = Cli.run("keygen", "-o", missing.toString());
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertEquals("mp2p: cannot write " + missing + ": folder " + missing.getParent()
                + " does not exist; create it first (only the default folder ~/.mp2p is created for you)",
                r.stderr().strip());
        assertFalse(Files.exists(dir.resolve("no")), "nothing was created");

        // The default key goes under $HOME (not the user database's home), creating ~/.mp2p as 0700.
        Path home = dir.resolve("home");
        Files.createDirectory(home);
        r = Cli.run(60, Cli.command("keygen"), Map.of("HOME", home.toString()), "");
        assertEquals(0, r.exitCode(), r.stderr());
        Path key = home.resolve(".mp2p").resolve("identity.pem");
        assertEquals("mp2p: wrote " + key, r.stderr().strip());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
        Cli.Result id = Cli.run(60, Cli.command("id", "--json"), Map.of("HOME", home.toString()), "");
        assertEquals(0, id.exitCode(), id.stderr());
        assertTrue(id.stdout().contains("\"public_key\":\"" + r.stdout().strip() + "\""), id.stdout());
    }

    @Test
    void everyNumericOptionIsCheckedWithAMessageThatStatesWhatIsAccepted(@TempDir Path dir) throws Exception {
        Path k = dir.resolve("k.pem");
        String hex = Cli.keygen(k);
        String key = k.toString();
        oneLineUsageError(Cli.run("id", "-k", key, "--port", "70000"), "--port must be from 1 to 65535, got 70000");
        oneLineUsageError(Cli.run("id", "-k", key, "--port", "0"), "--port must be from 1 to 65535, got 0");
        oneLineUsageError(Cli.run("listen", "-k", key, "--interface", "lo", "--port", "65536"),
                "--port must be from 1 to 65535, got 65536");
        oneLineUsageError(Cli.run("listen", "-k", key, "--interface", "lo", "--ttl", "256"),
                "--ttl must be from 0 to 255, got 256");
        oneLineUsageError(Cli.run("listen", "-k", key, "--interface", "lo", "--membership-refresh", "0"),
                "--membership-refresh must be more than 0 and at most 86400 seconds, got 0");
        oneLineUsageError(Cli.run("send", "-k", key, "--peer", hex, "--timeout", "0", "x"),
                "--timeout must be more than 0 and at most 86400 seconds, got 0");
        oneLineUsageError(Cli.run("send", "-k", key, "--peer", hex, "--timeout", "NaN", "x"),
                "--timeout must be more than 0 and at most 86400 seconds, got NaN");
        oneLineUsageError(Cli.run("send", "-k", key, "--peer", hex, "--expect-replies", "-1", "x"),
                "--expect-replies must be 0 or more, got -1");
        oneLineUsageError(Cli.run("chat", "-k", key, "--peer", hex, "--expect-replies", "-1"),
                "--expect-replies must be 0 or more, got -1");
        oneLineUsageError(Cli.run("ping", "-k", key, "--peer", hex, "-c", "0"),
                "-c must be 1 or more, got 0");
        oneLineUsageError(Cli.run("ping", "-k", key, "--peer", hex, "--interval", "-1"),
                "--interval must be from 0 to 86400 seconds, got -1");
        oneLineUsageError(Cli.run("ping", "-k", key, "--peer", hex, "--interval", "Infinity"),
                "--interval must be from 0 to 86400 seconds, got Infinity");
        // The bounds themselves are accepted: --timeout 86400 gets as far as the network.
        Cli.Result r = Cli.run("send", "-k", key, "--peer", hex, "--timeout", "86400", "--interface",
                "no-such-if0", "x");
        assertEquals(ExitCodes.FAILURE, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("no network interface named"), r.stderr());
    }

    @Test
    void messagesSayWhatIsWrongInPlainWords(@TempDir Path dir) throws Exception {
        Path k = dir.resolve("k.pem");
        String hex = Cli.keygen(k);
        // A message too long for one mp2p message is refused before any handshake.
        Cli.Result r = Cli.run("send", "-k", k.toString(), "--peer", hex, "x".repeat(70_000));
        oneLineUsageError(r, "MESSAGE 1 has 70000 bytes; an mp2p message holds at most 65535 bytes: split it"
                + " into several messages");

        Path missing = dir.resolve("allow.txt");
        r = Cli.run("listen", "-k", k.toString(), "--interface", "lo", "--allow", missing.toString());
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertEquals("mp2p: allow-list " + missing + " does not exist", r.stderr().strip());

        // A public key where the private key belongs.
        Path pub = dir.resolve("pub.pem");
        Cli.Result openssl = Cli.run(30, List.of("openssl", "pkey", "-in", k.toString(), "-pubout", "-out",
                pub.toString()));
        assertEquals(0, openssl.exitCode(), openssl.stderr());
        r = Cli.run("id", "-k", pub.toString());
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertEquals("mp2p: " + pub + " is a public key; -k needs a private key file, as 'mp2p keygen' writes it",
                r.stderr().strip());

        Path notJson = dir.resolve("v.json");
        Files.writeString(notJson, "this is not json\n");
        r = Cli.run("vectors", notJson.toString());
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertEquals("mp2p vectors: " + notJson + " is not a Noise vector file: it is not JSON (line 1 column 7)",
                r.stderr().strip());
    }

    @Test
    void theProjectsOwnVectorFilesAreNamedAsNotNoiseVectorFiles() throws Exception {
        for (String name : List.of("groups.json", "node-records.json", "identity.json", "transcript.json")) {
            Path f = Path.of("spec", "vectors", name);
            Cli.Result r = Cli.run("vectors", f.toString());
            assertEquals(ExitCodes.USAGE, r.exitCode(), r.stdout() + r.stderr());
            assertEquals("", r.stdout());
            assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
            assertTrue(r.stderr().startsWith("mp2p vectors: " + f + " is not a Noise vector file"), r.stderr());
            assertFalse(r.stderr().contains("FAILED"), r.stderr());
        }
    }

    @Test
    void aSecondListenerWithTheSameKeyAndPortIsRefusedUntilTheFirstOneDies(@TempDir Path dir) throws Exception {
        Cli.Pair n = Cli.Pair.create(dir);
        try (Cli.Background first = new Cli.Background(Cli.onLo("listen", n.b(), n.port()))) {
            String addr = first.await("my addr: ", 30).substring("my addr: ".length());
            Cli.Result second = Cli.run(60, Cli.onLo("listen", n.b(), n.port()));
            assertEquals(ExitCodes.FAILURE, second.exitCode(), second.stdout() + second.stderr());
            assertEquals("mp2p: this key already listens on " + addr + ":" + n.port() + " (process "
                    + first.process.pid() + "); stop that process first", second.stderr().strip());
            // Another key on the same port is another listener.
            try (Cli.Background other = new Cli.Background(Cli.onLo("listen", n.a(), n.port()))) {
                other.await("my addr: ", 30);
            }
            first.process.destroyForcibly();
            assertTrue(first.process.waitFor(10, TimeUnit.SECONDS));
            // A killed listener leaves no lock behind.
            try (Cli.Background third = new Cli.Background(Cli.onLo("listen", n.b(), n.port()))) {
                assertEquals("my addr: " + addr, third.await("my addr: ", 30));
            }
        }
    }

    @Test
    void pingAgainstAListenerThatDoesNotEchoSaysSo(@TempDir Path dir) throws Exception {
        Cli.Pair n = Cli.Pair.create(dir);
        try (Cli.Background listen = new Cli.Background(Cli.onLo("listen", n.b(), n.port()))) {
            listen.await("my record: ", 30);
            Cli.Result r = Cli.run(60, Cli.onLo("ping", n.a(), n.port(), "--peer", n.bHex(), "-c", "2",
                    "--interval", "0", "--timeout", "2"));
            assertEquals(ExitCodes.FAILURE, r.exitCode());
            assertTrue(r.stdout().contains("2 sent, 0 received, 100% loss"), r.stdout());
            assertEquals(1, r.stderr().lines().filter(l -> l.contains("does not echo")).count(), r.stderr());
            assertTrue(r.stderr().contains("mp2p: the session is up but the peer does not echo: is it running"
                    + " 'mp2p listen --echo'?"), r.stderr());
        }
    }

    @Test
    void helpIsACommand() throws Exception {
        Cli.Result r = Cli.run("help");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("Usage: mp2p "), r.stdout());
        assertTrue(r.stdout().contains("  listen "), r.stdout());
        r = Cli.run("help", "listen");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().startsWith("Usage: mp2p listen "), r.stdout());
    }

    @Test
    void ipv6OnLoopbackIsRefusedAtStartWithTheReason(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"),
                "Linux does not loop IPv6 multicast back on lo; other systems may");
        Cli.Pair n = Cli.Pair.create(dir);
        String expected = "mp2p: --ipv6 on lo: Linux does not loop IPv6 multicast back on the loopback interface,"
                + " so nothing can arrive there; use --ipv4 on lo, or --ipv6 on a real link";
        Cli.Result r = Cli.run(60, Cli.onLo("send", n.a(), n.port(), "--ipv6", "--peer", n.bHex(),
                "--timeout", "20", "x"));
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.stderr());
        assertEquals(expected, r.stderr().strip());
        r = Cli.run(60, Cli.onLo("listen", n.b(), n.port(), "--ipv6"));
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.stderr());
        assertEquals(expected, r.stderr().strip());
    }

    @Test
    void theLibrarysLogLinesReadAsTheToolsOwn(@TempDir Path dir) throws Exception {
        Cli.Pair n = Cli.Pair.create(dir);
        Path c = dir.resolve("c.pem");
        Cli.keygen(c);
        Path allow = dir.resolve("allow.txt");
        Files.writeString(allow, n.aHex() + "\n");
        try (Cli.Background listen = new Cli.Background(Cli.onLo("listen", n.b(), n.port(), "--echo",
                "--allow", allow.toString()))) {
            listen.await("my record: ", 30);
            for (int i = 0; i < 3; i++) {
                Cli.Result refused = Cli.run(60, Cli.onLo("send", c, n.port(), "--peer", n.bHex(), "--timeout", "1",
                        "x"));
                assertEquals(ExitCodes.FAILURE, refused.exitCode(), refused.stderr());
            }
            Cli.Result ok = Cli.run(60, Cli.onLo("send", n.a(), n.port(), "--peer", n.bHex(), "--timeout", "20",
                    "--expect-replies", "1", "allowed"));
            assertEquals(0, ok.exitCode(), ok.stderr());
            listen.close();
            for (String line : listen.err.text().lines().toList()) {
                assertTrue(line.startsWith("mp2p: "), "a line not in the tool's voice: " + line);
                assertFalse(line.contains("io.mp2p."), "a logger name: " + line);
            }
            // Three refused sends (each several initiations), one line: at most once per peer per minute.
            long refusals = listen.err.text().lines().filter(l -> l.contains("refused a session with ")
                    && l.endsWith("not allowed by the trust policy")).count();
            assertEquals(1, refusals, listen.err.text());
        }
    }
}
