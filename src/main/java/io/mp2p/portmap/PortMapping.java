package io.mp2p.portmap;

import java.net.InetSocketAddress;

/**
 * A UDP port mapping the gateway granted: packets to {@code external} reach our {@code internalPort}
 * for {@code lifetimeSeconds} from when it was granted.
 *
 * @param protocol which protocol made it
 * @param internalPort our UDP port
 * @param external the gateway's external address and the port it assigned
 * @param lifetimeSeconds how long the mapping lives unless renewed
 */
public record PortMapping(PortMapProtocol protocol, int internalPort, InetSocketAddress external,
                          long lifetimeSeconds) {
}
