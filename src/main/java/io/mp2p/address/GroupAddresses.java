package io.mp2p.address;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.random.RandomGenerator;

import io.mp2p.identity.PeerKey;

/**
 * The multicast groups on which an mp2p node listens, derived from its public key (and, for groups
 * that change daily, a {@link GroupEpoch}) or chosen at random (see {@code spec/ADDRESSING.md}). All
 * methods are pure functions of their arguments: no I/O, no clock.
 *
 * <pre>{@code
 * PeerKey peer = PeerKey.parse("3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29");
 * GroupEpoch today = GroupEpoch.of(Instant.now());
 * Inet4Address v4 = GroupAddresses.ipv4(peer, today);                    // 239.192.0.0-239.195.254.255
 * Inet6Address v6 = GroupAddresses.ipv6(peer, Ipv6Scope.SITE, today);    // ff15:...
 * Inet4Address fixed = GroupAddresses.ipv4(peer);                        // the static group: 239.193.71.249
 * boolean ours = GroupAddresses.isMp2pGroup(v4);                         // true
 * }</pre>
 */
public final class GroupAddresses {
    /** UDP port a node listens on unless configured (PROTOCOL.md §3). */
    public static final int DEFAULT_PORT = 41414;

    /** Domain separation label of the static group hash (key only). */
    public static final String GROUP_HASH_LABEL = "mp2p-group-v1";
    /** Domain separation label of the epoch group hash (key and epoch). */
    public static final String EPOCH_GROUP_HASH_LABEL = "mp2p-group-epoch-v1";

    /** First byte of every IPv6 multicast address (RFC 4291 §2.7). */
    public static final int IPV6_MULTICAST_BYTE = 0xff;
    /** Flags nibble T=1 (transient: not IANA-assigned), shifted into the high half of byte 1: ff1X::/16. */
    public static final int TRANSIENT_FLAGS = 0x10;
    /** Flags T=1 and scope e (global): ff1e::/16, the default derived IPv6 group. */
    public static final int TRANSIENT_GLOBAL_FLAGS_SCOPE = TRANSIENT_FLAGS | 0xe;
    /** Flags P=1, T=1 (unicast-prefix-based, RFC 3306), scope 0xe (global): ff3e::/16. */
    public static final int PREFIX_BASED_GLOBAL_FLAGS_SCOPE = 0x3e;
    /** Number of hash bytes that fill the group ID of an ff1X group (112 bits). */
    public static final int IPV6_GROUP_ID_BYTES = 14;

    /** 239.192.0.0/14, the IPv4 organization-local scope (RFC 2365 §6.2), as a 32-bit number. */
    public static final int IPV4_PREFIX = 0xefc00000;
    /** Length of the organization-local prefix. */
    public static final int IPV4_PREFIX_LENGTH = 14;
    /** Address bits below the prefix: 18, all inside the 23 bits an Ethernet MAC carries (RFC 1112 §6.4). */
    public static final int IPV4_FREE_BITS = Integer.SIZE - IPV4_PREFIX_LENGTH;
    /** RFC 2365 §9: the highest /24 of every administrative scope is kept for relative assignments. */
    public static final int IPV4_RELATIVE_BLOCK = 256;
    /** Number of mp2p IPv4 groups: 2^18 - 256 = 261,888 (239.192.0.0 to 239.195.254.255). */
    public static final int IPV4_RANGE_SIZE = (1 << IPV4_FREE_BITS) - IPV4_RELATIVE_BLOCK;
    /** The mp2p ranges in words, for messages that refuse an address. */
    public static final String RANGES_TEXT = "ff12::/16, ff15::/16, ff18::/16, ff1e::/16, ff3e::/16 with prefix length"
            + " 1..64, or 239.192.0.0-239.195.254.255";
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
    private static final int NIBBLE_MASK = 0x0f;
    private static final int FLAGS_MASK = 0xf0;
    private static final long UINT32_MASK = 0xffffffffL;
    private static final int IPV4_FREE_MASK = (1 << IPV4_FREE_BITS) - 1;
    private static final int IPV4_LENGTH = 4;
    /** A self-chosen IPv4 group draws 3 bytes and keeps their low 18 bits. */
    private static final int RANDOM_IPV4_BYTES = 3;

    private static final byte[] LABEL = GROUP_HASH_LABEL.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EPOCH_LABEL = EPOCH_GROUP_HASH_LABEL.getBytes(StandardCharsets.US_ASCII);

    private GroupAddresses() {
    }

    // ------------------------------------------------------------------ the hashes (§1)

    /** The static hash SHA-256(ASCII("mp2p-group-v1") || key): the groups that never change. */
    static byte[] groupHash(byte[] key) {
        MessageDigest sha256 = sha256();
        sha256.update(LABEL);
        sha256.update(key);
        return sha256.digest();
    }

    /** The epoch hash SHA-256(ASCII("mp2p-group-epoch-v1") || key || int64_be(epoch)): the groups of one day. */
    static byte[] epochHash(byte[] key, GroupEpoch epoch) {
        MessageDigest sha256 = sha256();
        sha256.update(EPOCH_LABEL);
        sha256.update(key);
        long day = epoch.day();
        for (int shift = Long.SIZE - Byte.SIZE; shift >= 0; shift -= Byte.SIZE) {
            sha256.update((byte) (day >>> shift));
        }
        return sha256.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256 (MessageDigest Javadoc).
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    // ------------------------------------------------------------------ IPv6 ff1X (§3.1)

    /** The key's static IPv6 group of global scope: ff1e followed by the first 112 bits of the static hash. */
    public static Inet6Address ipv6(PeerKey key) {
        return ipv6(key, Ipv6Scope.GLOBAL);
    }

    /** The key's static IPv6 group of {@code scope}: ff1X followed by the first 112 bits of the static hash. */
    public static Inet6Address ipv6(PeerKey key, Ipv6Scope scope) {
        return ipv6FromHash(groupHash(key.encoded()), scope);
    }

    /** The key's IPv6 group of {@code scope} for {@code epoch}: ff1X followed by 112 bits of the epoch hash. */
    public static Inet6Address ipv6(PeerKey key, Ipv6Scope scope, GroupEpoch epoch) {
        return ipv6FromHash(epochHash(key.encoded(), Objects.requireNonNull(epoch, "epoch")), scope);
    }

    /** {@link #ipv6(PeerKey)} over raw key bytes, so that tests can sample hash inputs without key generation. */
    static Inet6Address ipv6(byte[] key) {
        return ipv6FromHash(groupHash(key), Ipv6Scope.GLOBAL);
    }

    private static Inet6Address ipv6FromHash(byte[] h, Ipv6Scope scope) {
        byte[] addr = new byte[IPv6.LENGTH];
        addr[0] = (byte) IPV6_MULTICAST_BYTE;
        addr[1] = (byte) (TRANSIENT_FLAGS | Objects.requireNonNull(scope, "scope").nibble());
        System.arraycopy(h, 0, addr, 2, IPV6_GROUP_ID_BYTES);
        return IPv6.of(addr);
    }

    // ------------------------------------------------------------------ IPv4 239.192.0.0/14 (§3.2)

    /**
     * The key's static IPv4 group: 239.192.0.0 + (uint32(H[14..18)) mod 261,888). 261,888 groups, each
     * with its own Ethernet MAC; keys that share one are harmless, since mac1 lets a node drop other
     * nodes' packets after one hash.
     */
    public static Inet4Address ipv4(PeerKey key) {
        return ipv4(key.encoded());
    }

    /** The key's IPv4 group for {@code epoch}, cut from the epoch hash as {@link #ipv4(PeerKey)} is from the static one. */
    public static Inet4Address ipv4(PeerKey key, GroupEpoch epoch) {
        return ipv4FromHash(epochHash(key.encoded(), Objects.requireNonNull(epoch, "epoch")));
    }

    static Inet4Address ipv4(byte[] key) {
        return ipv4FromHash(groupHash(key));
    }

    private static Inet4Address ipv4FromHash(byte[] h) {
        return ipv4FromWord(uint32(h, IPV4_HASH_OFFSET));
    }

    /** The group for a 32-bit hash word: the word reduced modulo the range size, added to 239.192.0.0. */
    static Inet4Address ipv4FromWord(long word) {
        return ipv4Group((int) ((word & UINT32_MASK) % IPV4_RANGE_SIZE));
    }

    // ------------------------------------------------------------------ RFC 3306 ff3e (§3.3)

    /**
     * The key's static RFC 3306 unicast-prefix-based group ff3e:00pp:&lt;prefix 64&gt;:&lt;group id 32&gt;,
     * where pp is {@code prefixLength} and the group ID is bytes 18..22 of the static hash with its top bit set.
     *
     * @param prefix a global unicast address (2000::/3) inside the network that owns the group
     * @param prefixLength that network's prefix length, 1..64
     * @throws AddressException if the prefix length is out of range or the prefix is not global unicast
     */
    public static Inet6Address unicastPrefixBased(PeerKey key, Inet6Address prefix, int prefixLength)
            throws AddressException {
        return unicastPrefixBased(key.encoded(), prefix, prefixLength);
    }

    /**
     * As {@link #unicastPrefixBased(PeerKey, Inet6Address, int)}, the group ID cut from the epoch hash.
     *
     * @throws AddressException as there
     */
    public static Inet6Address unicastPrefixBased(PeerKey key, Inet6Address prefix, int prefixLength, GroupEpoch epoch)
            throws AddressException {
        byte[] h = epochHash(key.encoded(), Objects.requireNonNull(epoch, "epoch"));
        return prefixBased(prefix, prefixLength, (int) uint32(h, GROUP_ID_HASH_OFFSET));
    }

    static Inet6Address unicastPrefixBased(byte[] key, Inet6Address prefix, int prefixLength) throws AddressException {
        byte[] h = groupHash(key);
        return prefixBased(prefix, prefixLength, (int) uint32(h, GROUP_ID_HASH_OFFSET));
    }

    // ------------------------------------------------------------------ self-chosen groups (§3.4)

    /** A self-chosen ff1e group: 112 random bits after ff1e. */
    public static Inet6Address randomIpv6(RandomGenerator random) {
        return randomIpv6(random, Ipv6Scope.GLOBAL);
    }

    /** A self-chosen ff1X group of {@code scope}: 112 random bits after ff1X. */
    public static Inet6Address randomIpv6(RandomGenerator random, Ipv6Scope scope) {
        byte[] bits = new byte[IPV6_GROUP_ID_BYTES];
        random.nextBytes(bits);
        return ipv6FromHash(bits, scope);
    }

    /**
     * A self-chosen group drawn uniformly from 239.192.0.0–239.195.254.255: the low 18 bits of 3 random
     * bytes, redrawn while they fall in the reserved top /24 (never folded, which would bias the result).
     */
    public static Inet4Address randomIpv4(RandomGenerator random) {
        byte[] three = new byte[RANDOM_IPV4_BYTES];
        int value;
        do {
            random.nextBytes(three);
            value = (((three[0] & BYTE_MASK) << (2 * Byte.SIZE)) | ((three[1] & BYTE_MASK) << Byte.SIZE)
                    | (three[2] & BYTE_MASK)) & IPV4_FREE_MASK;
        } while (value >= IPV4_RANGE_SIZE);
        return ipv4Group(value);
    }

    /**
     * A self-chosen RFC 3306 group under {@code prefix}/{@code prefixLength} with a random dynamic
     * group ID (top bit set, 31 random bits).
     *
     * @throws AddressException as {@link #unicastPrefixBased(PeerKey, Inet6Address, int)}
     */
    public static Inet6Address randomUnicastPrefixBased(RandomGenerator random, Inet6Address prefix, int prefixLength)
            throws AddressException {
        byte[] id = new byte[GROUP_ID_BYTES];
        random.nextBytes(id);
        return prefixBased(prefix, prefixLength, (int) uint32(id, 0));
    }

    // ------------------------------------------------------------------ ranges (§5)

    /**
     * Whether {@code address} lies in a range mp2p uses: ff12, ff15, ff18 or ff1e::/16; ff3e::/16 with
     * reserved byte 0 and a prefix length 1..64; or 239.192.0.0–239.195.254.255. A null address is not a group.
     */
    public static boolean isMp2pGroup(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] a = address.getAddress();
        if (address instanceof Inet4Address) {
            int word = (int) uint32(a, 0);
            return (word & ~IPV4_FREE_MASK) == IPV4_PREFIX && (word & IPV4_FREE_MASK) < IPV4_RANGE_SIZE;
        }
        if (a.length != IPv6.LENGTH || (a[0] & BYTE_MASK) != IPV6_MULTICAST_BYTE) {
            return false;
        }
        int flagsScope = a[1] & BYTE_MASK;
        if ((flagsScope & FLAGS_MASK) == TRANSIENT_FLAGS) {
            return Ipv6Scope.fromNibble(flagsScope & NIBBLE_MASK) != null;
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

    /** 239.192.0.0 + n, for 0 ≤ n < 261,888: n fills the address's low 18 bits. */
    private static Inet4Address ipv4Group(int n) {
        int word = IPV4_PREFIX | n;
        byte[] addr = new byte[IPV4_LENGTH];
        for (int i = 0; i < IPV4_LENGTH; i++) {
            addr[i] = (byte) (word >>> (Byte.SIZE * (IPV4_LENGTH - 1 - i)));
        }
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
