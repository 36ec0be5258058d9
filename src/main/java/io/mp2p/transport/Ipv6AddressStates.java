package io.mp2p.transport;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Whether the kernel lets a socket bind an IPv6 address yet. A new address is "tentative" while
 * duplicate address detection runs (about a second after a link comes up, RFC 4862 §5.4), and a
 * bind to it fails with "Cannot assign requested address". Linux lists each address's flags in
 * {@code /proc/net/if_inet6}; elsewhere every address counts as usable.
 *
 * <pre>{@code
 * Ipv6AddressStates.State s = Ipv6AddressStates.read().of("eth0", address);   // USABLE, TENTATIVE or DUPLICATE
 * }</pre>
 */
public final class Ipv6AddressStates {
    /** Linux's list of IPv6 addresses: address, ifindex, prefix length, scope, flags, interface (hex fields). */
    static final Path PROC_IF_INET6 = Path.of("/proc/net/if_inet6");
    /** IFA_F_TENTATIVE (include/uapi/linux/if_addr.h): duplicate address detection still runs. */
    static final int IFA_F_TENTATIVE = 0x40;
    /** IFA_F_DADFAILED: another host on the link uses this address; it will never become usable. */
    static final int IFA_F_DADFAILED = 0x08;
    /** IFA_F_OPTIMISTIC (RFC 4429): tentative, yet the kernel already lets sockets use it. */
    static final int IFA_F_OPTIMISTIC = 0x04;
    private static final int FIELDS = 6;
    private static final int ADDRESS_HEX_DIGITS = 32;
    private static final int FLAGS_FIELD = 4;
    private static final int NAME_FIELD = 5;
    private static final int HEX_RADIX = 16;

    /** Where an address stands. */
    public enum State {
        /** A socket can bind it. */
        USABLE,
        /** Duplicate address detection is still running: wait. */
        TENTATIVE,
        /** Duplicate address detection failed: another host has this address. */
        DUPLICATE
    }

    private static final Ipv6AddressStates NONE = new Ipv6AddressStates(Map.of());

    /** Flags by "interface/address hex". */
    private final Map<String, Integer> flags;

    private Ipv6AddressStates(Map<String, Integer> flags) {
        this.flags = flags;
    }

    /** The kernel's current flags; on systems without {@code /proc/net/if_inet6}, every address is usable. */
    public static Ipv6AddressStates read() {
        try {
            return parse(Files.readString(PROC_IF_INET6, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return NONE;
        }
    }

    /** Parses the text of {@code /proc/net/if_inet6}; lines that do not fit the format are skipped. */
    static Ipv6AddressStates parse(String text) {
        Map<String, Integer> m = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length != FIELDS || f[0].length() != ADDRESS_HEX_DIGITS) {
                continue;
            }
            try {
                m.put(key(f[NAME_FIELD], f[0]), Integer.parseInt(f[FLAGS_FIELD], HEX_RADIX));
            } catch (NumberFormatException e) {
                // Not a line of this format: ignore it rather than guess.
            }
        }
        return new Ipv6AddressStates(m);
    }

    /** The state of {@code address} on the interface named {@code interfaceName}; IPv4 addresses are usable. */
    public State of(String interfaceName, InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return State.USABLE;
        }
        Integer f = flags.get(key(interfaceName, HexFormat.of().formatHex(address.getAddress())));
        if (f == null) {
            return State.USABLE;
        }
        if ((f & IFA_F_DADFAILED) != 0) {
            return State.DUPLICATE;
        }
        if ((f & IFA_F_TENTATIVE) != 0 && (f & IFA_F_OPTIMISTIC) == 0) {
            return State.TENTATIVE;
        }
        return State.USABLE;
    }

    private static String key(String interfaceName, String addressHex) {
        return interfaceName + "/" + addressHex.toLowerCase(java.util.Locale.ROOT);
    }
}
