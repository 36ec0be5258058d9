package io.mp2p.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import io.mp2p.address.GroupSchedule;
import io.mp2p.address.NodeRecord;
import io.mp2p.address.NodeRecordException;
import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.transport.AlreadyListeningException;
import io.mp2p.IpFamily;
import io.mp2p.transport.ListenerLock;
import io.mp2p.transport.TransportException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mp2p listen}: print what peers send; optionally echo it back. Only one listener per key,
 * group and port runs on a host ({@link ListenerLock}): a second one would never get a session.
 */
@Command(name = "listen", mixinStandardHelpOptions = true,
        description = {"Listen on this node's group; print one line per message: <peer key> <message>.",
                "Refuses to start when this key already listens on the same group and port here."})
final class ListenCommand implements Callable<Integer> {
    /** How long the node record printed at start stays valid. */
    static final Duration RECORD_LIFETIME = Duration.ofDays(1);

    @Mixin
    KeyOption key;

    @Mixin
    NetworkOptions network;

    @Option(names = "--group", paramLabel = "ADDR", description = "listen on this group instead of the derived one")
    String group;

    @Option(names = "--endpoint", paramLabel = "ADDR:PORT",
            description = {"publish this unicast endpoint in our node record (repeatable, at most 4; IPv6 in",
                    "brackets); default: our unicast socket's address, if peers elsewhere can use it"})
    java.util.List<String> endpoints;

    @Option(names = "--connect", paramLabel = "RECORD",
            description = {"also dial this peer's signed node record at start (repeatable): both sides sending",
                    "to each other's endpoints at once is what gets through stateful firewalls"})
    java.util.List<String> connect;

    @Option(names = "--map-port",
            description = {"ask our router (PCP, then NAT-PMP, then UPnP-IGD) to forward our unicast port, keep it",
                    "renewed, delete it on exit, and publish the external endpoint in our record (IPv4)"})
    boolean mapPort;

    @Option(names = "--gateway", paramLabel = "ADDR",
            description = "the router --map-port asks (default: the IPv4 default router of our interface)")
    String gateway;

    @Option(names = "--allow", paramLabel = "FILE",
            description = "accept only the peers listed in FILE (one key per line, # comments)")
    Path allow;

    @Option(names = "--echo", description = {"send each message back to its sender (every message is",
            "printed, even when its sender left before the echo)"})
    boolean echo;

    @Option(names = "--membership-refresh", paramLabel = "SECONDS", hidden = true,
            description = "re-join the group this often (default 60); for tests of interface changes")
    double membershipRefresh = ChannelOptions.DEFAULT_MEMBERSHIP_REFRESH.toSeconds();

    @Override
    public Integer call() throws CliException, InterruptedException {
        ChannelOptions.Builder b = network.builder();
        b.membershipRefresh(OptionChecks.positiveSeconds("--membership-refresh", membershipRefresh));
        InetAddress chosen = group == null ? null : NetworkOptions.parseGroup(group, "--group");
        if (chosen != null) {
            b.group(chosen);
        }
        if (allow != null) {
            try {
                b.trustPolicy(PeerTrustPolicy.allowList(allow));
            } catch (KeyFormatException e) {
                throw new CliException(e.getMessage());
            }
        }
        Mp2pIdentity id = key.load();
        // The lock is named by the key's fixed group (it does not change at midnight); the message names the
        // group the other listener uses now.
        InetAddress fixed = chosen != null ? chosen : network.family() == IpFamily.IPV4
                ? GroupAddresses.ipv4(id.publicKey()) : GroupAddresses.ipv6(id.publicKey());
        ChannelOptions planned = b.build();
        InetAddress shown = chosen != null ? chosen : GroupSchedule.of(network.family().protocolFamily(),
                planned.ipv6Scope(), !planned.staticGroup()).currentGroup(id.publicKey(), Instant.now());
        ListenerLock lock = lock(id.publicKey(), new InetSocketAddress(fixed, network.port),
                new InetSocketAddress(shown, network.port));
        PrintStream out = System.out;
        b.sessionListener(s -> startReader(s, out));
        SecureMulticastChannel channel = Channels.open(id, b.build());
        out.println("my addr: " + GroupAddresses.toText(channel.localGroup().getAddress()));
        out.println("my publ: " + id.publicKey().toHex());
        io.mp2p.portmap.PortMapKeeper mapping = mapPort ? ListenPortMap.start(channel, gateway, System.err) : null;
        InetSocketAddress mapped = mapping == null ? null : mapping.current().external();
        if (mapping != null) {
            out.println("my mapping: " + io.mp2p.address.UnicastEndpoints.format(mapped) + " ("
                    + mapping.current().protocol().displayName() + ", " + mapping.current().lifetimeSeconds() + " s)");
        }
        out.println("my record: " + record(id, channel, RecordEndpoints.publish(RecordEndpoints.parse(endpoints),
                channel, mapped)));
        ListenDialer.start(channel, connect, network.port, System.err, s -> startReader(s, out));
        if (group == null && !network.staticGroup) {
            GroupEpoch today = GroupEpoch.of(Instant.now());
            out.println("my epoch: " + today.day() + ", " + today.date() + " UTC (my groups change daily at 00:00 UTC)");
        }
        out.flush();
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (mapping != null) {
                mapping.close();
            }
            channel.close();
            release(lock);
        }));
        forever.await();
        return ExitCodes.OK;
    }

    /** The lock that says this key listens at {@code where}; null (with a warning) when it cannot be checked. */
    private static ListenerLock lock(PeerKey me, InetSocketAddress where, InetSocketAddress shown)
            throws CliException {
        try {
            return ListenerLock.acquire(ListenerLock.defaultFolder(), me.toHex(), where);
        } catch (AlreadyListeningException e) {
            String holder = e.holderPid().isPresent() ? " (process " + e.holderPid().getAsLong() + ")" : "";
            throw new CliException("this key already listens on " + Addresses.format(shown) + holder
                    + "; stop that process first");
        } catch (TransportException e) {
            System.err.println("mp2p: warning: cannot check whether this key already listens here: " + e.getMessage());
            return null;
        }
    }

    private static void release(ListenerLock lock) {
        if (lock == null) {
            return;
        }
        try {
            lock.close();
        } catch (IOException e) {
            // The process is ending: the operating system releases the lock anyway.
        }
    }

    /**
     * A signed node record of where we listen, for peers to pass as --peer: valid for RECORD_LIFETIME,
     * and never past the end of the next day, when a daily group is left (spec/ADDRESSING.md §7.4).
     */
    private static String record(Mp2pIdentity id, SecureMulticastChannel channel,
                                 java.util.List<InetSocketAddress> endpoints) throws CliException {
        Instant now = Instant.now();
        Instant lastDay = GroupEpoch.of(now).plus(2).start();
        Instant expires = now.plus(RECORD_LIFETIME).isBefore(lastDay) ? now.plus(RECORD_LIFETIME) : lastDay;
        try {
            return NodeRecord.sign(id, channel.localGroup().getAddress(), channel.localGroup().getPort(),
                    expires.truncatedTo(ChronoUnit.SECONDS), endpoints, io.mp2p.address.UnicastEndpoints.Policy.ROUTABLE)
                    .toText();
        } catch (NodeRecordException e) {
            throw new CliException("cannot sign a node record: " + e.getMessage());
        }
    }

    private void startReader(PeerSession s, PrintStream out) {
        Thread t = new Thread(() -> read(s, out), "mp2p-reader-" + s.peer().toHex().substring(0, 8));
        t.setDaemon(true);
        t.start();
    }

    /**
     * Prints every message of the session until it ends, echoing each while the peer is there. A
     * sender that closes right after sending makes the echoes fail; its messages already received
     * are printed all the same.
     */
    private void read(PeerSession s, PrintStream out) {
        boolean echoing = echo;
        try {
            while (true) {
                byte[] m = s.receive();
                synchronized (out) {
                    out.println(s.peer().toHex() + " " + new String(m, StandardCharsets.UTF_8));
                    out.flush();
                }
                if (echoing) {
                    echoing = echoBack(s, m);
                }
            }
        } catch (ChannelClosedException e) {
            // The peer or the channel closed the session, and every message received was printed.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends {@code m} back; false when the session is closed and no later echo can go out either. */
    private static boolean echoBack(PeerSession s, byte[] m) {
        try {
            s.send(m);
            return true;
        } catch (ChannelClosedException e) {
            // The sender left: not an error, and the rest of its messages are still to be printed.
            return false;
        } catch (Mp2pException e) {
            System.err.println("mp2p: cannot echo to " + s.peer().toHex().substring(0, 16) + "…: " + e.getMessage());
            return true;
        }
    }
}
