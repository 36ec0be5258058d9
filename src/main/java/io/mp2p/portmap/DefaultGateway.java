package io.mp2p.portmap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The IPv4 default router of one interface, read from Linux's routing table ({@code /proc/net/route}
 * of the caller's network namespace): where PCP and NAT-PMP requests go (spec/PORTMAP.md §2).
 *
 * <pre>{@code
 * InetAddress gw = DefaultGateway.ipv4("lan0");   // null: no default route on lan0 (or not Linux)
 * }</pre>
 */
public final class DefaultGateway {
    static final Path ROUTES = Path.of("/proc/net/route");
    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;
    private static final int HEX = 16;
    private static final int IFACE = 0;
    private static final int DESTINATION = 1;
    private static final int GATEWAY = 2;
    private static final int FLAGS = 3;
    private static final int MASK = 7;
    private static final int MIN_FIELDS = 8;
    private static final int BYTE_BITS = 8;
    private static final int BYTE_MASK = 0xff;
    private static final int IPV4_LENGTH = 4;

    private DefaultGateway() {
    }

    /** The default IPv4 router via {@code iface}, or null if there is none or the table cannot be read. */
    public static InetAddress ipv4(String iface) {
        try {
            return parse(Files.readAllLines(ROUTES), iface);
        } catch (IOException e) {
            return null;
        }
    }

    /** The default router via {@code iface} in the lines of a {@code /proc/net/route} table, or null. */
    static InetAddress parse(List<String> lines, String iface) {
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < MIN_FIELDS || !f[IFACE].equals(iface)) {
                continue;
            }
            try {
                long dest = Long.parseLong(f[DESTINATION], HEX);
                long mask = Long.parseLong(f[MASK], HEX);
                int flags = Integer.parseInt(f[FLAGS], HEX);
                if (dest == 0 && mask == 0 && (flags & (RTF_UP | RTF_GATEWAY)) == (RTF_UP | RTF_GATEWAY)) {
                    return littleEndian(Long.parseLong(f[GATEWAY], HEX));
                }
            } catch (NumberFormatException e) {
                // The header line, or a line this parser does not know: not a route.
            }
        }
        return null;
    }

    /** The kernel prints the address as a host-order (little-endian on x86/arm) 32-bit hex number. */
    private static InetAddress littleEndian(long v) {
        byte[] a = new byte[IPV4_LENGTH];
        for (int i = 0; i < IPV4_LENGTH; i++) {
            a[i] = (byte) ((v >> (BYTE_BITS * i)) & BYTE_MASK);
        }
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }
}
