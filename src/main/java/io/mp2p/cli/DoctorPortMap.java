package io.mp2p.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;

import io.mp2p.IpFamily;
import io.mp2p.address.GroupAddresses;
import io.mp2p.portmap.DefaultGateway;
import io.mp2p.portmap.PortMapClient;
import io.mp2p.portmap.PortMapException;

/**
 * {@code mp2p doctor}'s "port mapping" check: does the default router of the chosen interface answer
 * PCP or NAT-PMP on port 5351, or else UPnP-IGD (spec/PORTMAP.md)? One probe, at most
 * {@link PortMapClient#GIVE_UP_MILLIS} + {@link PortMapClient#UPNP_GIVE_UP_MILLIS}; it asks for the
 * external address and maps nothing.
 */
final class DoctorPortMap {
    static final String CHECK = DoctorCommand.PORT_MAPPING_CHECK;

    private DoctorPortMap() {
    }

    /** The check for the chosen interface: its IPv4 default router is asked. */
    static DoctorFinding check(NetworkInterface chosen, IpFamily family) {
        if (chosen == null) {
            return DoctorFinding.skip(CHECK, "no usable interface (see above)");
        }
        if (family == IpFamily.IPV6) {
            return DoctorFinding.na(CHECK, "IPv6 needs no port mapping: listen publishes its global address in its"
                    + " record; behind a stateful firewall both sides dial each other (listen --connect RECORD)");
        }
        InetAddress gw = DefaultGateway.ipv4(chosen.getName());
        if (gw == null) {
            return DoctorFinding.na(CHECK, "no IPv4 default router on " + chosen.getName() + ": there is no router"
                    + " to ask (with one, 'listen --map-port' asks it for a mapping)");
        }
        return check(new InetSocketAddress(gw, PortMapClient.GATEWAY_PORT));
    }

    /** Probes {@code gateway}. */
    static DoctorFinding check(InetSocketAddress gateway) {
        String gw = GroupAddresses.toText(gateway.getAddress());
        try (PortMapClient c = PortMapClient.open(gateway)) {
            return offered(gw, c.probe());
        } catch (PortMapException e) {
            return DoctorFinding.info(CHECK, "the router " + gw + " offers no port mapping: " + e.getMessage()
                    + "; peers beyond it reach us only by routed multicast, or by dialing"
                    + " an endpoint of ours they can reach");
        }
    }

    /** The verdict for a router that answered {@code p}. */
    static DoctorFinding offered(String gw, PortMapClient.Probe p) {
        String proto = switch (p.protocol()) {
            case PCP -> "PCP";
            case NAT_PMP -> "NAT-PMP";
            case UPNP_IGD -> "UPnP-IGD";
        };
        if (p.externalAddress() == null) {
            return DoctorFinding.ok(CHECK, "the router " + gw + " answers " + proto + ": 'listen --map-port' can"
                    + " ask it to forward our port and publish the mapping in our record");
        }
        String ext = GroupAddresses.toText(p.externalAddress());
        if (p.externalAddress().isSiteLocalAddress()) {
            return DoctorFinding.warn(CHECK, "the router " + gw + " answers " + proto + ", but its own external"
                    + " address " + ext + " is private (a NAT behind another NAT): a mapping there does not"
                    + " reach the internet; map on the outer router too, or use multicast routing");
        }
        return DoctorFinding.ok(CHECK, "the router " + gw + " answers " + proto + " (external address " + ext
                + "): 'listen --map-port' can ask it to forward our port and publish " + ext + ":<port> in our record");
    }
}
