package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mp2p.address.NodeRecord;

/** {@code mp2p id --endpoint}: signed records with unicast endpoints, and one clear line for a bad endpoint. */
class CliRecordEndpointsTest {
    @Test
    void idPrintsSignedRecordsThatPublishTheEndpointsInOrder(@TempDir Path dir) throws Exception {
        Path k = dir.resolve("k.pem");
        String hex = Cli.keygen(k);
        Cli.Result r = Cli.run("id", "-k", k.toString(), "--endpoint", "[2001:db8::2]:41415",
                "--endpoint", "198.51.100.7:5000");
        assertEquals(0, r.exitCode(), r.stderr());
        for (String family : List.of("ipv6 record:", "ipv4 record:")) {
            String text = r.stdout().lines().filter(l -> l.startsWith(family)).map(l -> l.substring(l.indexOf("mp2p://")))
                    .findFirst().orElseThrow(() -> new AssertionError(r.stdout()));
            NodeRecord rec = NodeRecord.parse(text);
            assertEquals(NodeRecord.Verdict.VALID, rec.verify(Instant.now()), text);
            assertEquals(hex, rec.key().toHex());
            assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("2001:db8::2"), 41415),
                    new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 5000)), rec.endpoints());
        }
    }

    @Test
    void anEndpointNoPeerMayBeSentToIsOneUsageLine(@TempDir Path dir) throws Exception {
        Path k = dir.resolve("k.pem");
        Cli.keygen(k);
        Cli.Result r = Cli.run("id", "-k", k.toString(), "--endpoint", "127.0.0.1:41415");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.stderr());
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
        assertTrue(r.stderr().startsWith("mp2p: --endpoint: refusing to sign a record with endpoint 127.0.0.1:41415:"
                + " a loopback address"), r.stderr());
        Cli.Result bad = Cli.run("id", "-k", k.toString(), "--endpoint", "2001:db8::2:41415");
        assertEquals(ExitCodes.USAGE, bad.exitCode(), bad.stderr());
        assertTrue(bad.stderr().contains("must be written in brackets"), bad.stderr());
    }
}
