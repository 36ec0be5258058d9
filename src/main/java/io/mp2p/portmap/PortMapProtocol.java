package io.mp2p.portmap;

/** The port mapping protocols this client speaks, in the order tried (spec/PORTMAP.md). */
public enum PortMapProtocol {
    /** Port Control Protocol, RFC 6887 (version 2): tried first. */
    PCP("PCP"),
    /** NAT Port Mapping Protocol, RFC 6886 (version 0): the fallback a PCP request's answer asks for. */
    NAT_PMP("NAT-PMP"),
    /** UPnP Internet Gateway Device (IGDv1/IGDv2, WANIPConnection:1/2, WANPPPConnection:1): tried last. */
    UPNP_IGD("UPnP-IGD");

    private final String displayName;

    PortMapProtocol(String displayName) {
        this.displayName = displayName;
    }

    /** The protocol's name as its specification writes it (what the tool prints). */
    public String displayName() {
        return displayName;
    }
}
