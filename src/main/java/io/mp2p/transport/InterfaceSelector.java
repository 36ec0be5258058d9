package io.mp2p.transport;

import io.mp2p.IpFamily;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.mp2p.address.GroupAddresses;

/**
 * Chooses the network interface a channel joins its group on. Never guesses: a named interface is
 * checked, and without a name exactly one candidate must exist, or the error lists them all (the
 * proof of concept's interface guessing sent packets out of the wrong interface).
 */
public final class InterfaceSelector {
    private InterfaceSelector() {
    }

    /**
     * The interface named {@code name}, or the only up, multicast-capable, non-loopback interface with
     * an address of {@code family} when {@code name} is null.
     *
     * @throws TransportException naming the candidates when the choice is missing or ambiguous
     */
    public static NetworkInterface select(String name, IpFamily family) throws TransportException {
        try {
            if (name != null) {
                NetworkInterface nif = NetworkInterface.getByName(name);
                if (nif == null) {
                    throw new TransportException("no network interface named '" + name + "'; interfaces here: "
                            + describe(all(), family));
                }
                if (!nif.isUp()) {
                    throw new TransportException("network interface " + name + " is down");
                }
                if (address(nif, family) == null) {
                    throw new TransportException("network interface " + name + " has no "
                            + (family == IpFamily.IPV4 ? "IPv4" : "IPv6") + " address; "
                            + (family == IpFamily.IPV4 ? "try --ipv6" : "try --ipv4"));
                }
                return nif;
            }
            List<NetworkInterface> candidates = new ArrayList<>();
            for (NetworkInterface nif : all()) {
                if (nif.isUp() && !nif.isLoopback() && nif.supportsMulticast() && address(nif, family) != null) {
                    candidates.add(nif);
                }
            }
            if (candidates.size() == 1) {
                return candidates.get(0);
            }
            if (candidates.isEmpty()) {
                throw new TransportException("no multicast-capable interface with an "
                        + (family == IpFamily.IPV4 ? "IPv4" : "IPv6")
                        + " address is up; choose one with --interface (on one host: --interface lo)");
            }
            throw new TransportException("several interfaces could carry multicast; choose one with --interface: "
                    + describe(candidates, family));
        } catch (SocketException e) {
            throw new TransportException("cannot list network interfaces: " + e.getMessage(), e);
        }
    }

    /**
     * The interface's address of {@code family} that a socket should bind: one the kernel lets us
     * use before one still under duplicate address detection ({@link Ipv6AddressStates}), and a
     * non-link-local one before a link-local one; null when it has none.
     */
    public static InetAddress address(NetworkInterface nif, IpFamily family) {
        return address(nif, family, family == IpFamily.IPV6 ? Ipv6AddressStates.read() : null);
    }

    static InetAddress address(NetworkInterface nif, IpFamily family, Ipv6AddressStates states) {
        InetAddress best = null;
        int bestRank = Integer.MAX_VALUE;
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
            if (!family.matches(a)) {
                continue;
            }
            Ipv6AddressStates.State state = states == null ? Ipv6AddressStates.State.USABLE
                    : states.of(nif.getName(), a);
            // Usable before tentative before duplicate; within each, routable before link-local.
            int rank = 2 * state.ordinal() + (a.isLinkLocalAddress() ? 1 : 0);
            if (rank < bestRank) {
                best = a;
                bestRank = rank;
            }
        }
        return best;
    }

    private static List<NetworkInterface> all() throws SocketException {
        return Collections.list(NetworkInterface.getNetworkInterfaces());
    }

    private static String describe(List<NetworkInterface> list, IpFamily family) {
        List<String> parts = new ArrayList<>();
        for (NetworkInterface n : list) {
            InetAddress a = address(n, family);
            parts.add(n.getName() + (a == null ? "" : " (" + GroupAddresses.toText(a) + ")"));
        }
        return String.join(", ", parts);
    }
}
