package io.mp2p.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;

import io.mp2p.SecureMulticastChannel;
import io.mp2p.address.UnicastEndpoints;
import io.mp2p.portmap.DefaultGateway;
import io.mp2p.portmap.PortMapClient;
import io.mp2p.portmap.PortMapException;
import io.mp2p.portmap.PortMapKeeper;
import io.mp2p.portmap.PortMapping;

/**
 * {@code mp2p listen --map-port [--gateway ADDR]}: asks our own router (PCP, then NAT-PMP, then UPnP-IGD) to forward
 * our unicast port, keeps the mapping renewed, and hands back its external endpoint for our node
 * record (spec/PORTMAP.md). A router that will not map is a warning, not a failure: the listener
 * still works on its group.
 */
final class ListenPortMap {
    /** The lifetime asked for (RFC 6886 §3.3 recommends two hours); renewed at half of what is granted. */
    static final long LIFETIME_SECONDS = 7200;

    private ListenPortMap() {
    }

    /** The gateway to ask: {@code --gateway}, else the IPv4 default router of the channel's interface. */
    static InetAddress gateway(SecureMulticastChannel channel, String gatewayText) throws CliException {
        if (gatewayText != null) {
            InetAddress a = Addresses.parseLiteral(gatewayText);
            if (!(a instanceof Inet4Address)) {
                throw new CliException("--gateway: '" + gatewayText + "' is not an IPv4 address", ExitCodes.USAGE);
            }
            return a;
        }
        try {
            NetworkInterface nif = NetworkInterface.getByInetAddress(channel.localUnicastAddress().getAddress());
            return nif == null ? null : DefaultGateway.ipv4(nif.getName());
        } catch (IOException e) {
            throw new CliException("cannot find our interface: " + e.getMessage());
        }
    }

    /** The kept mapping, or null after one warning line on {@code err} when there is none. */
    static PortMapKeeper start(SecureMulticastChannel channel, String gatewayText, PrintStream err)
            throws CliException {
        InetSocketAddress local;
        try {
            local = channel.localUnicastAddress();
        } catch (IOException e) {
            throw new CliException("cannot read our unicast address: " + e.getMessage());
        }
        if (!(local.getAddress() instanceof Inet4Address)) {
            err.println("mp2p: warning: --map-port maps IPv4 ports only (IPv6 needs no NAT); not mapped");
            return null;
        }
        InetAddress gw = gateway(channel, gatewayText);
        if (gw == null) {
            err.println("mp2p: warning: --map-port: no IPv4 default router on our interface; give --gateway ADDR");
            return null;
        }
        try {
            PortMapKeeper k = PortMapKeeper.start(PortMapClient.open(new InetSocketAddress(gw, PortMapClient.GATEWAY_PORT)),
                    local.getPort(), LIFETIME_SECONDS, m -> err.println("mp2p: the router moved our mapping to "
                            + UnicastEndpoints.format(m.external()) + "; peers need a fresh record"));
            PortMapping m = k.current();
            if (m.external() == null || UnicastEndpoints.problem(m.external(), UnicastEndpoints.Policy.ROUTABLE) != null) {
                err.println("mp2p: warning: --map-port: the router granted " + m.external()
                        + ", which no peer can be sent to; not published");
                k.close();
                return null;
            }
            return k;
        } catch (PortMapException e) {
            err.println("mp2p: warning: --map-port: " + e.getMessage() + "; not mapped");
            return null;
        }
    }
}
