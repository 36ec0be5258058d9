package io.mp2p.cli;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.mp2p.IpFamily;
import io.mp2p.address.GroupAddresses;
import io.mp2p.transport.InterfaceSelector;
import io.mp2p.transport.Ipv6AddressStates;

/**
 * The doctor's first two checks: which interfaces could carry multicast (all listed, none picked
 * behind the user's back), and whether the one to use is fit for it.
 */
final class DoctorInterfaces {
    static final String LIST_CHECK = "interfaces";
    static final String CHOSEN_CHECK = "interface";

    /** The findings, and the interface and address the later checks use (both null when there is none). */
    record Choice(List<DoctorFinding> findings, NetworkInterface chosen, InetAddress address) {
    }

    private DoctorInterfaces() {
    }

    static Choice check(String name, IpFamily family) {
        List<NetworkInterface> all;
        try {
            all = Collections.list(NetworkInterface.getNetworkInterfaces());
        } catch (SocketException e) {
            return new Choice(List.of(DoctorFinding.fail(LIST_CHECK, "cannot list the network interfaces: "
                    + e.getMessage()), DoctorFinding.skip(CHOSEN_CHECK, "no interface list")), null, null);
        }
        List<NetworkInterface> candidates = new ArrayList<>();
        List<String> described = new ArrayList<>();
        List<String> unfit = new ArrayList<>();
        for (NetworkInterface nif : all) {
            InetAddress a = InterfaceSelector.address(nif, family);
            String why = unfitness(nif, a);
            if (why == null) {
                candidates.add(nif);
                described.add(nif.getName() + " (" + GroupAddresses.toText(a) + ")");
            } else if (isLoopback(nif) && a != null) {
                described.add(nif.getName() + " (" + GroupAddresses.toText(a) + ", "
                        + (family == IpFamily.IPV4 ? "this host only: --interface lo --ttl 0)"
                        : "no IPv6 multicast: Linux does not loop it back there)"));
            } else {
                unfit.add(nif.getName() + " (" + why + ")");
            }
        }
        String list = (described.isEmpty() ? "none" : String.join(", ", described))
                + (unfit.isEmpty() ? "" : "; not usable: " + String.join(", ", unfit));
        String head = "can carry " + family + " multicast: " + list;
        List<DoctorFinding> out = new ArrayList<>();
        if (name != null) {
            out.add(DoctorFinding.ok(LIST_CHECK, head + "; using " + name + " (--interface)"));
            NetworkInterface nif = byName(name);
            if (nif == null) {
                out.add(DoctorFinding.fail(CHOSEN_CHECK, "there is no interface named '" + name
                        + "': pass one of those listed above to --interface"));
                return new Choice(out, null, null);
            }
            return chosen(out, nif, family);
        }
        if (candidates.size() == 1) {
            NetworkInterface only = candidates.get(0);
            out.add(DoctorFinding.ok(LIST_CHECK, head + "; listen and send would use " + only.getName()
                    + ", the only candidate (name it with --interface to be sure)"));
            return chosen(out, only, family);
        }
        if (candidates.isEmpty()) {
            out.add(DoctorFinding.fail(LIST_CHECK, head + "; no interface is up with the MULTICAST flag and an "
                    + family + " address: bring one up, or use --interface lo --ttl 0 to stay on this host"));
        } else {
            out.add(DoctorFinding.warn(LIST_CHECK, head + "; mp2p picks none of several by itself: pass"
                    + " --interface IF, the one that faces your peers, to doctor, listen and send"));
        }
        out.add(DoctorFinding.skip(CHOSEN_CHECK, "no interface chosen: run again with --interface IF"));
        return new Choice(out, null, null);
    }

    /** Checks the interface the user named or the only candidate. */
    private static Choice chosen(List<DoctorFinding> out, NetworkInterface nif, IpFamily family) {
        String name = nif.getName();
        try {
            if (!nif.isUp()) {
                out.add(DoctorFinding.fail(CHOSEN_CHECK, name + " is down: bring it up (ip link set " + name
                        + " up), or choose another with --interface"));
                return new Choice(out, null, null);
            }
            InetAddress a = InterfaceSelector.address(nif, family);
            if (a == null) {
                out.add(DoctorFinding.fail(CHOSEN_CHECK, name + " has no " + family + " address: give it one, or try "
                        + (family == IpFamily.IPV4 ? "--ipv6" : "--ipv4")));
                return new Choice(out, null, null);
            }
            if (nif.isLoopback()) {
                if (family == IpFamily.IPV6 && isLinux()) {
                    out.add(DoctorFinding.fail(CHOSEN_CHECK, name + ": Linux does not loop IPv6 multicast back on the"
                            + " loopback interface, so nothing can arrive there: use --ipv4 on " + name
                            + ", or --ipv6 on a real link"));
                    return new Choice(out, null, null);
                }
                out.add(DoctorFinding.ok(CHOSEN_CHECK, name + " is the loopback interface, address "
                        + GroupAddresses.toText(a) + ": it reaches processes on this host only (use --ttl 0)"));
                return new Choice(out, nif, a);
            }
            if (!nif.supportsMulticast()) {
                out.add(DoctorFinding.fail(CHOSEN_CHECK, name + " does not have the MULTICAST flag: turn it on"
                        + " (ip link set " + name + " multicast on) or choose another interface"));
                return new Choice(out, null, null);
            }
            Ipv6AddressStates.State state = Ipv6AddressStates.read().of(name, a);
            if (state == Ipv6AddressStates.State.TENTATIVE) {
                out.add(DoctorFinding.warn(CHOSEN_CHECK, name + " is up, but its address " + GroupAddresses.toText(a)
                        + " is still tentative (duplicate address detection): listen and send wait for it"));
                return new Choice(out, nif, a);
            }
            if (state == Ipv6AddressStates.State.DUPLICATE) {
                out.add(DoctorFinding.fail(CHOSEN_CHECK, name + ": another host on the link has the address "
                        + GroupAddresses.toText(a) + " (duplicate address detection failed): change it"));
                return new Choice(out, null, null);
            }
            out.add(DoctorFinding.ok(CHOSEN_CHECK, name + " is up, has the MULTICAST flag, address "
                    + GroupAddresses.toText(a) + (a.isLinkLocalAddress() ? " (link-local: routers do not forward"
                    + " packets from it; give the interface a routable address to reach beyond this link)" : "")));
            return new Choice(out, nif, a);
        } catch (SocketException e) {
            out.add(DoctorFinding.fail(CHOSEN_CHECK, "cannot read the state of " + name + ": " + e.getMessage()));
            return new Choice(out, null, null);
        }
    }

    /** Why {@code nif} cannot be picked by itself, or null when it is a candidate (as InterfaceSelector sees it). */
    private static String unfitness(NetworkInterface nif, InetAddress address) {
        try {
            if (!nif.isUp()) {
                return "down";
            }
            if (nif.isLoopback()) {
                return "loopback";
            }
            if (!nif.supportsMulticast()) {
                return "no MULTICAST flag";
            }
            return address == null ? "no address of this IP version" : null;
        } catch (SocketException e) {
            return "state unreadable: " + e.getMessage();
        }
    }

    private static boolean isLoopback(NetworkInterface nif) {
        try {
            return nif.isLoopback() && nif.isUp();
        } catch (SocketException e) {
            return false;
        }
    }

    private static NetworkInterface byName(String name) {
        try {
            return NetworkInterface.getByName(name);
        } catch (SocketException e) {
            return null;
        }
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").startsWith("Linux");
    }
}
