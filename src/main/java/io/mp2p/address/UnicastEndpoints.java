package io.mp2p.address;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Which unicast endpoints a node record may name (spec/ADDRESSING.md §7.5): a reader sends
 * handshake initiations to every endpoint of a record it believes, so an endpoint must be an
 * address a peer can be reached at from elsewhere, and never one that turns the reader against
 * itself, its link or a group.
 *
 * <pre>{@code
 * InetSocketAddress ep = new InetSocketAddress(InetAddress.getByName("2001:db8::2"), 41415);
 * UnicastEndpoints.Problem p = UnicastEndpoints.problem(ep, UnicastEndpoints.Policy.ROUTABLE);
 * if (p != null) System.err.println(UnicastEndpoints.format(ep) + ": " + p.explanation());
 * }</pre>
 */
public final class UnicastEndpoints {
    private static final int IPV4_LENGTH = 4;
    private static final int BYTE_MASK = 0xff;
    private static final int IPV4_LINK_LOCAL_FIRST = 169;
    private static final int IPV4_LINK_LOCAL_SECOND = 254;
    private static final int IPV4_THIS_NETWORK = 0;
    /** ::ffff:0:0/96: the first 10 bytes zero, then two 0xff bytes. */
    private static final int MAPPED_PREFIX_ZEROS = 10;
    private static final int MAPPED_PREFIX_LENGTH = 12;

    /** How strict {@link #problem} is. */
    public enum Policy {
        /** Everything of {@link Problem} is refused: what records exchanged between hosts use. */
        ROUTABLE,
        /**
         * Loopback addresses are accepted, for tests of two nodes on one host's {@code lo}; nothing
         * else is relaxed.
         */
        LOOPBACK_ALLOWED
    }

    /** Why an endpoint is refused. */
    public enum Problem {
        /** 0.0.0.0/8 or ::: names no host. */
        UNSPECIFIED("an unspecified address names no host"),
        /** 127.0.0.0/8 or ::1: the reader's own host, not the signer's. */
        LOOPBACK("a loopback address names the reader's own host, not the node that signed the record"),
        /** A multicast address: groups belong in the record's group field, and are checked as such. */
        MULTICAST("a multicast address is not a unicast endpoint (the record's group field names the group)"),
        /** 169.254.0.0/16 or fe80::/10: means nothing off its link, and a record cannot carry a zone. */
        LINK_LOCAL("a link-local address needs an interface (zone) a record cannot name, and means nothing off its link"),
        /** 255.255.255.255: would make a reader broadcast to its whole link. */
        BROADCAST("the limited broadcast address would make a reader send to its whole link"),
        /** ::ffff:0:0/96: an IPv4 endpoint spelled as IPv6; written as IPv4 so that one endpoint has one form. */
        IPV4_MAPPED("an IPv4-mapped IPv6 address is written as the IPv4 address itself");

        private final String explanation;

        Problem(String explanation) {
            this.explanation = explanation;
        }

        /** One sentence for a user. */
        public String explanation() {
            return explanation;
        }
    }

    private UnicastEndpoints() {
    }

    /** Why {@code endpoint} may not appear in a record under {@code policy}, or null if it may. */
    public static Problem problem(InetSocketAddress endpoint, Policy policy) {
        InetAddress a = endpoint.getAddress();
        byte[] b = a.getAddress();
        if (a.isMulticastAddress()) {
            return Problem.MULTICAST;
        }
        if (a.isLoopbackAddress()) {
            return policy == Policy.LOOPBACK_ALLOWED ? null : Problem.LOOPBACK;
        }
        if (a.isAnyLocalAddress() || (b.length == IPV4_LENGTH && (b[0] & BYTE_MASK) == IPV4_THIS_NETWORK)) {
            return Problem.UNSPECIFIED;
        }
        if (a.isLinkLocalAddress() || (b.length == IPV4_LENGTH && (b[0] & BYTE_MASK) == IPV4_LINK_LOCAL_FIRST
                && (b[1] & BYTE_MASK) == IPV4_LINK_LOCAL_SECOND)) {
            return Problem.LINK_LOCAL;
        }
        if (b.length == IPV4_LENGTH && allBytes(b, 0, IPV4_LENGTH, BYTE_MASK)) {
            return Problem.BROADCAST;
        }
        if (b.length == IPv6.LENGTH && allBytes(b, 0, MAPPED_PREFIX_ZEROS, 0)
                && allBytes(b, MAPPED_PREFIX_ZEROS, MAPPED_PREFIX_LENGTH, BYTE_MASK)) {
            return Problem.IPV4_MAPPED;
        }
        return null;
    }

    /**
     * Parses {@code a.b.c.d:port} or {@code [ipv6]:port} as a record's {@code ep} value is written
     * (literal addresses only, never a host name). Says nothing about {@link #problem}.
     *
     * @throws NodeRecordException (reason {@code ENDPOINT}) saying what is wrong
     */
    public static InetSocketAddress parse(String text) throws NodeRecordException {
        return NodeRecord.parseEndpoint(text);
    }

    /** {@code a.b.c.d:port} or {@code [ipv6]:port}, the address in RFC 5952 form. */
    public static String format(InetSocketAddress endpoint) {
        return NodeRecord.formatAddress(endpoint.getAddress()) + ':' + endpoint.getPort();
    }

    private static boolean allBytes(byte[] b, int from, int to, int value) {
        for (int i = from; i < to; i++) {
            if ((b[i] & BYTE_MASK) != value) {
                return false;
            }
        }
        return true;
    }
}
