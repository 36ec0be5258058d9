package io.mp2p.cli;

import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.mp2p.ChannelOptions;
import io.mp2p.IpFamily;
import io.mp2p.address.GroupAddresses;
import io.mp2p.address.GroupEpoch;
import io.mp2p.address.GroupSchedule;
import io.mp2p.address.NodeRecord;
import io.mp2p.address.NodeRecordException;
import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mp2p doctor}: what to run when nothing connects. Each check prints one line, verdict first
 * ({@link DoctorFinding}), with what it found and what to do. Exit code 1 when a check failed.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check this host for what mp2p needs: interfaces that carry multicast,",
                "joining a group, a packet looping back, an IGMP/MLD querier, the TTL,",
                "firewall rules on the port, and what 'listen' would publish. With --peer,",
                "also try a handshake. One line per check, verdict first:",
                "[OK|WARN|FAIL|UNKNOWN|SKIP|INFO|N/A] check: what was found; what to do.",
                "Exit code 1 when a check failed."})
final class DoctorCommand implements Callable<Integer> {
    static final String TTL_CHECK = "ttl";
    static final String RECORD_CHECK = "record";
    static final String PORT_MAPPING_CHECK = "port mapping";
    /** A handshake try is short by default: doctor answers quickly; --timeout lengthens it. */
    static final double DEFAULT_REACH_TIMEOUT_SECONDS = 6;

    @Option(names = {"-k", "--key"}, paramLabel = "FILE", description = {"your private key, for the node record and",
            "--peer; without one, those checks are skipped", "default: $MP2P_KEY, else ~/.mp2p/identity.pem"})
    java.nio.file.Path keyFile;

    @Mixin
    NetworkOptions network;

    @Option(names = "--peer", paramLabel = "KEY", description = "also try a handshake with this peer (its public key)")
    String peer;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "with --peer: give up on the handshake after this long (default: ${DEFAULT-VALUE})")
    double timeoutSeconds = DEFAULT_REACH_TIMEOUT_SECONDS;

    /** Why the checks that need a key were skipped. */
    private String missingKey;
    /** Whether a key file exists but cannot be loaded (a failure, unlike no key at all). */
    private boolean keyUnusable;

    @Override
    public Integer call() throws CliException, InterruptedException {
        OptionChecks.port("--port", network.port);
        OptionChecks.range("--ttl", network.ttl, 0, OptionChecks.MAX_TTL);
        IpFamily family = network.family();
        if (network.scope != null && family != IpFamily.IPV6) {
            throw new CliException("--scope sets the scope of IPv6 groups; add --ipv6", ExitCodes.USAGE);
        }
        PeerKey peerKey = peer == null ? null : parsePeer(peer);
        java.time.Duration timeout = OptionChecks.positiveSeconds("--timeout", timeoutSeconds);
        PrintStream out = System.out;
        out.println("mp2p doctor: " + family + ", port " + network.port + ", TTL " + network.ttl
                + (network.networkInterface != null ? ", interface " + network.networkInterface : ""));
        List<DoctorFinding> all = new ArrayList<>();
        DoctorInterfaces.Choice choice = DoctorInterfaces.check(network.networkInterface, family);
        print(out, all, choice.findings());
        if (choice.chosen() != null) {
            print(out, all, DoctorMulticast.check(choice.chosen(), choice.address(), family,
                    NetworkOptions.parseScope(network.scope), network.port));
            print(out, all, List.of(DoctorQuerier.check(choice.chosen(), family)));
        } else {
            for (String check : List.of(DoctorMulticast.PORT_CHECK, DoctorMulticast.JOIN_CHECK,
                    DoctorMulticast.LOOPBACK_CHECK, DoctorQuerier.CHECK)) {
                print(out, all, List.of(DoctorFinding.skip(check, "no usable interface (see above)")));
            }
        }
        print(out, all, List.of(ttl(network.ttl, choice)));
        String ifName = choice.chosen() != null ? choice.chosen().getName() : "any interface";
        print(out, all, List.of(DoctorFirewall.check(family, network.port, ifName)));
        Mp2pIdentity id = loadKey();
        try {
            print(out, all, List.of(record(id, choice)));
            print(out, all, List.of(DoctorPortMap.check(choice.chosen(), family)));
            print(out, all, List.of(reach(id, peerKey, choice, timeout)));
        } finally {
            if (id != null) {
                id.destroy();
            }
        }
        long failed = all.stream().filter(f -> f.verdict() == DoctorFinding.Verdict.FAIL).count();
        long warned = all.stream().filter(f -> f.verdict() == DoctorFinding.Verdict.WARN).count();
        long unknown = all.stream().filter(f -> f.verdict() == DoctorFinding.Verdict.UNKNOWN).count();
        out.println("mp2p doctor: " + failed + " failed, " + warned + " warning" + (warned == 1 ? "" : "s") + ", "
                + unknown + " unknown");
        out.flush();
        return failed > 0 ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    private static void print(PrintStream out, List<DoctorFinding> all, List<DoctorFinding> findings) {
        for (DoctorFinding f : findings) {
            out.println(f);
            all.add(f);
        }
        out.flush();
    }

    private static PeerKey parsePeer(String text) throws CliException {
        try {
            return PeerKey.parse(text.strip());
        } catch (KeyFormatException e) {
            throw new CliException("--peer: " + e.getMessage(), ExitCodes.USAGE);
        }
    }

    /** What the TTL reaches. */
    static DoctorFinding ttl(int ttl, DoctorInterfaces.Choice choice) {
        boolean loopback = choice.chosen() != null && choice.chosen().getName().equals("lo");
        if (ttl == 0) {
            return loopback ? DoctorFinding.ok(TTL_CHECK, "0: packets stay on this host, as on lo they must")
                    : DoctorFinding.warn(TTL_CHECK, "0: packets stay on this host, so no peer elsewhere hears them:"
                    + " use --ttl 1 (this link) or more (across routers)");
        }
        if (ttl == 1) {
            return DoctorFinding.ok(TTL_CHECK, "1: packets reach this link and no router forwards them; for peers"
                    + " beyond a router, raise --ttl on both sides above the number of routers (which must forward"
                    + " multicast)");
        }
        return DoctorFinding.ok(TTL_CHECK, ttl + ": packets cross up to " + (ttl - 1) + " router"
                + (ttl == 2 ? "" : "s") + ", where routers forward multicast; peers answer with their own --ttl,"
                + " which must be as high");
    }

    /** The key, or null (with the reason kept in {@link #missingKey}) when there is none that can be used. */
    private Mp2pIdentity loadKey() {
        java.nio.file.Path p = keyFile != null ? keyFile : KeyOption.defaultPath();
        if (!Files.exists(p)) {
            missingKey = "no key file at " + p + " (create one with 'mp2p keygen', or pass -k FILE)";
            return null;
        }
        KeyOption k = new KeyOption();
        k.key = p;
        try {
            return k.load();
        } catch (CliException e) {
            keyUnusable = true;
            missingKey = "the key cannot be used: " + e.getMessage();
            return null;
        }
    }

    /** The node record 'listen' would print now, signed as it signs it. */
    private DoctorFinding record(Mp2pIdentity id, DoctorInterfaces.Choice choice) throws CliException {
        if (id == null) {
            return keyUnusable ? DoctorFinding.fail(RECORD_CHECK, missingKey + "; fix it, or create a new one with"
                    + " 'mp2p keygen'") : DoctorFinding.skip(RECORD_CHECK, missingKey);
        }
        ChannelOptions o = options().build();
        Instant now = Instant.now();
        InetAddress group = GroupSchedule.of(network.family().protocolFamily(), o.ipv6Scope(), !o.staticGroup())
                .currentGroup(id.publicKey(), now);
        Instant lastDay = GroupEpoch.of(now).plus(2).start();
        Instant expires = now.plus(ListenCommand.RECORD_LIFETIME).isBefore(lastDay)
                ? now.plus(ListenCommand.RECORD_LIFETIME) : lastDay;
        java.util.List<java.net.InetSocketAddress> endpoints = new java.util.ArrayList<>();
        String about;
        java.net.InetSocketAddress local = choice.address() == null ? null
                : new java.net.InetSocketAddress(choice.address(), network.unicastPort == 0 ? 1 : network.unicastPort);
        if (local == null || io.mp2p.address.UnicastEndpoints.problem(local,
                io.mp2p.address.UnicastEndpoints.Policy.ROUTABLE) != null) {
            about = "no unicast endpoint: " + (local == null ? "no interface address"
                    : GroupAddresses.toText(local.getAddress()) + " is not one a peer elsewhere can be sent to");
        } else if (network.unicastPort == 0) {
            about = "plus the unicast endpoint " + GroupAddresses.toText(local.getAddress()) + " with the port its"
                    + " socket gets at start (fix it with --unicast-port N)";
        } else {
            endpoints.add(local);
            about = "unicast endpoint " + io.mp2p.address.UnicastEndpoints.format(local);
        }
        try {
            String text = NodeRecord.sign(id, group, network.port, expires.truncatedTo(ChronoUnit.SECONDS), endpoints,
                    io.mp2p.address.UnicastEndpoints.Policy.ROUTABLE).toText();
            return DoctorFinding.info(RECORD_CHECK, "listen would publish " + text + " (key, today's group "
                    + GroupAddresses.toText(group) + ", port " + network.port + "; " + about
                    + "; with --map-port, the router's mapping first)");
        } catch (NodeRecordException e) {
            return DoctorFinding.fail(RECORD_CHECK, "cannot sign a node record: " + e.getMessage());
        }
    }

    private DoctorFinding reach(Mp2pIdentity id, PeerKey peerKey, DoctorInterfaces.Choice choice,
                                java.time.Duration timeout) throws CliException, InterruptedException {
        if (peerKey == null) {
            return DoctorFinding.skip(DoctorReach.CHECK, "no --peer given: add --peer KEY to try a handshake with it");
        }
        if (id == null) {
            return DoctorFinding.skip(DoctorReach.CHECK, missingKey);
        }
        if (choice.chosen() == null) {
            return DoctorFinding.skip(DoctorReach.CHECK, "no usable interface (see above)");
        }
        ChannelOptions o = options().networkInterface(choice.chosen().getName()).connectTimeout(timeout).build();
        return DoctorReach.check(id, o, peerKey);
    }

    /**
     * The channel options of the command line, without {@link NetworkOptions#check()}'s refusals: the
     * doctor reports a bad combination (IPv6 on lo) as a check, not as a usage error.
     */
    private ChannelOptions.Builder options() throws CliException {
        return ChannelOptions.builder().networkInterface(network.networkInterface).ipVersion(network.family())
                .port(network.port).ttl(network.ttl).ipv6Scope(NetworkOptions.parseScope(network.scope))
                .staticGroup(network.staticGroup);
    }
}
