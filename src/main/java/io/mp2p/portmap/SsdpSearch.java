package io.mp2p.portmap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * SSDP discovery of the gateway's Internet Gateway Device (UPnP Device Architecture §1.3.2,
 * spec/PORTMAP.md §5.1): an M-SEARCH sent unicast to the gateway's port 1900 first; if it says
 * nothing, once to 239.255.255.250:1900 from a socket bound to the interface that reaches the gateway
 * (never the default one), TTL {@link #MULTICAST_TTL}. Only an answer whose LOCATION names the gateway
 * itself is taken: anyone on the link can answer SSDP.
 */
final class SsdpSearch {
    /** SSDP's port (UDA §1.3.2). */
    static final int SSDP_PORT = 1900;
    /** UDA 1.1's "recommended" multicast TTL is 2; the gateway is one hop away. */
    static final int MULTICAST_TTL = 2;
    /** IGDv2 devices also answer a search for version 1 (UDA §1.3.2: "or higher"). */
    static final String SEARCH_TARGET = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";
    /** How long the unicast search waits before the multicast one is tried. */
    static final int UNICAST_WAIT_MILLIS = 1000;
    /** The multicast search's MX: devices answer within this many seconds. */
    static final int MX_SECONDS = 1;
    private static final int MILLIS_PER_SECOND = 1000;
    /** The extra time to wait for an answer after MX, for the network. */
    private static final int MX_SLACK_MILLIS = 500;
    private static final int MAX_DATAGRAM = 2048;
    private static final byte[] GROUP = {(byte) 239, (byte) 255, (byte) 255, (byte) 250};

    private SsdpSearch() {
    }

    /** The device description's URL, from the gateway, or why not. */
    static URI find(InetAddress gateway, int port, Deadline d) throws PortMapException {
        InetAddress local;
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(gateway, port);       // picks the source address (and so the interface) the route gives
            local = probe.getLocalAddress();
        } catch (IOException | java.io.UncheckedIOException e) {   // connect() reports no route unchecked
            throw new PortMapException(PortMapException.Reason.IO, "UPnP-IGD: no route to the gateway "
                    + gateway.getHostAddress() + ": " + e.getMessage(), e);
        }
        Answers answers = new Answers(gateway);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(local, 0))) {
            send(s, new InetSocketAddress(gateway, port));
            URI found = await(s, answers, Math.min(UNICAST_WAIT_MILLIS, d.require("SSDP answer")), d);
            if (found != null) {
                return found;
            }
        } catch (IOException e) {
            throw new PortMapException(PortMapException.Reason.IO, "UPnP-IGD: SSDP search: " + e.getMessage(), e);
        }
        NetworkInterface nif = multicastInterface(local);
        if (nif != null && d.leftMillis() > 0) {
            try (MulticastSocket s = new MulticastSocket(new InetSocketAddress(local, 0))) {
                s.setNetworkInterface(nif);
                s.setTimeToLive(MULTICAST_TTL);
                send(s, new InetSocketAddress(InetAddress.getByAddress(GROUP), SSDP_PORT));
                URI found = await(s, answers, MX_SECONDS * MILLIS_PER_SECOND + MX_SLACK_MILLIS, d);
                if (found != null) {
                    return found;
                }
            } catch (IOException e) {
                throw new PortMapException(PortMapException.Reason.IO, "UPnP-IGD: SSDP multicast search on "
                        + nif.getName() + ": " + e.getMessage(), e);
            }
        }
        if (answers.refused != null) {
            throw new PortMapException(PortMapException.Reason.NOT_GATEWAY, "UPnP-IGD: an SSDP answer named "
                    + answers.refused + ", not the gateway " + gateway.getHostAddress()
                    + "; refused (anyone on the link can answer SSDP)");
        }
        throw new PortMapException(PortMapException.Reason.NO_RESPONSE, "UPnP-IGD: no SSDP answer from the gateway "
                + gateway.getHostAddress() + (nif == null ? " (unicast search)" : " (unicast, then multicast on "
                + nif.getName() + ")") + ": it offers no UPnP-IGD");
    }

    /** The interface that carries {@code local}, if it can send multicast; never loopback. */
    private static NetworkInterface multicastInterface(InetAddress local) {
        try {
            NetworkInterface nif = NetworkInterface.getByInetAddress(local);
            return nif != null && nif.isUp() && nif.supportsMulticast() && !nif.isLoopback() ? nif : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void send(DatagramSocket s, InetSocketAddress to) throws IOException {
        String host = to.getAddress().getHostAddress() + ":" + to.getPort();
        byte[] msg = ("M-SEARCH * HTTP/1.1\r\nHOST: " + host + "\r\nMAN: \"ssdp:discover\"\r\nMX: " + MX_SECONDS
                + "\r\nST: " + SEARCH_TARGET + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(msg, msg.length, to));
    }

    private static URI await(DatagramSocket s, Answers answers, int waitMillis, Deadline d) throws IOException {
        Deadline step = Deadline.in(Math.min(waitMillis, d.leftMillis()));
        byte[] buf = new byte[MAX_DATAGRAM];
        while (step.leftMillis() > 0) {
            s.setSoTimeout(step.leftMillis());
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            URI u = answers.take(new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1));
            if (u != null) {
                return u;
            }
        }
        return null;
    }

    /** The answers seen: the first acceptable LOCATION wins; one naming another host is remembered. */
    static final class Answers {
        private final InetAddress gateway;
        String refused;

        Answers(InetAddress gateway) {
            this.gateway = gateway;
        }

        /** The LOCATION of an acceptable answer, or null (ignored: not SSDP, not an IGD, another host). */
        URI take(String answer) {
            String[] lines = answer.split("\r\n");
            if (lines.length == 0 || !lines[0].startsWith("HTTP/1.1 200")) {
                return null;
            }
            String location = null;
            String st = "";
            for (String l : lines) {
                int colon = l.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                if (name.equals("location")) {
                    location = l.substring(colon + 1).trim();
                } else if (name.equals("st")) {
                    st = l.substring(colon + 1).trim();
                }
            }
            if (location == null || !st.startsWith("urn:schemas-upnp-org:device:InternetGatewayDevice:")) {
                return null;
            }
            URI u = onGateway(location, gateway);
            if (u == null) {
                refused = "'" + location + "'";
            }
            return u;
        }
    }

    /**
     * {@code url} if it is plain http to the gateway's own address (a literal, so no name is looked up),
     * else null: the description, and every control URL it names, must live on the gateway.
     */
    static URI onGateway(String url, InetAddress gateway) {
        try {
            URI u = new URI(url);
            if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getRawUserInfo() != null) {
                return null;
            }
            String host = u.getHost();
            if (!(gateway instanceof Inet4Address) || !host.matches("[0-9.]+")) {
                return null;
            }
            return InetAddress.getByName(host).equals(gateway) ? u : null;
        } catch (URISyntaxException | IOException e) {
            return null;
        }
    }
}
