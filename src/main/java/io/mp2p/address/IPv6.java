package io.mp2p.address;

import java.net.Inet6Address;
import java.net.UnknownHostException;

/** Package-private helpers for IPv6 addresses: construction without name lookup, and RFC 5952 text. */
final class IPv6 {
    /** Bytes in an IPv6 address. */
    static final int LENGTH = 16;
    /** 16-bit groups in an IPv6 address. */
    static final int GROUPS = 8;
    /** RFC 5952 §4.2.2: a single zero group is not compressed to "::". */
    private static final int MIN_COMPRESSED_RUN = 2;
    private static final int BYTE_MASK = 0xff;
    private static final int HEX_RADIX = 16;

    private IPv6() {
    }

    /**
     * Wraps 16 bytes. Unlike {@code InetAddress.getByAddress}, this never turns an IPv4-mapped address
     * into an {@code Inet4Address}, and it never consults a resolver.
     */
    static Inet6Address of(byte[] addr) {
        try {
            return Inet6Address.getByAddress(null, addr, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an IPv6 address is " + LENGTH + " bytes, got " + addr.length, e);
        }
    }

    /** RFC 5952 canonical text: lowercase, no leading zeros, the longest (leftmost) zero run of ≥ 2 groups as "::". */
    static String format(byte[] addr) {
        int[] g = new int[GROUPS];
        for (int i = 0; i < GROUPS; i++) {
            g[i] = ((addr[2 * i] & BYTE_MASK) << Byte.SIZE) | (addr[2 * i + 1] & BYTE_MASK);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < GROUPS; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < GROUPS && g[j] == 0) {
                j++;
            }
            // Strictly greater keeps the leftmost of equally long runs (RFC 5952 §4.2.3).
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < MIN_COMPRESSED_RUN) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < GROUPS; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /**
     * Parses RFC 4291 §2.2 text forms 1 and 2 (hex groups, at most one "::"), either case. Embedded IPv4
     * (form 3) and zone indices are refused: a multicast group never needs them.
     *
     * @return the 16 bytes
     * @throws NodeRecordException (reason ADDRESS) saying what is wrong
     */
    static byte[] parse(String text) throws NodeRecordException {
        if (text.isEmpty()) {
            throw bad("the IPv6 address between [ and ] is empty");
        }
        if (text.indexOf('%') >= 0) {
            throw bad("an IPv6 group has no zone index ('%')");
        }
        if (text.indexOf('.') >= 0) {
            throw bad("an IPv6 group is written in hex groups only, without an embedded IPv4 address");
        }
        int dc = text.indexOf("::");
        if (dc >= 0 && text.indexOf("::", dc + 1) >= 0) {
            throw bad("an IPv6 address has at most one \"::\"");
        }
        int[] head;
        int[] tail;
        if (dc >= 0) {
            head = groups(text.substring(0, dc));
            tail = groups(text.substring(dc + 2));
            if (head.length + tail.length > GROUPS - 1) {
                throw bad("an IPv6 address with \"::\" has at most " + (GROUPS - 1) + " groups, got \"" + text + "\"");
            }
        } else {
            head = groups(text);
            tail = new int[0];
            if (head.length != GROUPS) {
                throw bad("an IPv6 address without \"::\" has " + GROUPS + " groups, got " + head.length);
            }
        }
        byte[] addr = new byte[LENGTH];
        for (int i = 0; i < head.length; i++) {
            put(addr, i, head[i]);
        }
        for (int i = 0; i < tail.length; i++) {
            put(addr, GROUPS - tail.length + i, tail[i]);
        }
        return addr;
    }

    private static void put(byte[] addr, int group, int value) {
        addr[2 * group] = (byte) (value >>> Byte.SIZE);
        addr[2 * group + 1] = (byte) value;
    }

    private static final int MAX_GROUP_DIGITS = 4;

    private static int[] groups(String part) throws NodeRecordException {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] pieces = part.split(":", -1);
        if (pieces.length > GROUPS) {
            throw bad("an IPv6 address has at most " + GROUPS + " groups");
        }
        int[] out = new int[pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            String p = pieces[i];
            if (p.isEmpty() || p.length() > MAX_GROUP_DIGITS) {
                throw bad("an IPv6 group is 1 to " + MAX_GROUP_DIGITS + " hex digits, got \"" + p + "\"");
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                int d = Character.digit(p.charAt(k), HEX_RADIX);
                // Character.digit accepts non-ASCII digits; the grammar allows only ASCII hex.
                if (d < 0 || p.charAt(k) > 'z') {
                    throw bad("an IPv6 group has only hex digits, got \"" + NodeRecordException.printable(p) + "\"");
                }
                v = v * HEX_RADIX + d;
            }
            out[i] = v;
        }
        return out;
    }

    private static NodeRecordException bad(String message) {
        return new NodeRecordException(NodeRecordException.Reason.ADDRESS, message);
    }
}
