package io.mp2p.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.mp2p.IpFamily;
import io.mp2p.address.GroupAddresses;
import io.mp2p.address.Ipv6Scope;

/**
 * The doctor's socket checks on the chosen interface: the UDP port can be bound (shared, as mp2p
 * shares it), a group can be joined and the kernel lists the membership, and a packet sent to the
 * group comes back to this host. The probe packet has TTL 0, so it never leaves the host, and goes
 * to a random group of the mp2p range, which no node listens on.
 */
final class DoctorMulticast {
    static final String PORT_CHECK = "port";
    static final String JOIN_CHECK = "join";
    static final String LOOPBACK_CHECK = "loopback";
    /** How long the looped-back probe may take: it crosses no wire, so a second is ample even under load. */
    static final long LOOPBACK_WAIT_MILLIS = 1000;
    private static final String PROBE_PREFIX = "mp2p-doctor-probe ";
    private static final int PROBE_NONCE_BYTES = 16;
    private static final int RECEIVE_BUFFER = 2048;

    private DoctorMulticast() {
    }

    static List<DoctorFinding> check(NetworkInterface nif, InetAddress address, IpFamily family, Ipv6Scope scope,
                                     int port) {
        List<DoctorFinding> out = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        InetAddress group = family == IpFamily.IPV4 ? GroupAddresses.randomIpv4(random)
                : GroupAddresses.randomIpv6(random, scope);
        String g = GroupAddresses.toText(group);
        try (DatagramChannel rx = DatagramChannel.open(family.protocolFamily());
             DatagramChannel tx = DatagramChannel.open(family.protocolFamily());
             Selector selector = Selector.open()) {
            rx.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            int boundPort = bind(rx, group, port, out);
            try {
                rx.join(group, nif);
            } catch (IOException e) {
                out.add(DoctorFinding.fail(JOIN_CHECK, "cannot join " + g + " on " + nif.getName() + ": " + e.getMessage()
                        + joinHint(e)));
                out.add(DoctorFinding.skip(LOOPBACK_CHECK, "no group joined"));
                return out;
            }
            out.add(membership(nif, family, group));
            tx.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
            tx.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
            tx.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            tx.bind(new InetSocketAddress(address, 0));
            byte[] nonce = new byte[PROBE_NONCE_BYTES];
            random.nextBytes(nonce);
            byte[] probe = (PROBE_PREFIX + java.util.HexFormat.of().formatHex(nonce)).getBytes(StandardCharsets.US_ASCII);
            rx.configureBlocking(false);
            rx.register(selector, SelectionKey.OP_READ);
            long start = System.nanoTime();
            tx.send(ByteBuffer.wrap(probe), new InetSocketAddress(group, boundPort));
            out.add(awaitProbe(rx, selector, probe, start, g + ":" + boundPort, nif.getName()));
        } catch (IOException e) {
            out.add(DoctorFinding.fail(LOOPBACK_CHECK, "the probe failed on " + nif.getName() + ": " + e.getMessage()));
        }
        return out;
    }

    /** Binds the group and {@code port} as mp2p does (shared); on failure, an ephemeral port for the other checks. */
    private static int bind(DatagramChannel rx, InetAddress group, int port, List<DoctorFinding> out)
            throws IOException {
        int others = DoctorProc.socketsOnPort(port);
        try {
            bindGroup(rx, group, port);
            out.add(DoctorFinding.ok(PORT_CHECK, "UDP " + port + " can be bound, shared as mp2p shares it"
                    + (others > 0 ? " (" + others + " other socket" + (others == 1 ? "" : "s")
                    + " of this host use it: a running mp2p listen, or another program)" : "")));
            return port;
        } catch (BindException e) {
            out.add(DoctorFinding.fail(PORT_CHECK, "UDP " + port + " is taken by a socket that does not share it ("
                    + e.getMessage() + "): stop that program, or use another --port on both sides"));
            bindGroup(rx, group, 0);
            return ((InetSocketAddress) rx.getLocalAddress()).getPort();
        }
    }

    /** Binds the group address (as UdpTransport does), or the wildcard where the system refuses that. */
    private static void bindGroup(DatagramChannel ch, InetAddress group, int port) throws IOException {
        try {
            ch.bind(new InetSocketAddress(group, port));
        } catch (BindException e) {
            throw e;
        } catch (SocketException e) {
            ch.bind(new InetSocketAddress(port));
        }
    }

    private static String joinHint(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No buffer space")) {
            return " (the kernel's limit of memberships per socket or host is reached: net.ipv4.igmp_max_memberships)";
        }
        return ": check that the interface is up and has the MULTICAST flag";
    }

    /** Whether the kernel lists the membership on the interface, as a switch would learn it from our report. */
    private static DoctorFinding membership(NetworkInterface nif, IpFamily family, InetAddress group) {
        String g = GroupAddresses.toText(group);
        String text = DoctorProc.read(family == IpFamily.IPV4 ? DoctorProc.IGMP : DoctorProc.IGMP6);
        String file = family == IpFamily.IPV4 ? "/proc/net/igmp" : "/proc/net/igmp6";
        if (text == null) {
            return DoctorFinding.ok(JOIN_CHECK, "joined " + g + " on " + nif.getName() + " (" + file
                    + " is not readable here, so the kernel's list was not checked)");
        }
        Set<String> groups;
        if (family == IpFamily.IPV4) {
            DoctorProc.IgmpDevice d = DoctorProc.parseIgmp(text).get(nif.getName());
            groups = d == null ? Set.of() : d.groups();
        } else {
            groups = DoctorProc.parseIgmp6(text).getOrDefault(nif.getName(), Set.of());
        }
        if (DoctorProc.listed(groups, group)) {
            return DoctorFinding.ok(JOIN_CHECK, "joined " + g + " on " + nif.getName() + "; the kernel lists it in "
                    + file + ", so it reports the membership (" + (family == IpFamily.IPV4 ? "IGMP" : "MLD")
                    + ") on that link");
        }
        return DoctorFinding.warn(JOIN_CHECK, "joined " + g + " on " + nif.getName() + ", but " + file
                + " does not list it there: the membership may have gone to another interface; name the interface"
                + " with --interface");
    }

    private static DoctorFinding awaitProbe(DatagramChannel rx, Selector selector, byte[] probe, long start,
                                            String where, String ifName) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(RECEIVE_BUFFER);
        long deadline = start + LOOPBACK_WAIT_MILLIS * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return DoctorFinding.fail(LOOPBACK_CHECK, "a packet sent to " + where + " on " + ifName
                        + " (TTL 0: it stays on this host) did not come back within " + LOOPBACK_WAIT_MILLIS
                        + " ms: a local firewall rule (iptables/nft OUTPUT or INPUT) or a security module may drop"
                        + " multicast; see the firewall line");
            }
            selector.select(left);
            selector.selectedKeys().clear();
            buf.clear();
            while (rx.receive(buf) != null) {
                buf.flip();
                byte[] got = Arrays.copyOf(buf.array(), buf.limit());
                if (Arrays.equals(got, probe)) {
                    double ms = (System.nanoTime() - start) / 1e6;
                    return DoctorFinding.ok(LOOPBACK_CHECK, String.format(java.util.Locale.ROOT,
                            "a packet sent to %s on %s came back in %.1f ms (TTL 0: it did not leave this host)",
                            where, ifName, ms));
                }
                buf.clear();
            }
        }
    }
}
