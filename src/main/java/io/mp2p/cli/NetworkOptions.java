package io.mp2p.cli;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

import io.mp2p.ChannelOptions;
import io.mp2p.address.GroupAddresses;
import io.mp2p.address.Ipv6Scope;
import io.mp2p.transport.InterfaceReadiness;
import io.mp2p.IpFamily;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Where to listen and send: interface, IP version, port, TTL. Shared by listen, send, chat and ping. */
final class NetworkOptions {
    @Option(names = "--interface", paramLabel = "IF",
            description = "network interface to use, e.g. eth0; 'lo' keeps everything on this host."
                    + " Required when several interfaces could carry multicast. While it is down, or its"
                    + " address not usable yet, the tool says so and waits, up to "
                    + InterfaceReadiness.DEFAULT_MAX_WAIT_SECONDS + " seconds.")
    String networkInterface;

    static final class Version {
        @Option(names = "--ipv4", description = "use IPv4 groups in 239.192.0.0/14 (default)")
        boolean ipv4;
        @Option(names = "--ipv6", description = {"use IPv6 groups ff1X::/16, X the --scope",
                "(not on lo: Linux does not loop IPv6 multicast back there)"})
        boolean ipv6;
    }

    @ArgGroup(exclusive = true)
    Version version;

    @Option(names = "--port", paramLabel = "N", description = "UDP port (default: ${DEFAULT-VALUE})")
    int port = GroupAddresses.DEFAULT_PORT;

    @Option(names = "--scope", paramLabel = "SCOPE", description = SCOPE_HELP)
    String scope;

    @Option(names = "--static-group", description = STATIC_GROUP_HELP)
    boolean staticGroup;

    static final String SCOPE_HELP = "scope of derived IPv6 groups: link (2), site (5), organization (8)"
            + " or global (e, the default); peers must use the same";
    static final String STATIC_GROUP_HELP = "use the fixed groups derived from keys alone instead of the ones"
            + " that change daily (for networks that route one configured group); peers must use it too";

    @Option(names = "--ttl", paramLabel = "N",
            description = "multicast TTL / hop limit: 0 this host, 1 this link (default: ${DEFAULT-VALUE})")
    int ttl = ChannelOptions.DEFAULT_TTL;

    @Option(names = "--unicast-port", paramLabel = "N",
            description = {"the UDP port of our unicast socket, which everything is sent from and unicast peers",
                    "reach (it is the port of our node record's endpoints): 0 any free port (default)"})
    int unicastPort;

    IpFamily family() {
        return version != null && version.ipv6 ? IpFamily.IPV6 : IpFamily.IPV4;
    }

    /** Checks --port and --ttl; call before anything slow, so a typo is reported at once. */
    void check() throws CliException {
        OptionChecks.port("--port", port);
        OptionChecks.range("--ttl", ttl, 0, OptionChecks.MAX_TTL);
        OptionChecks.range("--unicast-port", unicastPort, 0, OptionChecks.MAX_PORT);
        if (family() == IpFamily.IPV6 && networkInterface != null && isLinux() && isLoopback(networkInterface)) {
            // Sending there fails with "Network is unreachable", and even with a route nothing loops back.
            throw new CliException("--ipv6 on " + networkInterface + ": Linux does not loop IPv6 multicast back on"
                    + " the loopback interface, so nothing can arrive there; use --ipv4 on " + networkInterface
                    + ", or --ipv6 on a real link", ExitCodes.USAGE);
        }
    }

    ChannelOptions.Builder builder() throws CliException {
        check();
        if (scope != null && family() != IpFamily.IPV6) {
            throw new CliException("--scope sets the scope of IPv6 groups; add --ipv6", ExitCodes.USAGE);
        }
        return ChannelOptions.builder().networkInterface(networkInterface).ipVersion(family()).port(port).ttl(ttl)
                .unicastPort(unicastPort).ipv6Scope(parseScope(scope)).staticGroup(staticGroup);
    }

    /** The --scope value, GLOBAL when absent. */
    static Ipv6Scope parseScope(String text) throws CliException {
        if (text == null) {
            return Ipv6Scope.GLOBAL;
        }
        try {
            return Ipv6Scope.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException("--scope: " + e.getMessage(), ExitCodes.USAGE);
        }
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").startsWith("Linux");
    }

    private static boolean isLoopback(String name) {
        try {
            NetworkInterface nif = NetworkInterface.getByName(name);
            return nif != null && nif.isLoopback();
        } catch (SocketException e) {
            // Cannot tell: opening the channel will report the interface's problem.
            return false;
        }
    }

    /** Parses a group given on the command line: a literal address, never a host name (no DNS lookup). */
    static InetAddress parseGroup(String text, String flag) throws CliException {
        InetAddress a = Addresses.parseLiteral(text);
        if (a == null) {
            throw new CliException(flag + ": '" + text + "' is not an IP address", ExitCodes.USAGE);
        }
        if (!GroupAddresses.isMp2pGroup(a)) {
            throw new CliException(flag + ": " + text + " is not an mp2p group (" + GroupAddresses.RANGES_TEXT + ")",
                    ExitCodes.USAGE);
        }
        return a;
    }
}
