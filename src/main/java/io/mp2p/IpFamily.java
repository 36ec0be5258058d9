package io.mp2p;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;

/** IPv4 or IPv6. */
public enum IpFamily {
    IPV4(StandardProtocolFamily.INET),
    IPV6(StandardProtocolFamily.INET6);

    private final ProtocolFamily protocolFamily;

    IpFamily(ProtocolFamily f) {
        this.protocolFamily = f;
    }

    public ProtocolFamily protocolFamily() {
        return protocolFamily;
    }

    /** Whether {@code a} belongs to this family. */
    public boolean matches(InetAddress a) {
        return this == IPV4 ? a instanceof Inet4Address : a instanceof Inet6Address;
    }

    /** "IPv4" or "IPv6", as people write them. */
    @Override
    public String toString() {
        return this == IPV4 ? "IPv4" : "IPv6";
    }

    public static IpFamily of(InetAddress a) {
        return a instanceof Inet4Address ? IPV4 : IPV6;
    }
}
