package io.mp2p.address;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.mp2p.crypto.RandomSource;
import io.mp2p.identity.PeerKey;

/**
 * The multicast groups on which an mp2p node listens, derived from its public key or chosen at random
 * (see {@code spec/ADDRESSING.md}). All methods are pure functions of their arguments and do no I/O.
 *
 * <pre>{@code
 * PeerKey peer = PeerKey.parse("3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29");
 * Inet6Address v6 = GroupAddresses.ipv6(peer);   // ff1e:...
 * Inet4Address v4 = GroupAddresses.ipv4(peer);   // 224.0.2xx.yyy
 * boolean ours = GroupAddresses.isMp2pGroup(v4); // true
 * }</pre>
 */
public final class GroupAddresses {
    /** UDP port a node listens on unless configured (PROTOCOL.md §3). */
    public static final int DEFAULT_PORT = 41414;

    /** Domain separation prefix hashed before the key. */
    public static final String GROUP_HASH_LABEL = "mp2p-group-v1";

    /** First byte of every IPv6 multicast address (RFC 4291 §2.7). */
    public static final int IPV6_MULTICAST_BYTE = 0xff;
    /** Flags T=1 (transient, not IANA-assigned), scope 0xe (global): ff1e::/16. */
    public static final int TRANSIENT_GLOBAL_FLAGS_SCOPE = 0x1e;
    /** Flags P=1, T=1 (unicast-prefix-based, RFC 3306), scope 0xe (global): ff3e::/16. */
    public static final int PREFIX_BASED_GLOBAL_FLAGS_SCOPE = 0x3e;
    /** Number of hash bytes that fill the group ID of an ff1e group (112 bits). */
    public static final int IPV6_GROUP_ID_BYTES = 14;

    /** First octet of the mp2p IPv4 range 224.0.224.0–224.0.249.255. */
    public static final int IPV4_FIRST_OCTET = 224;
    /** Second octet of the mp2p IPv4 range. */
    public static final int IPV4_SECOND_OCTET = 0;
    /** Third octet of the first /24 in the mp2p IPv4 range. */
    public static final int IPV4_FIRST_THIRD_OCTET = 224;
    /** Number of /24 blocks in the mp2p IPv4 range (224.0.224.0 to 224.0.249.255). */
    public static final int IPV4_BLOCKS = 26;
    /** Addresses per /24 block. */
    public static final int IPV4_BLOCK_SIZE = 256;
    /** Number of addresses in the mp2p IPv4 range: 26 × 256. */
    public static final int IPV4_RANGE_SIZE = IPV4_BLOCKS * IPV4_BLOCK_SIZE;
    /** Offset of the 4 hash bytes that pick the IPv4 group. */
    public static final int IPV4_HASH_OFFSET = 14;

    /** Smallest RFC 3306 prefix length accepted. */
    public static final int MIN_PREFIX_LENGTH = 1;
    /** Largest RFC 3306 prefix length: the network prefix field is 64 bits (RFC 3306 §4). */
    public static final int MAX_PREFIX_LENGTH = 64;
    /** Offset of the 4 hash bytes that form the RFC 3306 group ID. */
    public static final int GROUP_ID_HASH_OFFSET = 18;
    /** RFC 3307 §4.3: group IDs 0x80000000–0xFFFFFFFF are for dynamic allocation by hosts. */
    public static final int DYNAMIC_GROUP_ID_BIT = 0x80000000;

    /** Byte offsets inside an RFC 3306 address. */
    private static final int RESERVED_OFFSET = 2;
    private static final int PLEN_OFFSET = 3;
    private static final int NETWORK_PREFIX_OFFSET = 4;
    private static final int NETWORK_PREFIX_BYTES = 8;
    private static final int GROUP_ID_OFFSET = 12;
    private static final int GROUP_ID_BYTES = 4;
    /** Global unicast space 2000::/3: the top three bits of the first byte are 001. */
    private static final int GLOBAL_UNICAST_MASK = 0xe0;
    private static final int GLOBAL_UNICAST_VALUE = 0x20;
    private static final int BYTE_MASK = 0xff;
    /** Two random bytes give 0..65535; values at or above the largest multiple of the range are redrawn. */
    private static final int RANDOM_IPV4_SPACE = 1 << 16;
    private static final int RANDOM_IPV4_LIMIT = RANDOM_IPV4_SPACE - RANDOM_IPV4_SPACE % IPV4_RANGE_SIZE;

    private static final byte[] LABEL = GROUP_HASH_LABEL.getBytes(StandardCharsets.US_ASCII);

    private GroupAddresses() {
    }

    /** H = SHA-256(ASCII("mp2p-group-v1") || key), the hash every derived group is cut from. */
    static byte[] groupHash(PeerKey key) {
        return groupHash(key.encoded());
    }

    /** {@link #groupHash(PeerKey)} over raw key bytes, so that tests can sample hash inputs without key generation. */
    static byte[] groupHash(byte[] key) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256 (MessageDigest Javadoc).
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        sha256.update(LABEL);
        sha256.update(key);
        return sha256.digest();
    }

    /** The key's transient global IPv6 group: ff1e followed by the first 112 bits of H. */
    public static Inet6Address ipv6(PeerKey key) {
        return ipv6(key.encoded());
    }

    static Inet6Address ipv6(byte[] key) {
        byte[] h = groupHash(key);
        byte[] addr = new byte[IPv6.LENGTH];
        addr[0] = (byte) IPV6_MULTICAST_BYTE;
        addr[1] = (byte) TRANSIENT_GLOBAL_FLAGS_SCOPE;
        System.arraycopy(h, 0, addr, 2, IPV6_GROUP_ID_BYTES);
        return IPv6.of(addr);
    }

    /**
     * The key's IPv4 group in 224.0.224.0–224.0.249.255. Only 6656 groups exist, so keys collide;
     * that is expected and harmless, since mac1 lets a node drop other nodes' packets cheaply.
     */
    public static Inet4Address ipv4(PeerKey key) {
        return ipv4(key.encoded());
    }

    static Inet4Address ipv4(byte[] key) {
        byte[] h = groupHash(key);
        long word = uint32(h, IPV4_HASH_OFFSET);
        return ipv4Group((int) (word % IPV4_RANGE_SIZE));
    }

    /**
     * The key's RFC 3306 unicast-prefix-based group ff3e:00pp:&lt;prefix 64&gt;:&lt;group id 32&gt;,
     * where pp is {@code prefixLength} and the group ID is bytes 18..22 of H with its top bit set.
     *
     * @param prefix a global unicast address (2000::/3) inside the network that owns the group
     * @param prefixLength that network's prefix length, 1..64
     * @throws AddressException if the prefix length is out of range or the prefix is not global unicast
     */
    public static Inet6Address unicastPrefixBased(PeerKey key, Inet6Address prefix, int prefixLength)
            throws AddressException {
        return unicastPrefixBased(key.encoded(), prefix, prefixLength);
    }

    static Inet6Address unicastPrefixBased(byte[] key, Inet6Address prefix, int prefixLength) throws AddressException {
        byte[] h = groupHash(key);
        return prefixBased(prefix, prefixLength, (int) uint32(h, GROUP_ID_HASH_OFFSET));
    }

    /** A self-chosen ff1e group: 112 random bits after ff1e. */
    public static Inet6Address randomIpv6(RandomSource random) {
        byte[] addr = new byte[IPv6.LENGTH];
        byte[] bits = new byte[IPV6_GROUP_ID_BYTES];
        random.nextBytes(bits);
        addr[0] = (byte) IPV6_MULTICAST_BYTE;
        addr[1] = (byte) TRANSIENT_GLOBAL_FLAGS_SCOPE;
        System.arraycopy(bits, 0, addr, 2, IPV6_GROUP_ID_BYTES);
        return IPv6.of(addr);
    }

    /** A self-chosen group drawn uniformly from 224.0.224.0–224.0.249.255 (rejection sampling). */
    public static Inet4Address randomIpv4(RandomSource random) {
        byte[] two = new byte[2];
        int value;
        do {
            random.nextBytes(two);
            value = ((two[0] & BYTE_MASK) << Byte.SIZE) | (two[1] & BYTE_MASK);
        } while (value >= RANDOM_IPV4_LIMIT);
        return ipv4Group(value % IPV4_RANGE_SIZE);
    }

    /**
     * A self-chosen RFC 3306 group under {@code prefix}/{@code prefixLength} with a random dynamic
     * group ID (top bit set, 31 random bits).
     *
     * @throws AddressException as {@link #unicastPrefixBased}
     */
    public static Inet6Address randomUnicastPrefixBased(RandomSource random, Inet6Address prefix, int prefixLength)
            throws AddressException {
        byte[] id = new byte[GROUP_ID_BYTES];
        random.nextBytes(id);
        return prefixBased(prefix, prefixLength, (int) uint32(id, 0));
    }

    /**
     * Whether {@code address} lies in a range mp2p uses: ff1e::/16; ff3e::/16 with reserved byte 0 and
     * a prefix length 1..64; or 224.0.224.0–224.0.249.255. A null address is not a group.
     */
    public static boolean isMp2pGroup(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] a = address.getAddress();
        if (address instanceof Inet4Address) {
            int third = a[2] & BYTE_MASK;
            return (a[0] & BYTE_MASK) == IPV4_FIRST_OCTET && (a[1] & BYTE_MASK) == IPV4_SECOND_OCTET
                    && third >= IPV4_FIRST_THIRD_OCTET && third < IPV4_FIRST_THIRD_OCTET + IPV4_BLOCKS;
        }
        if (a.length != IPv6.LENGTH || (a[0] & BYTE_MASK) != IPV6_MULTICAST_BYTE) {
            return false;
        }
        int flagsScope = a[1] & BYTE_MASK;
        if (flagsScope == TRANSIENT_GLOBAL_FLAGS_SCOPE) {
            return true;
        }
        if (flagsScope == PREFIX_BASED_GLOBAL_FLAGS_SCOPE) {
            int plen = a[PLEN_OFFSET] & BYTE_MASK;
            return a[RESERVED_OFFSET] == 0 && plen >= MIN_PREFIX_LENGTH && plen <= MAX_PREFIX_LENGTH;
        }
        return false;
    }

    /**
     * The canonical text of an address: dotted quad for IPv4, RFC 5952 (lowercase, "::" for the longest
     * zero run) for IPv6. {@code InetAddress.getHostAddress()} does not compress IPv6.
     */
    public static String toText(InetAddress address) {
        return address instanceof Inet4Address ? address.getHostAddress() : IPv6.format(address.getAddress());
    }

    private static Inet6Address prefixBased(Inet6Address prefix, int prefixLength, int groupId)
            throws AddressException {
        if (prefix == null) {
            throw new AddressException(AddressException.Reason.MISSING, "a unicast network prefix is required");
        }
        if (prefixLength < MIN_PREFIX_LENGTH || prefixLength > MAX_PREFIX_LENGTH) {
            throw new AddressException(AddressException.Reason.PREFIX_LENGTH, "an RFC 3306 prefix length is "
                    + MIN_PREFIX_LENGTH + " to " + MAX_PREFIX_LENGTH + ", got " + prefixLength);
        }
        byte[] p = prefix.getAddress();
        if ((p[0] & GLOBAL_UNICAST_MASK) != GLOBAL_UNICAST_VALUE) {
            throw new AddressException(AddressException.Reason.NOT_GLOBAL_UNICAST, "the network prefix "
                    + IPv6.format(p) + " is not a global unicast address (2000::/3)");
        }
        byte[] addr = new byte[IPv6.LENGTH];
        addr[0] = (byte) IPV6_MULTICAST_BYTE;
        addr[1] = (byte) PREFIX_BASED_GLOBAL_FLAGS_SCOPE;
        addr[RESERVED_OFFSET] = 0;
        addr[PLEN_OFFSET] = (byte) prefixLength;
        for (int i = 0; i < NETWORK_PREFIX_BYTES; i++) {
            int bitsLeft = prefixLength - i * Byte.SIZE;
            int mask = bitsLeft >= Byte.SIZE ? BYTE_MASK : bitsLeft <= 0 ? 0 : (BYTE_MASK << (Byte.SIZE - bitsLeft)) & BYTE_MASK;
            addr[NETWORK_PREFIX_OFFSET + i] = (byte) (p[i] & mask);
        }
        int id = groupId | DYNAMIC_GROUP_ID_BIT;
        for (int i = 0; i < GROUP_ID_BYTES; i++) {
            addr[GROUP_ID_OFFSET + i] = (byte) (id >>> (Byte.SIZE * (GROUP_ID_BYTES - 1 - i)));
        }
        return IPv6.of(addr);
    }

    private static Inet4Address ipv4Group(int n) {
        byte[] addr = {(byte) IPV4_FIRST_OCTET, (byte) IPV4_SECOND_OCTET,
                (byte) (IPV4_FIRST_THIRD_OCTET + n / IPV4_BLOCK_SIZE), (byte) (n % IPV4_BLOCK_SIZE)};
        try {
            return (Inet4Address) InetAddress.getByAddress(addr);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }

    private static long uint32(byte[] b, int offset) {
        long v = 0;
        for (int i = 0; i < Integer.BYTES; i++) {
            v = (v << Byte.SIZE) | (b[offset + i] & BYTE_MASK);
        }
        return v;
    }
}
