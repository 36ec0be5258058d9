package io.mp2p.cli;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.mp2p.ChannelOptions;
import io.mp2p.Mp2pException;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.address.GroupAddresses;
import io.mp2p.EngineMetrics;
import io.mp2p.identity.Mp2pIdentity;
import picocli.CommandLine.Command;

/**
 * {@code mp2p demo}: two nodes in one process on the loopback interface (TTL 0: nothing leaves
 * this host), a handshake, and messages both ways, told as a transcript.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Two nodes in one process on the loopback interface: handshake, messages both ways.")
final class DemoCommand implements Callable<Integer> {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    public Integer call() throws CliException, InterruptedException {
        int port = freePort();
        ChannelOptions options = ChannelOptions.builder().networkInterface("lo").ttl(0).port(port)
                .connectTimeout(WAIT).build();
        Mp2pIdentity alice = Mp2pIdentity.generate();
        Mp2pIdentity bob = Mp2pIdentity.generate();
        say("alice", "my key   " + alice.publicKey().toHex());
        say("bob", "my key   " + bob.publicKey().toHex());
        try (SecureMulticastChannel a = Channels.open(alice, options);
             SecureMulticastChannel b = Channels.open(bob, options)) {
            say("alice", "listening on " + GroupAddresses.toText(a.localGroup().getAddress()) + " port " + port
                    + " (derived from my key; interface lo, TTL 0)");
            say("bob", "listening on " + GroupAddresses.toText(b.localGroup().getAddress()) + " port " + port);
            say("alice", "connecting to bob by his key alone: Noise_IK_25519_AESGCM_SHA256 handshake to his group");
            long t0 = System.nanoTime();
            try (PeerSession toBob = Channels.connect(a, bob.publicKey(), null)) {
                say("alice", String.format("session up in %.1f ms", (System.nanoTime() - t0) / 1e6));
                PeerSession toAlice = b.accept(WAIT);
                if (toAlice == null) {
                    throw new CliException("demo failed: bob saw no incoming session");
                }
                say("bob", "incoming session from " + toAlice.peer().toHex().substring(0, 16) + "… (alice)");
                exchange("alice", toBob, "bob", toAlice, "hello bob, this is alice");
                exchange("bob", toAlice, "alice", toBob, "hi alice, bob here: I read you");
                byte[] big = new byte[20_000];
                new java.util.Random(1).nextBytes(big);
                toBob.send(big);
                byte[] got = toAlice.receive(WAIT);
                if (got == null || !java.util.Arrays.equals(big, got)) {
                    throw new CliException("demo failed: the 20,000-byte message did not arrive intact");
                }
                say("bob", "received a 20,000-byte message intact (fragmented into packets of at most 1,232 bytes)");
                EngineMetrics m = a.metrics();
                say("alice", "packets out " + m.packetsOut() + ", in " + m.packetsIn() + ", dropped "
                        + m.totalDrops() + ", handshakes " + m.handshakesCompleted());
            }
        } catch (Mp2pException e) {
            throw new CliException("demo failed: " + e.getMessage());
        } finally {
            alice.destroy();
            bob.destroy();
        }
        System.out.println("demo: done. Everything above was encrypted end to end; no packet left this host.");
        return ExitCodes.OK;
    }

    private static void exchange(String fromName, PeerSession from, String toName, PeerSession to, String text)
            throws Mp2pException, InterruptedException, CliException {
        from.send(text.getBytes(StandardCharsets.UTF_8));
        say(fromName, "-> \"" + text + "\"");
        byte[] got = to.receive(WAIT);
        if (got == null) {
            throw new CliException("demo failed: " + toName + " received nothing within " + Channels.seconds(WAIT));
        }
        say(toName, "<- \"" + new String(got, StandardCharsets.UTF_8) + "\"");
    }

    private static void say(String who, String what) {
        System.out.printf("%-6s %s%n", who + ":", what);
        System.out.flush();
    }

    /** A UDP port nobody on this host uses right now, so the demo never collides with a running node. */
    private static int freePort() throws CliException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new CliException("cannot find a free UDP port: " + e.getMessage());
        }
    }
}
