package io.mp2p;

import java.net.InetSocketAddress;
import java.util.Objects;

import io.mp2p.address.GroupAddresses;

/**
 * Where a session's packets to the peer go now (spec/PROTOCOL.md §6.10): to the peer's multicast
 * group, or to one of its unicast endpoints. It can change during a session: an authenticated
 * packet from a new unicast source moves a unicast session there.
 *
 * <pre>{@code
 * PeerSession s = channel.connect(peer, group, endpoints);
 * System.out.println("connected via " + s.path());   // "connected via unicast [2001:db8::2]:41415"
 * }</pre>
 *
 * @param kind group or unicast
 * @param address the group and port, or the unicast address and port
 */
public record SessionPath(Kind kind, InetSocketAddress address) {
    /** The two kinds of path. */
    public enum Kind {
        /** The peer's multicast group: the path mp2p always had. */
        GROUP,
        /** A unicast address of the peer: from its node record, or the source its packets came from. */
        UNICAST
    }

    public SessionPath {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
    }

    /** The path to {@code address}: a group if it is multicast, else unicast. */
    public static SessionPath of(InetSocketAddress address) {
        return new SessionPath(address.getAddress() != null && address.getAddress().isMulticastAddress()
                ? Kind.GROUP : Kind.UNICAST, address);
    }

    /** {@code unicast [2001:db8::2]:41415} or {@code group 239.192.0.8:41414}. */
    @Override
    public String toString() {
        String host = address.getAddress() == null ? address.getHostString()
                : GroupAddresses.toText(address.getAddress());
        boolean v6 = host.indexOf(':') >= 0;
        return (kind == Kind.GROUP ? "group " : "unicast ") + (v6 ? "[" + host + "]" : host) + ':' + address.getPort();
    }
}
