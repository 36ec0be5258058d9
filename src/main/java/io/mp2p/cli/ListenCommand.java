package io.mp2p.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.mp2p.ChannelClosedException;
import io.mp2p.ChannelOptions;
import io.mp2p.Mp2pException;
import io.mp2p.PeerSession;
import io.mp2p.PeerTrustPolicy;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.address.GroupAddresses;
import io.mp2p.address.GroupEpoch;
import io.mp2p.address.NodeRecord;
import io.mp2p.address.NodeRecordException;
import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.Mp2pIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mp2p listen}: print what peers send; optionally echo it back. */
@Command(name = "listen", mixinStandardHelpOptions = true,
        description = "Listen on this node's group; print one line per message: <peer key> <message>.")
final class ListenCommand implements Callable<Integer> {
    /** How long the node record printed at start stays valid. */
    static final Duration RECORD_LIFETIME = Duration.ofDays(1);

    @Mixin
    KeyOption key;

    @Mixin
    NetworkOptions network;

    @Option(names = "--group", paramLabel = "ADDR", description = "listen on this group instead of the derived one")
    String group;

    @Option(names = "--allow", paramLabel = "FILE",
            description = "accept only the peers listed in FILE (one key per line, # comments)")
    Path allow;

    @Option(names = "--echo", description = "send each message back to its sender")
    boolean echo;

    @Option(names = "--membership-refresh", paramLabel = "SECONDS", hidden = true,
            description = "re-join the group this often (default 60); for tests of interface changes")
    double membershipRefresh = ChannelOptions.DEFAULT_MEMBERSHIP_REFRESH.toSeconds();

    @Override
    public Integer call() throws CliException, InterruptedException {
        Mp2pIdentity id = key.load();
        ChannelOptions.Builder b = network.builder();
        if (!(membershipRefresh > 0)) {
            throw new CliException("--membership-refresh must be positive", ExitCodes.USAGE);
        }
        b.membershipRefresh(java.time.Duration.ofMillis((long) (membershipRefresh * 1000)));
        if (group != null) {
            b.group(NetworkOptions.parseGroup(group, "--group"));
        }
        if (allow != null) {
            try {
                b.trustPolicy(PeerTrustPolicy.allowList(allow));
            } catch (KeyFormatException e) {
                throw new CliException(e.getMessage());
            }
        }
        PrintStream out = System.out;
        b.sessionListener(s -> startReader(s, out));
        SecureMulticastChannel channel = Channels.open(id, b.build());
        out.println("my addr: " + GroupAddresses.toText(channel.localGroup().getAddress()));
        out.println("my publ: " + id.publicKey().toHex());
        out.println("my record: " + record(id, channel));
        if (group == null && !network.staticGroup) {
            GroupEpoch today = GroupEpoch.of(Instant.now());
            out.println("my epoch: " + today.day() + ", " + today.date() + " UTC (my groups change daily at 00:00 UTC)");
        }
        out.flush();
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(channel::close));
        forever.await();
        return ExitCodes.OK;
    }

    /**
     * A signed node record of where we listen, for peers to pass as --peer: valid for RECORD_LIFETIME,
     * and never past the end of the next day, when a daily group is left (spec/ADDRESSING.md §7.4).
     */
    private static String record(Mp2pIdentity id, SecureMulticastChannel channel) throws CliException {
        Instant now = Instant.now();
        Instant lastDay = GroupEpoch.of(now).plus(2).start();
        Instant expires = now.plus(RECORD_LIFETIME).isBefore(lastDay) ? now.plus(RECORD_LIFETIME) : lastDay;
        try {
            return NodeRecord.sign(id, channel.localGroup().getAddress(), channel.localGroup().getPort(),
                    expires.truncatedTo(ChronoUnit.SECONDS)).toText();
        } catch (NodeRecordException e) {
            throw new CliException("cannot sign a node record: " + e.getMessage());
        }
    }

    private void startReader(PeerSession s, PrintStream out) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    byte[] m = s.receive();
                    synchronized (out) {
                        out.println(s.peer().toHex() + " " + new String(m, StandardCharsets.UTF_8));
                        out.flush();
                    }
                    if (echo) {
                        s.send(m);
                    }
                }
            } catch (ChannelClosedException e) {
                // The peer or the channel closed the session: this reader is done.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Mp2pException e) {
                System.err.println("mp2p: " + e.getMessage());
            }
        }, "mp2p-reader-" + s.peer().toHex().substring(0, 8));
        t.setDaemon(true);
        t.start();
    }
}
