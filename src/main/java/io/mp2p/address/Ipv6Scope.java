package io.mp2p.address;

import java.util.Locale;

/**
 * The scope nibble of a derived IPv6 group {@code ff1X::/16} (RFC 4291 §2.7, RFC 7346): how far routers
 * carry the group. An administrator picks a smaller scope to keep every join and every handshake
 * inside a boundary; both ends must use the same scope, since it is part of the address.
 *
 * <pre>{@code
 * Inet6Address g = GroupAddresses.ipv6(key, Ipv6Scope.SITE, GroupEpoch.of(Instant.now()));   // ff15:...
 * Ipv6Scope s = Ipv6Scope.parse("organization");                                            // ORGANIZATION
 * }</pre>
 */
public enum Ipv6Scope {
    /** 2: this link only; routers never forward it. */
    LINK(0x2),
    /** 5: this site, as the site's routers define it. */
    SITE(0x5),
    /** 8: this organization, several sites. */
    ORGANIZATION(0x8),
    /** e: global (the default, as in version 1). */
    GLOBAL(0xe);

    private static final int HEX_RADIX = 16;

    private final int nibble;

    Ipv6Scope(int nibble) {
        this.nibble = nibble;
    }

    /** The 4-bit scope value written in the address. */
    public int nibble() {
        return nibble;
    }

    /** The scope written as {@code nibble}, or null if mp2p does not use that scope. */
    public static Ipv6Scope fromNibble(int nibble) {
        for (Ipv6Scope s : values()) {
            if (s.nibble == nibble) {
                return s;
            }
        }
        return null;
    }

    /**
     * Reads a scope as people write it: its name ({@code link}, {@code site}, {@code organization},
     * {@code global}, any case) or its hex nibble ({@code 2}, {@code 5}, {@code 8}, {@code e}).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Ipv6Scope parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (Ipv6Scope s : values()) {
            if (t.equals(s.name().toLowerCase(Locale.ROOT)) || t.equals(Integer.toHexString(s.nibble))) {
                return s;
            }
        }
        throw new IllegalArgumentException("an IPv6 scope is link (2), site (5), organization (8) or global (e), got '"
                + text + "'");
    }

    /** The name and nibble, e.g. {@code site (5)}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT) + " (" + Integer.toString(nibble, HEX_RADIX) + ")";
    }
}
