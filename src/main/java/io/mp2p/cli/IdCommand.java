package io.mp2p.cli;

import java.net.StandardProtocolFamily;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.google.gson.GsonBuilder;

import io.mp2p.address.GroupAddresses;
import io.mp2p.address.GroupEpoch;
import io.mp2p.address.GroupSchedule;
import io.mp2p.address.Ipv6Scope;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mp2p id [-k FILE] [--json]}. */
@Command(name = "id", mixinStandardHelpOptions = true,
        description = "Print this node's public key, its X25519 form, its groups (today's, unless --static-group)"
                + " and port.")
final class IdCommand implements Callable<Integer> {
    @Mixin
    KeyOption key;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--port", paramLabel = "N", description = "the port to report (default: ${DEFAULT-VALUE})")
    int port = GroupAddresses.DEFAULT_PORT;

    @Option(names = "--scope", paramLabel = "SCOPE", description = NetworkOptions.SCOPE_HELP)
    String scope;

    @Option(names = "--static-group", description = NetworkOptions.STATIC_GROUP_HELP)
    boolean staticGroup;

    @Option(names = "--endpoint", paramLabel = "ADDR:PORT",
            description = {"also print signed node records (one per group family, valid one day) that publish",
                    "this unicast endpoint (repeatable, at most 4; IPv6 in brackets): for a peer that must",
                    "know where we are before we run, e.g. across stateful firewalls (listen --unicast-port)"})
    java.util.List<String> endpoints;

    @Override
    public Integer call() throws CliException {
        OptionChecks.port("--port", port);
        java.util.List<java.net.InetSocketAddress> eps = RecordEndpoints.parse(endpoints);
        Ipv6Scope s = NetworkOptions.parseScope(scope);
        Mp2pIdentity id = key.load();
        PeerKey pub = id.publicKey();
        String x = HexFormat.of().formatHex(pub.x25519PublicKey());
        Instant now = Instant.now();
        GroupEpoch epoch = GroupEpoch.of(now);
        String v6 = GroupAddresses.toText(GroupSchedule.of(StandardProtocolFamily.INET6, s, !staticGroup)
                .currentGroup(pub, now));
        String v4 = GroupAddresses.toText(GroupSchedule.of(StandardProtocolFamily.INET, s, !staticGroup)
                .currentGroup(pub, now));
        String record6 = eps.isEmpty() ? null : record(id, GroupSchedule.of(StandardProtocolFamily.INET6, s, !staticGroup)
                .currentGroup(pub, now), eps, now);
        String record4 = eps.isEmpty() ? null : record(id, GroupSchedule.of(StandardProtocolFamily.INET, s, !staticGroup)
                .currentGroup(pub, now), eps, now);
        id.destroy();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("public_key", pub.toHex());
            m.put("x25519_public_key", x);
            m.put("static_groups", staticGroup);
            if (!staticGroup) {
                m.put("group_epoch", epoch.day());
                m.put("group_epoch_start", epoch.start().toString());
                m.put("group_epoch_end", epoch.end().toString());
            }
            m.put("ipv6_group", v6);
            m.put("ipv4_group", v4);
            m.put("port", port);
            if (record6 != null) {
                m.put("ipv6_record", record6);
                m.put("ipv4_record", record4);
            }
            System.out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(m));
        } else {
            System.out.println("public key:         " + pub.toHex());
            System.out.println("x25519 public key:  " + x);
            System.out.println("host name:          " + pub.hostName());
            System.out.println("group epoch:        " + (staticGroup ? "none: static groups, derived from the key alone"
                    : epoch.day() + ", " + epoch.date() + " UTC (the groups below change at 00:00 UTC)"));
            System.out.println("ipv6 group:         " + v6);
            System.out.println("ipv4 group:         " + v4);
            System.out.println("port:               " + port);
            if (record6 != null) {
                System.out.println("ipv6 record:        " + record6);
                System.out.println("ipv4 record:        " + record4);
            }
        }
        return ExitCodes.OK;
    }

    /** A record for {@code group} that lives as long as a listener's (spec/ADDRESSING.md §7.4). */
    private String record(Mp2pIdentity id, java.net.InetAddress group, java.util.List<java.net.InetSocketAddress> eps,
                          Instant now) throws CliException {
        Instant lastDay = GroupEpoch.of(now).plus(2).start();
        Instant expires = now.plus(ListenCommand.RECORD_LIFETIME);
        if (!staticGroup && lastDay.isBefore(expires)) {
            expires = lastDay;
        }
        try {
            return io.mp2p.address.NodeRecord.sign(id, group, port, expires.truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                    eps, io.mp2p.address.UnicastEndpoints.Policy.ROUTABLE).toText();
        } catch (io.mp2p.address.NodeRecordException e) {
            throw new CliException("--endpoint: " + e.getMessage(), ExitCodes.USAGE);
        }
    }
}
