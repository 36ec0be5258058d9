package io.mp2p.portmap;

/** The port mapping protocols this client speaks, both to the gateway's UDP port 5351 (spec/PORTMAP.md). */
public enum PortMapProtocol {
    /** Port Control Protocol, RFC 6887 (version 2): tried first. */
    PCP,
    /** NAT Port Mapping Protocol, RFC 6886 (version 0): the fallback a PCP request's answer asks for. */
    NAT_PMP
}
