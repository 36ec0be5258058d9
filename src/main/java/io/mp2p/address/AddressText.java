package io.mp2p.address;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Addresses as text for people: IPv6 in RFC 5952 form ({@code ff1e::1234}, not {@code ff1e:0:0:0:0:0:0:1234}). */
public final class AddressText {
    private AddressText() {
    }

    /** The numeric address; IPv6 in RFC 5952 canonical form, with its {@code %scope} if it has one. */
    public static String format(InetAddress ip) {
        if (ip instanceof Inet6Address v6) {
            String text = IPv6.format(v6.getAddress());
            int scope = v6.getScopeId();
            if (v6.getScopedInterface() != null) {
                return text + "%" + v6.getScopedInterface().getName();
            }
            return scope != 0 ? text + "%" + scope : text;
        }
        return ip.getHostAddress();
    }
}
