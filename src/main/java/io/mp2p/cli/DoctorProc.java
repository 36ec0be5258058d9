package io.mp2p.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What Linux tells any user about multicast in {@code /proc/net}: the groups each interface has
 * joined ({@code igmp}, {@code igmp6}) and which IGMP version the kernel speaks on it, which shows
 * whether an IGMPv1/v2 querier was heard. Reading raw IGMP or MLD packets would need root.
 */
final class DoctorProc {
    static final Path IGMP = Path.of("/proc/net/igmp");
    static final Path IGMP6 = Path.of("/proc/net/igmp6");
    static final Path UDP = Path.of("/proc/net/udp");
    static final Path UDP6 = Path.of("/proc/net/udp6");
    /** Field of a {@code udp} line holding the local address and port, as {@code 0100007F:A1E6}. */
    private static final int UDP_LOCAL_FIELD = 1;
    private static final int HEX_RADIX = 16;
    /** Fields of an {@code igmp} device line: index, name, ':', count, querier version. */
    private static final int IGMP_DEVICE_FIELDS = 5;
    private static final int IGMP_QUERIER_FIELD = 4;
    /** Fields of an {@code igmp6} line: index, name, group (32 hex digits), users, flags, timer. */
    private static final int IGMP6_FIELDS = 6;
    private static final int IPV6_HEX_DIGITS = 32;
    private static final int IPV4_HEX_DIGITS = 8;

    /** One interface in {@code /proc/net/igmp}: the IGMP version in force ("V1", "V2", "V3") and its groups (hex). */
    record IgmpDevice(String querier, Set<String> groups) {
    }

    private DoctorProc() {
    }

    /** The file's text, or null when it cannot be read (not Linux, or /proc not mounted). */
    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Parses {@code /proc/net/igmp}: a device line ({@code 2\teth0 : 3 V3}) followed by one indented
     * line per group ({@code \t\t\t\tE00000FB 1 0:00000000 0}), the group's 32 bits in hex.
     */
    static Map<String, IgmpDevice> parseIgmp(String text) {
        Map<String, IgmpDevice> out = new HashMap<>();
        IgmpDevice current = null;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("Idx")) {
                continue;
            }
            String[] f = line.strip().split("\\s+");
            if (!Character.isWhitespace(line.charAt(0))) {
                current = null;
                if (f.length >= IGMP_DEVICE_FIELDS && f[2].equals(":")) {
                    current = new IgmpDevice(f[IGMP_QUERIER_FIELD], new HashSet<>());
                    out.put(f[1], current);
                }
            } else if (current != null && f[0].length() == IPV4_HEX_DIGITS) {
                current.groups().add(f[0].toUpperCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** Parses {@code /proc/net/igmp6}: interface name to the groups it joined (32 hex digits each). */
    static Map<String, Set<String>> parseIgmp6(String text) {
        Map<String, Set<String>> out = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == IGMP6_FIELDS && f[2].length() == IPV6_HEX_DIGITS) {
                out.computeIfAbsent(f[1], k -> new HashSet<>()).add(f[2].toUpperCase(Locale.ROOT));
            }
        }
        return out;
    }

    /**
     * Whether {@code group} is in {@code groups} as {@code /proc} writes it. IPv4 groups are printed as a
     * host-order number, so both byte orders are accepted: the file does not say which host wrote it.
     */
    static boolean listed(Set<String> groups, InetAddress group) {
        byte[] b = group.getAddress();
        String forward = HexFormat.of().withUpperCase().formatHex(b);
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return groups.contains(forward) || (b.length == IPV4_HEX_DIGITS / 2
                && groups.contains(HexFormat.of().withUpperCase().formatHex(r)));
    }

    /** How many UDP sockets of this host (IPv4 and IPv6) have {@code port} as their local port; -1 when unreadable. */
    static int socketsOnPort(int port) {
        String v4 = read(UDP);
        String v6 = read(UDP6);
        if (v4 == null && v6 == null) {
            return -1;
        }
        return countPort(v4, port) + countPort(v6, port);
    }

    /** Lines of a {@code /proc/net/udp} text whose local port is {@code port}. */
    static int countPort(String text, int port) {
        if (text == null) {
            return 0;
        }
        int n = 0;
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length <= UDP_LOCAL_FIELD) {
                continue;
            }
            int colon = f[UDP_LOCAL_FIELD].lastIndexOf(':');
            if (colon < 0) {
                continue;
            }
            try {
                if (Integer.parseInt(f[UDP_LOCAL_FIELD].substring(colon + 1), HEX_RADIX) == port) {
                    n++;
                }
            } catch (NumberFormatException e) {
                // The heading line: not a socket.
            }
        }
        return n;
    }
}
