package io.mp2p.transport;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.mp2p.address.GroupAddresses;

/**
 * Addresses as people write them: {@code 239.192.226.140:41414}, {@code [ff1e::1]:41414} — not
 * {@link InetSocketAddress#toString()}'s {@code /239.192.226.140:41414} or {@code name/addr:port}.
 */
public final class SocketAddresses {
    private SocketAddresses() {
    }

    /** {@code host:port}, the IPv6 literal in brackets; the numeric address even when a name is attached. */
    public static String format(InetSocketAddress a) {
        if (a == null) {
            return "(none)";
        }
        InetAddress ip = a.getAddress();
        if (ip == null) {
            return a.getHostString() + ":" + a.getPort();
        }
        String host = GroupAddresses.toText(ip);
        return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
