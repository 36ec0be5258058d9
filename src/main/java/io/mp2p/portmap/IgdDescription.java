package io.mp2p.portmap;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The WAN connection service found in a gateway's device description (spec/PORTMAP.md §5.2): the
 * first of WANIPConnection:2, WANIPConnection:1, WANPPPConnection:1, and its control URL, resolved
 * against URLBase or the description's own URL, which must be on the gateway too.
 *
 * @param serviceType the service's URN, which SOAP actions are addressed to
 * @param control where SOAP actions are posted
 */
record IgdDescription(String serviceType, URI control) {
    /** In order of preference: IGDv2's service first (it has AddAnyPortMapping). */
    static final List<String> SERVICES = List.of("urn:schemas-upnp-org:service:WANIPConnection:2",
            "urn:schemas-upnp-org:service:WANIPConnection:1", "urn:schemas-upnp-org:service:WANPPPConnection:1");

    /** Whether the service is IGDv2's WANIPConnection:2 (AddAnyPortMapping, leases limited to a week). */
    boolean version2() {
        return serviceType.equals(SERVICES.get(0));
    }

    /** The service in {@code xml}, fetched from {@code location} on {@code gateway}, or why not. */
    static IgdDescription parse(byte[] xml, URI location, InetAddress gateway) throws PortMapException {
        Document doc = UpnpXml.parse(xml, "device description");
        String base = UpnpXml.first(doc, "URLBase");
        List<Element> services = UpnpXml.all(doc, "service");
        for (String wanted : SERVICES) {
            for (Element s : services) {
                if (!wanted.equals(UpnpXml.child(s, "serviceType"))) {
                    continue;
                }
                String control = UpnpXml.child(s, "controlURL");
                if (control == null || control.isEmpty()) {
                    throw new PortMapException(PortMapException.Reason.MALFORMED, "UPnP-IGD: the service " + wanted
                            + " has no controlURL");
                }
                URI resolved;
                try {
                    URI against = base == null || base.isEmpty() ? location : new URI(base);
                    resolved = against.resolve(control);
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    throw new PortMapException(PortMapException.Reason.MALFORMED, "UPnP-IGD: bad control URL '"
                            + control + "' (base '" + base + "')", e);
                }
                URI checked = SsdpSearch.onGateway(resolved.toString(), gateway);
                if (checked == null) {
                    throw new PortMapException(PortMapException.Reason.NOT_GATEWAY, "UPnP-IGD: the control URL "
                            + resolved + " is not on the gateway " + gateway.getHostAddress() + "; refused");
                }
                return new IgdDescription(wanted, checked);
            }
        }
        throw new PortMapException(PortMapException.Reason.UNSUPPORTED, "UPnP-IGD: the gateway's device description"
                + " offers none of " + SERVICES);
    }
}
