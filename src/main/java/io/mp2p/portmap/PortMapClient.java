package io.mp2p.portmap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A small PCP (RFC 6887), NAT-PMP (RFC 6886) and UPnP-IGD client that asks one gateway — the one
 * given, never one it discovers — for UDP port mappings (spec/PORTMAP.md). PCP is tried first; a
 * gateway that answers it as a NAT-PMP server (version 0, "unsupported version") is then spoken to in
 * NAT-PMP; a gateway that answers neither on port 5351 is looked for by UPnP-IGD (SSDP held to that
 * gateway, §5). Each PCP/NAT-PMP request is retransmitted 250 ms, 500 ms, 1 s and 2 s apart, then
 * given up: at most {@link #GIVE_UP_MILLIS} per call, plus {@link #UPNP_GIVE_UP_MILLIS} for UPnP-IGD.
 *
 * <pre>{@code
 * try (PortMapClient c = PortMapClient.open(new InetSocketAddress(gateway, PortMapClient.GATEWAY_PORT))) {
 *     PortMapping m = c.map(41415, 7200);          // m.external() goes into our node record
 *     ...
 *     c.unmap(m);
 * }
 * }</pre>
 *
 * Not thread-safe: one caller at a time (a {@link PortMapKeeper} is the usual one).
 */
public final class PortMapClient implements AutoCloseable {
    /** The port PCP and NAT-PMP servers listen on (RFC 6887 §19.1, RFC 6886 §3.1). */
    public static final int GATEWAY_PORT = 5351;
    /** The first wait for an answer (RFC 6886 §3.1: 250 ms, doubling). */
    static final int INITIAL_WAIT_MILLIS = 250;
    /** Tries per request: 250 + 500 + 1000 + 2000 ms of waiting. */
    static final int MAX_TRIES = 4;
    /** The longest one request waits in all. */
    public static final long GIVE_UP_MILLIS = INITIAL_WAIT_MILLIS * ((1L << MAX_TRIES) - 1);
    /** The most the UPnP-IGD fallback takes per call (discovery included). */
    public static final long UPNP_GIVE_UP_MILLIS = UpnpIgdClient.GIVE_UP_MILLIS;
    private static final int MAX_RESPONSE = 1100;

    private final DatagramSocket socket;
    private final InetSocketAddress gateway;
    private final SecureRandom random = new SecureRandom();
    /** PCP's nonce per internal port: a renewal or deletion must repeat the mapping's nonce (RFC 6887 §11.2). */
    private final Map<Integer, byte[]> nonces = new HashMap<>();
    /** The UPnP-IGD fallback for the same gateway; null where it is not to be tried. */
    private final UpnpIgdClient upnp;
    private PortMapProtocol spoken;

    private PortMapClient(DatagramSocket socket, InetSocketAddress gateway, UpnpIgdClient upnp) {
        this.socket = socket;
        this.gateway = gateway;
        this.upnp = upnp;
    }

    /**
     * A client for {@code gateway} (usually the default router, port {@link #GATEWAY_PORT}). The socket
     * is connected to it: nothing from anyone else is read.
     */
    public static PortMapClient open(InetSocketAddress gateway) throws PortMapException {
        return open(gateway, SsdpSearch.SSDP_PORT);
    }

    /** As {@link #open(InetSocketAddress)}, with the gateway's SSDP port given (tests: a fake IGD on lo); 0: no UPnP. */
    static PortMapClient open(InetSocketAddress gateway, int ssdpPort) throws PortMapException {
        Objects.requireNonNull(gateway, "gateway");
        try {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(gateway.getAddress() instanceof java.net.Inet4Address
                    ? InetAddress.getByAddress(new byte[4]) : InetAddress.getByAddress(new byte[16]), 0));
            s.connect(gateway);
            return new PortMapClient(s, gateway, ssdpPort == 0 || !(gateway.getAddress() instanceof java.net.Inet4Address)
                    ? null : new UpnpIgdClient(gateway.getAddress(), ssdpPort));
        } catch (IOException e) {
            throw new PortMapException(PortMapException.Reason.IO, "cannot open a socket to the gateway "
                    + text(gateway) + ": " + e.getMessage(), e);
        }
    }

    /** The gateway this client talks to. */
    public InetSocketAddress gateway() {
        return gateway;
    }

    /** The protocol the gateway answered in, once it did; null before. */
    public PortMapProtocol protocol() {
        return spoken;
    }

    /**
     * Asks for a mapping of UDP {@code internalPort} (the same external port suggested) for
     * {@code lifetimeSeconds}; the gateway may grant another port and a shorter lifetime.
     */
    public PortMapping map(int internalPort, long lifetimeSeconds) throws PortMapException {
        if (lifetimeSeconds <= 0) {
            throw new IllegalArgumentException("a mapping's lifetime is positive; unmap() deletes");
        }
        return request(internalPort, internalPort, lifetimeSeconds);
    }

    /** Deletes {@code m} (a request with lifetime 0). */
    public void unmap(PortMapping m) throws PortMapException {
        if (m.protocol() == PortMapProtocol.UPNP_IGD) {
            upnp.unmap(m.internalPort());
            return;
        }
        request(m.internalPort(), 0, 0);
        nonces.remove(m.internalPort());
    }

    /**
     * Whether the gateway offers port mapping, without making one: a NAT-PMP external-address
     * request (which PCP servers answer as "unsupported version", in PCP). Returns the protocol and,
     * for NAT-PMP, the external address.
     */
    public Probe probe() throws PortMapException {
        byte[] answer;
        try {
            answer = exchange(NatPmpMessages.externalAddressRequest(), buf -> buf);
        } catch (PortMapException e) {
            if (!upnpAfter(e)) {
                throw e;
            }
            try {
                return new Probe(PortMapProtocol.UPNP_IGD, upnp.probe());
            } catch (PortMapException u) {
                throw both(e, u);
            }
        }
        if ((answer[0] & 0xff) == PcpMessages.VERSION) {
            return new Probe(PortMapProtocol.PCP, null);
        }
        NatPmpMessages.Response r = NatPmpMessages.parse(answer, answer.length);
        if (r == null || r.opcode() != (NatPmpMessages.OP_EXTERNAL_ADDRESS | NatPmpMessages.RESPONSE_BIT)) {
            throw new PortMapException(PortMapException.Reason.UNSUPPORTED, "the gateway " + text(gateway)
                    + " answered port 5351 in neither PCP nor NAT-PMP");
        }
        return new Probe(PortMapProtocol.NAT_PMP, r.result() == NatPmpMessages.RESULT_SUCCESS ? r.address() : null);
    }

    /** What {@link #probe()} found: the protocol, and the external address if NAT-PMP told it. */
    public record Probe(PortMapProtocol protocol, InetAddress externalAddress) {
    }

    private PortMapping request(int internalPort, int externalPort, long lifetime) throws PortMapException {
        if (spoken == PortMapProtocol.UPNP_IGD) {
            return upnp.map(internalPort, lifetime);
        }
        try {
            return pcpOrNatPmp(internalPort, externalPort, lifetime);
        } catch (PortMapException e) {
            if (spoken != null || lifetime == 0 || !upnpAfter(e)) {
                throw e;
            }
            try {
                PortMapping m = upnp.map(internalPort, lifetime);
                spoken = PortMapProtocol.UPNP_IGD;
                return m;
            } catch (PortMapException u) {
                throw both(e, u);
            }
        }
    }

    /** Whether {@code e} (from port 5351) leaves UPnP-IGD to try: nothing answered there, and UPnP is on. */
    private boolean upnpAfter(PortMapException e) {
        return upnp != null && e.reason() == PortMapException.Reason.NO_RESPONSE;
    }

    /** UPnP-IGD's failure, its reason kept, with what port 5351 said first. */
    private static PortMapException both(PortMapException first, PortMapException upnpFailure) {
        return new PortMapException(upnpFailure.reason(), first.getMessage() + "; " + upnpFailure.getMessage(),
                upnpFailure);
    }

    private PortMapping pcpOrNatPmp(int internalPort, int externalPort, long lifetime) throws PortMapException {
        if (spoken != PortMapProtocol.NAT_PMP) {
            PcpMessages.Response r = pcp(internalPort, externalPort, lifetime);
            if (r.version() == PcpMessages.VERSION) {
                spoken = PortMapProtocol.PCP;
                if (r.result() != PcpMessages.RESULT_SUCCESS) {
                    throw refused("PCP", r.result());
                }
                return new PortMapping(PortMapProtocol.PCP, internalPort,
                        new InetSocketAddress(r.externalAddress(), r.externalPort()), r.lifetime());
            }
            // Version 0 back: a NAT-PMP server (RFC 6887 §9); speak NAT-PMP to it from now on.
            spoken = PortMapProtocol.NAT_PMP;
        }
        return natPmp(internalPort, externalPort, lifetime);
    }

    private PcpMessages.Response pcp(int internalPort, int externalPort, long lifetime) throws PortMapException {
        byte[] nonce = nonces.computeIfAbsent(internalPort, p -> {
            byte[] n = new byte[PcpMessages.NONCE_LENGTH];
            random.nextBytes(n);
            return n;
        });
        byte[] req = PcpMessages.mapRequest(socket.getLocalAddress(), nonce, internalPort, externalPort, lifetime);
        return exchange(req, buf -> {
            PcpMessages.Response r = PcpMessages.parse(buf, buf.length);
            if (r == null) {
                return null;
            }
            boolean ours = r.version() != PcpMessages.VERSION || r.nonce() == null
                    || (java.util.Arrays.equals(r.nonce(), nonce) && r.internalPort() == internalPort);
            return ours ? r : null;
        });
    }

    private PortMapping natPmp(int internalPort, int externalPort, long lifetime) throws PortMapException {
        InetAddress external = null;
        if (lifetime > 0) {
            NatPmpMessages.Response a = exchange(NatPmpMessages.externalAddressRequest(), buf -> {
                NatPmpMessages.Response r = NatPmpMessages.parse(buf, buf.length);
                return r != null && r.opcode() == (NatPmpMessages.OP_EXTERNAL_ADDRESS | NatPmpMessages.RESPONSE_BIT)
                        ? r : null;
            });
            if (a.result() != NatPmpMessages.RESULT_SUCCESS) {
                throw refused("NAT-PMP", a.result());
            }
            external = a.address();
        }
        NatPmpMessages.Response r = exchange(NatPmpMessages.mapRequest(internalPort, externalPort, lifetime), buf -> {
            NatPmpMessages.Response m = NatPmpMessages.parse(buf, buf.length);
            return m != null && m.opcode() == (NatPmpMessages.OP_MAP_UDP | NatPmpMessages.RESPONSE_BIT)
                    && (m.internalPort() == internalPort || m.result() != NatPmpMessages.RESULT_SUCCESS) ? m : null;
        });
        if (r.result() != NatPmpMessages.RESULT_SUCCESS) {
            throw refused("NAT-PMP", r.result());
        }
        return new PortMapping(PortMapProtocol.NAT_PMP, internalPort,
                external == null ? null : new InetSocketAddress(external, r.externalPort()), r.lifetime());
    }

    /** Sends {@code request} until {@code accept} takes an answer (non-null), with the retransmission schedule. */
    private <T> T exchange(byte[] request, Function<byte[], T> accept) throws PortMapException {
        byte[] buf = new byte[MAX_RESPONSE];
        int wait = INITIAL_WAIT_MILLIS;
        try {
            for (int attempt = 0; attempt < MAX_TRIES; attempt++, wait *= 2) {
                socket.send(new DatagramPacket(request, request.length));
                long deadline = System.nanoTime() + wait * 1_000_000L;
                while (true) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        break;
                    }
                    socket.setSoTimeout((int) left);
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    T t = accept.apply(java.util.Arrays.copyOf(buf, p.getLength()));
                    if (t != null) {
                        return t;
                    }
                }
            }
        } catch (java.net.PortUnreachableException e) {
            throw new PortMapException(PortMapException.Reason.NO_RESPONSE, "nothing listens on the gateway's port "
                    + text(gateway) + " (ICMP port unreachable): the router offers no PCP or NAT-PMP", e);
        } catch (IOException e) {
            throw new PortMapException(PortMapException.Reason.IO, "cannot reach the gateway " + text(gateway) + ": "
                    + e.getMessage(), e);
        }
        throw new PortMapException(PortMapException.Reason.NO_RESPONSE, "no answer from the gateway " + text(gateway)
                + " within " + GIVE_UP_MILLIS + " ms (" + MAX_TRIES + " tries): it offers no PCP or NAT-PMP");
    }

    private static String text(InetSocketAddress a) {
        return a.getAddress() == null ? a.toString() : io.mp2p.address.UnicastEndpoints.format(a);
    }

    private static PortMapException refused(String protocol, int result) {
        return new PortMapException(PortMapException.Reason.REFUSED, protocol + " refused the mapping: result code "
                + result + " (" + ResultCodes.name(protocol, result) + ")");
    }

    @Override
    public void close() {
        socket.close();
    }
}
