package io.mp2p.portmap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A small UPnP-IGD control point for one gateway (spec/PORTMAP.md §5): SSDP discovery held to the
 * gateway ({@link SsdpSearch}), its device description, then SOAP GetExternalIPAddress,
 * AddAnyPortMapping (IGDv2) or AddPortMapping, and DeletePortMapping, for UDP. Each call ({@link #map},
 * {@link #unmap}, {@link #probe}) finishes within {@link #GIVE_UP_MILLIS}, discovery included.
 * {@link PortMapClient} uses it when the gateway answers neither PCP nor NAT-PMP.
 *
 * <pre>{@code
 * UpnpIgdClient u = new UpnpIgdClient(gateway, SsdpSearch.SSDP_PORT);
 * PortMapping m = u.map(41415, 7200);     // lifetime 0 back: an IGDv1 "permanent" lease, deleted on close all the same
 * u.unmap(41415);
 * }</pre>
 *
 * Not thread-safe: one caller at a time.
 */
final class UpnpIgdClient {
    /** The most one UPnP-IGD call takes: SSDP (≤ 2.5 s), the description and up to a few SOAP actions. */
    static final long GIVE_UP_MILLIS = 5_000;
    /** IGDv2 limits a lease to a week (WANIPConnection:2 §2.3.16); IGDv1 routers accept it too. */
    static final long MAX_LEASE_SECONDS = 604_800;
    /** UPnP error codes acted on (WANIPConnection:2 §2.5). */
    static final int INVALID_ACTION = 401;
    static final int OPTIONAL_ACTION_NOT_IMPLEMENTED = 602;
    static final int NO_SUCH_ENTRY = 714;
    static final int CONFLICT_IN_MAPPING_ENTRY = 718;
    static final int ONLY_PERMANENT_LEASES = 725;
    /** Ports tried with AddPortMapping: ours, then random dynamic ones after each 718 conflict. */
    static final int PORT_TRIES = 4;
    private static final int DYNAMIC_FIRST = 49152;
    private static final int DYNAMIC_COUNT = 16384;
    private static final String DESCRIPTION = "mp2p";
    private static final String UDP = "UDP";
    private static final String ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String ENCODING = "http://schemas.xmlsoap.org/soap/encoding/";

    private final InetAddress gateway;
    private final int ssdpPort;
    private final SecureRandom random = new SecureRandom();
    /** The external port granted per internal port: a renewal asks for the same one, a deletion names it. */
    private final Map<Integer, Integer> externalPorts = new HashMap<>();
    private IgdDescription device;
    private InetAddress internalClient;

    UpnpIgdClient(InetAddress gateway, int ssdpPort) {
        this.gateway = gateway;
        this.ssdpPort = ssdpPort;
    }

    /** A SOAP action's outcome: the response element, or the UPnP error code and description of its fault. */
    private record Soap(Element response, int fault, String faultText) {
        boolean failed() {
            return response == null;
        }
    }

    /** The gateway's external address: discovery, description and GetExternalIPAddress, mapping nothing. */
    InetAddress probe() throws PortMapException {
        Deadline d = Deadline.in(GIVE_UP_MILLIS);
        discover(d);
        return externalAddress(d);
    }

    /** Maps UDP {@code internalPort} (suggesting the same external port, or the one granted before). */
    PortMapping map(int internalPort, long lifetimeSeconds) throws PortMapException {
        Deadline d = Deadline.in(GIVE_UP_MILLIS);
        discover(d);
        InetAddress external = externalAddress(d);
        long lease = Math.min(lifetimeSeconds, MAX_LEASE_SECONDS);
        Integer kept = externalPorts.get(internalPort);
        int port;
        if (kept != null) {
            port = kept;
            lease = add(port, internalPort, lease, d);
        } else if (device.version2() && (port = addAny(internalPort, lease, d)) > 0) {
            externalPorts.put(internalPort, port);
        } else {
            List<Integer> tried = new ArrayList<>();
            port = internalPort;
            while (true) {
                tried.add(port);
                Soap s = addPortMapping(port, internalPort, lease, d);
                if (s.failed() && s.fault() == ONLY_PERMANENT_LEASES && lease != 0) {
                    lease = 0;      // an IGDv1 router that grants only "infinite" leases: close deletes it all the same
                    s = addPortMapping(port, internalPort, lease, d);
                }
                if (!s.failed()) {
                    break;
                }
                if (s.fault() != CONFLICT_IN_MAPPING_ENTRY || tried.size() == PORT_TRIES) {
                    throw refused("AddPortMapping", s, s.fault() == CONFLICT_IN_MAPPING_ENTRY ? " (ports tried: "
                            + tried + ")" : "");
                }
                port = DYNAMIC_FIRST + random.nextInt(DYNAMIC_COUNT);
            }
            externalPorts.put(internalPort, port);
        }
        return new PortMapping(PortMapProtocol.UPNP_IGD, internalPort, new InetSocketAddress(external, port), lease);
    }

    /** Deletes the mapping of {@code internalPort}, if this client made one (an absent entry is not an error). */
    void unmap(int internalPort) throws PortMapException {
        Integer port = externalPorts.remove(internalPort);
        if (port == null) {
            return;
        }
        Deadline d = Deadline.in(GIVE_UP_MILLIS);
        discover(d);
        Soap s = soap("DeletePortMapping", d, "NewRemoteHost", "", "NewExternalPort", port.toString(),
                "NewProtocol", UDP);
        if (s.failed() && s.fault() != NO_SUCH_ENTRY) {
            throw refused("DeletePortMapping", s, "");
        }
    }

    /** IGDv2's AddAnyPortMapping: the port the router reserved, or 0 if it does not implement the action. */
    private int addAny(int internalPort, long lease, Deadline d) throws PortMapException {
        Soap s = soap("AddAnyPortMapping", d, mappingArgs(internalPort, internalPort, lease));
        if (s.failed()) {
            if (s.fault() == INVALID_ACTION || s.fault() == OPTIONAL_ACTION_NOT_IMPLEMENTED) {
                return 0;
            }
            throw refused("AddAnyPortMapping", s, "");
        }
        String reserved = UpnpXml.child(s.response(), "NewReservedPort");
        int port = reserved == null ? -1 : parsePort(reserved);
        if (port <= 0) {
            throw new PortMapException(PortMapException.Reason.MALFORMED, "UPnP-IGD: AddAnyPortMapping answered"
                    + " with no valid NewReservedPort ('" + reserved + "')");
        }
        return port;
    }

    /** AddPortMapping for a renewal; returns the lease granted (0 when only permanent ones are). */
    private long add(int port, int internalPort, long lease, Deadline d) throws PortMapException {
        Soap s = addPortMapping(port, internalPort, lease, d);
        if (s.failed() && s.fault() == ONLY_PERMANENT_LEASES && lease != 0) {
            return add(port, internalPort, 0, d);
        }
        if (s.failed()) {
            throw refused("AddPortMapping", s, "");
        }
        return lease;
    }

    private Soap addPortMapping(int port, int internalPort, long lease, Deadline d) throws PortMapException {
        return soap("AddPortMapping", d, mappingArgs(port, internalPort, lease));
    }

    private String[] mappingArgs(int externalPort, int internalPort, long lease) {
        return new String[] {"NewRemoteHost", "", "NewExternalPort", Integer.toString(externalPort),
            "NewProtocol", UDP, "NewInternalPort", Integer.toString(internalPort),
            "NewInternalClient", internalClient.getHostAddress(), "NewEnabled", "1",
            "NewPortMappingDescription", DESCRIPTION, "NewLeaseDuration", Long.toString(lease)};
    }

    private InetAddress externalAddress(Deadline d) throws PortMapException {
        Soap s = soap("GetExternalIPAddress", d);
        if (s.failed()) {
            throw refused("GetExternalIPAddress", s, "");
        }
        String text = UpnpXml.child(s.response(), "NewExternalIPAddress");
        if (text == null || !text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            throw new PortMapException(PortMapException.Reason.MALFORMED, "UPnP-IGD: the router's external address"
                    + " is not an IPv4 address: '" + text + "' (not connected upstream?)");
        }
        try {
            InetAddress a = InetAddress.getByName(text);
            if (!(a instanceof Inet4Address)) {
                throw new java.net.UnknownHostException(text);
            }
            return a;
        } catch (java.net.UnknownHostException e) {
            throw new PortMapException(PortMapException.Reason.MALFORMED, "UPnP-IGD: bad external address '"
                    + text + "'", e);
        }
    }

    /** Finds the gateway's WAN connection service once; later calls reuse it. */
    private void discover(Deadline d) throws PortMapException {
        if (device != null) {
            return;
        }
        java.net.URI location = SsdpSearch.find(gateway, ssdpPort, d);
        UpnpHttp.Response r = UpnpHttp.get(location, d);
        if (r.status() != UpnpHttp.HTTP_OK) {
            throw new PortMapException(PortMapException.Reason.REFUSED, "UPnP-IGD: GET " + location + " answered HTTP "
                    + r.status());
        }
        IgdDescription found = IgdDescription.parse(r.body(), location, gateway);
        internalClient = r.localAddress();
        device = found;
    }

    private Soap soap(String action, Deadline d, String... args) throws PortMapException {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"").append(ENVELOPE_NS)
                .append("\" s:encodingStyle=\"").append(ENCODING).append("\"><s:Body><u:").append(action)
                .append(" xmlns:u=\"").append(device.serviceType()).append("\">");
        for (int i = 0; i < args.length; i += 2) {
            b.append('<').append(args[i]).append('>').append(UpnpXml.escape(args[i + 1])).append("</")
                    .append(args[i]).append('>');
        }
        b.append("</u:").append(action).append("></s:Body></s:Envelope>\r\n");
        UpnpHttp.Response r = UpnpHttp.post(device.control(), device.serviceType() + "#" + action,
                b.toString().getBytes(StandardCharsets.UTF_8), d);
        if (r.status() == UpnpHttp.HTTP_OK) {
            Document doc = UpnpXml.parse(r.body(), action + " response");
            List<Element> e = UpnpXml.all(doc, action + "Response");
            if (e.isEmpty()) {
                throw new PortMapException(PortMapException.Reason.MALFORMED, "UPnP-IGD: the answer to " + action
                        + " has no " + action + "Response");
            }
            return new Soap(e.get(0), 0, null);
        }
        if (r.status() == UpnpHttp.HTTP_SERVER_ERROR) {
            Document doc = UpnpXml.parse(r.body(), action + " fault");
            String code = UpnpXml.first(doc, "errorCode");
            int c = code == null ? -1 : parseNumber(code);
            if (c < 0) {
                throw new PortMapException(PortMapException.Reason.MALFORMED, "UPnP-IGD: " + action
                        + " failed with no UPnP error code");
            }
            String text = UpnpXml.first(doc, "errorDescription");
            return new Soap(null, c, text == null ? "" : text);
        }
        throw new PortMapException(PortMapException.Reason.REFUSED, "UPnP-IGD: " + action + " answered HTTP "
                + r.status());
    }

    private static PortMapException refused(String action, Soap s, String more) {
        // The router's own text is quoted short and printable only: it ends up on a terminal.
        String text = s.faultText().isEmpty() ? ResultCodes.name("UPnP", s.fault())
                : s.faultText().substring(0, Math.min(s.faultText().length(), ResultCodes.MAX_TEXT))
                        .replaceAll("[^\\x20-\\x7e]", "?");
        return new PortMapException(PortMapException.Reason.REFUSED, "UPnP-IGD " + action + " refused: error "
                + s.fault() + " (" + text + ")" + more);
    }

    private static int parsePort(String s) {
        int p = parseNumber(s);
        return p > 0 && p <= 0xffff ? p : -1;
    }

    private static int parseNumber(String s) {
        try {
            return s.length() > ResultCodes.MAX_DIGITS ? -1 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
