package io.mp2p.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import io.mp2p.transport.SocketAddresses;

/** Literal IP addresses only: the tool never resolves names, so a typo cannot become a DNS query. */
final class Addresses {
    private Addresses() {
    }

    /**
     * {@code 239.192.226.140:41414} or {@code [ff1e::1]:41414}: never {@link InetSocketAddress#toString()},
     * which puts a slash in front (and a host name, if one was ever looked up).
     */
    static String format(InetSocketAddress a) {
        return SocketAddresses.format(a);
    }

    /** The address written in {@code text} (IPv4 dotted quad or IPv6, optionally in brackets), or null. */
    static InetAddress parseLiteral(String text) {
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty() || !s.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        if (!s.contains(":")) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                    return null;
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            }
            return byAddress(b);
        }
        try {
            // A string of hex digits, colons and dots is parsed as a literal by InetAddress: no lookup.
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress byAddress(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
