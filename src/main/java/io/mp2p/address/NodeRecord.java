package io.mp2p.address;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/**
 * A signed statement "the node with this key listens on this group and port until this time", used
 * when a node picks its own group instead of the one derived from its key. Immutable; see
 * {@code spec/ADDRESSING.md} for the signed bytes and the text grammar.
 *
 * <p>{@link #parse} checks only the format; whether a record may be believed is {@link #verify}'s
 * answer, so a record read from the network is always parsed and then verified.
 *
 * <pre>{@code
 * NodeRecord mine = NodeRecord.sign(identity, GroupAddresses.randomIpv6(new SecureRandom()),
 *         GroupAddresses.DEFAULT_PORT, Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS));
 * String text = mine.toText();   // mp2p://<key>@[ff1e:...]:41414?expires=...&sig=...
 *
 * NodeRecord theirs = NodeRecord.parse(text);             // throws NodeRecordException on bad format
 * if (theirs.verify(Instant.now()) == NodeRecord.Verdict.VALID) { ... }
 * }</pre>
 */
public final class NodeRecord {
    /** Domain separation prefix of the signed bytes. */
    public static final String SIGNATURE_LABEL = "mp2p-node-record-v1";
    /** URI scheme and authority introducer of the text form. */
    public static final String SCHEME_PREFIX = "mp2p://";
    /** Name of the expiry parameter. */
    public static final String EXPIRES_PARAMETER = "expires";
    /** Name of the signature parameter. */
    public static final String SIGNATURE_PARAMETER = "sig";
    /** Name of the unicast endpoint parameter, given once per endpoint (spec/ADDRESSING.md §7.5). */
    public static final String ENDPOINT_PARAMETER = "ep";
    /**
     * Most unicast endpoints in one record: a global IPv6 address and a mapped IPv4 endpoint per
     * family, with room for a second address of each. The bound caps the unicast initiations one
     * record can make a reader send (one per endpoint per attempt).
     */
    public static final int MAX_ENDPOINTS = 4;
    /** Family byte of an IPv4 group in the signed bytes. */
    public static final int FAMILY_IPV4 = 4;
    /** Family byte of an IPv6 group in the signed bytes. */
    public static final int FAMILY_IPV6 = 6;
    /** Smallest port. */
    public static final int MIN_PORT = 1;
    /** Largest port. */
    public static final int MAX_PORT = 65535;
    /** Latest expiry representable as an {@link Instant}, in unix seconds. */
    public static final long MAX_EXPIRES_SECONDS = Instant.MAX.getEpochSecond();
    /** Length of an Ed25519 signature. */
    public static final int SIGNATURE_LENGTH = Mp2pIdentity.SIGNATURE_LENGTH;
    /** Length of the unpadded base64url text of a signature: ceil(64 × 4 / 3). */
    public static final int SIGNATURE_TEXT_LENGTH = (SIGNATURE_LENGTH * 4 + 2) / 3;
    /**
     * Longest text accepted. A canonical record is at most 236 characters (a 39-character IPv6 address
     * and a 17-digit expiry) plus at most 52 per endpoint ({@code &ep=[<39>]:65535}); the margin
     * allows non-canonical address spellings, and the bound keeps a hostile input from costing more
     * than a fixed amount of work.
     */
    public static final int MAX_TEXT_LENGTH = 512;

    private static final byte[] LABEL = SIGNATURE_LABEL.getBytes(StandardCharsets.US_ASCII);
    /** The address field is 16 bytes for both families; IPv4 is followed by 12 zero bytes. */
    private static final int ADDRESS_FIELD_LENGTH = IPv6.LENGTH;
    private static final int IPV4_LENGTH = 4;
    private static final int SIGNED_LENGTH = LABEL.length + PeerKey.LENGTH + 1 + ADDRESS_FIELD_LENGTH
            + Short.BYTES + Long.BYTES;
    /** family(1) || address(16) || port(2) of one endpoint in the signed bytes. */
    private static final int ENDPOINT_FIELD_LENGTH = 1 + ADDRESS_FIELD_LENGTH + Short.BYTES;
    private static final int MAX_PORT_DIGITS = 5;
    private static final int MAX_EXPIRES_DIGITS = Long.toString(MAX_EXPIRES_SECONDS).length();
    private static final int MAX_OCTET = 255;
    private static final int MAX_OCTET_DIGITS = 3;
    private static final int DECIMAL_RADIX = 10;
    private static final Base64.Encoder B64_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();

    /** What {@link #verify} concluded, in the order it checks. */
    public enum Verdict {
        /** Signed by the key, names an mp2p group, not yet expired. */
        VALID,
        /** The signature does not match the key and fields; nothing in the record can be believed. */
        BAD_SIGNATURE,
        /** Correctly signed, but the address is not in an mp2p range ({@link GroupAddresses#isMp2pGroup}). */
        NOT_A_GROUP,
        /**
         * Correctly signed, but a unicast endpoint is not one a reader may send to under the
         * {@link UnicastEndpoints.Policy} given ({@link UnicastEndpoints#problem}).
         */
        BAD_ENDPOINT,
        /** Correctly signed, but {@code now} is at or past the expiry. */
        EXPIRED
    }

    private final PeerKey key;
    private final InetAddress group;
    private final int port;
    private final Instant expires;
    private final List<InetSocketAddress> endpoints;
    private final byte[] signature;

    private NodeRecord(PeerKey key, InetAddress group, int port, Instant expires, List<InetSocketAddress> endpoints,
                       byte[] signature) {
        this.key = key;
        this.group = group;
        this.port = port;
        this.expires = expires;
        this.endpoints = endpoints;
        this.signature = signature;
    }

    /**
     * Signs a record for {@code identity}.
     *
     * @param group an mp2p group ({@link GroupAddresses#isMp2pGroup})
     * @param port 1..65535
     * @param expires whole seconds, at or after the epoch
     * @throws NodeRecordException if the group is not an mp2p group, or the port or expiry is out of range
     */
    public static NodeRecord sign(Mp2pIdentity identity, InetAddress group, int port, Instant expires)
            throws NodeRecordException {
        return sign(identity, group, port, expires, List.of(), UnicastEndpoints.Policy.ROUTABLE);
    }

    /**
     * Signs a record that also lists the node's unicast endpoints (spec/ADDRESSING.md §7.5), in the
     * order given (the order a reader tries them).
     *
     * @param endpoints at most {@link #MAX_ENDPOINTS}, no two equal, each acceptable under {@code policy}
     * @param policy {@link UnicastEndpoints.Policy#ROUTABLE} except in tests on the loopback interface
     * @throws NodeRecordException as {@link #sign(Mp2pIdentity, InetAddress, int, Instant)}, or with
     *         reason {@code ENDPOINT} saying which endpoint is refused and why
     */
    public static NodeRecord sign(Mp2pIdentity identity, InetAddress group, int port, Instant expires,
                                  List<InetSocketAddress> endpoints, UnicastEndpoints.Policy policy)
            throws NodeRecordException {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(policy, "policy");
        List<InetSocketAddress> eps = checkEndpoints(endpoints);
        for (InetSocketAddress ep : eps) {
            UnicastEndpoints.Problem problem = UnicastEndpoints.problem(ep, policy);
            if (problem != null) {
                throw new NodeRecordException(NodeRecordException.Reason.ENDPOINT, "refusing to sign a record with "
                        + "endpoint " + UnicastEndpoints.format(ep) + ": " + problem.explanation());
            }
        }
        if (!GroupAddresses.isMp2pGroup(group)) {
            throw new NodeRecordException(NodeRecordException.Reason.NOT_A_GROUP, "refusing to sign a record for "
                    + (group == null ? "no address" : group.getHostAddress())
                    + ": not an mp2p group (" + GroupAddresses.RANGES_TEXT + ")");
        }
        InetAddress normal = normalize(group);
        checkPort(port);
        checkExpires(expires);
        byte[] unsigned = signedBytes(identity.publicKey(), normal, port, expires, eps);
        return new NodeRecord(identity.publicKey(), normal, port, expires, eps, identity.sign(unsigned));
    }

    /**
     * Assembles a record from fields received by some other means (a binary encoding, a database). Like
     * {@link #parse}, this checks the format only; call {@link #verify}.
     *
     * @throws NodeRecordException if a field is missing, the port or expiry is out of range, or the
     *         signature is not 64 bytes
     */
    public static NodeRecord of(PeerKey key, InetAddress group, int port, Instant expires, byte[] signature)
            throws NodeRecordException {
        return of(key, group, port, expires, List.of(), signature);
    }

    /**
     * As {@link #of(PeerKey, InetAddress, int, Instant, byte[])}, with unicast endpoints.
     *
     * @throws NodeRecordException also (reason {@code ENDPOINT}) for more than {@link #MAX_ENDPOINTS}
     *         endpoints, a repeated one, or one without an address
     */
    public static NodeRecord of(PeerKey key, InetAddress group, int port, Instant expires,
                                List<InetSocketAddress> endpoints, byte[] signature) throws NodeRecordException {
        if (key == null) {
            throw new NodeRecordException(NodeRecordException.Reason.KEY, "a node record needs a public key");
        }
        if (group == null) {
            throw new NodeRecordException(NodeRecordException.Reason.ADDRESS, "a node record needs a group address");
        }
        checkPort(port);
        checkExpires(expires);
        if (signature == null || signature.length != SIGNATURE_LENGTH) {
            throw new NodeRecordException(NodeRecordException.Reason.SIGNATURE_ENCODING, "a signature is "
                    + SIGNATURE_LENGTH + " bytes, got " + (signature == null ? "none" : signature.length));
        }
        List<InetSocketAddress> eps = checkEndpoints(endpoints);
        return new NodeRecord(key, normalize(group), port, expires, eps, signature.clone());
    }

    /**
     * Checks the signature, then the address range, then the expiry, and returns the first failure.
     * The signature comes first because nothing else in a forged record means anything.
     */
    public Verdict verify(Instant now) {
        return verify(now, UnicastEndpoints.Policy.ROUTABLE);
    }

    /**
     * As {@link #verify(Instant)}, judging the endpoints under {@code policy}: after the group and
     * before the expiry, the first endpoint with a {@link UnicastEndpoints#problem} makes the verdict
     * {@link Verdict#BAD_ENDPOINT}.
     */
    public Verdict verify(Instant now, UnicastEndpoints.Policy policy) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(policy, "policy");
        if (!key.verify(signedBytes(), signature)) {
            return Verdict.BAD_SIGNATURE;
        }
        if (!GroupAddresses.isMp2pGroup(group)) {
            return Verdict.NOT_A_GROUP;
        }
        for (InetSocketAddress ep : endpoints) {
            if (UnicastEndpoints.problem(ep, policy) != null) {
                return Verdict.BAD_ENDPOINT;
            }
        }
        if (!now.isBefore(expires)) {
            return Verdict.EXPIRED;
        }
        return Verdict.VALID;
    }

    /**
     * The bytes the signature covers: ASCII("mp2p-node-record-v1") || key(32) || family(1) ||
     * address(16) || port(2, big-endian) || expires(8, big-endian unix seconds), followed, only if
     * the record has endpoints, by count(1) and per endpoint family(1) || address(16) || port(2).
     */
    public byte[] signedBytes() {
        return signedBytes(key, group, port, expires, endpoints);
    }

    private static byte[] signedBytes(PeerKey key, InetAddress group, int port, Instant expires,
                                      List<InetSocketAddress> endpoints) {
        // A record without endpoints signs exactly the version 1 bytes, so records signed before
        // endpoints existed still verify; the length tells the two forms apart.
        int length = SIGNED_LENGTH + (endpoints.isEmpty() ? 0 : 1 + endpoints.size() * ENDPOINT_FIELD_LENGTH);
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put(LABEL);
        b.put(key.encoded());
        putAddress(b, group, port);
        b.putLong(expires.getEpochSecond());
        if (!endpoints.isEmpty()) {
            b.put((byte) endpoints.size());
            for (InetSocketAddress ep : endpoints) {
                putAddress(b, ep.getAddress(), ep.getPort());
            }
        }
        return b.array();
    }

    private static void putAddress(ByteBuffer b, InetAddress address, int port) {
        byte[] addr = address.getAddress();
        b.put((byte) (addr.length == IPV4_LENGTH ? FAMILY_IPV4 : FAMILY_IPV6));
        b.put(Arrays.copyOf(addr, ADDRESS_FIELD_LENGTH));
        b.putShort((short) port);
    }

    /** The signer's public key. */
    public PeerKey key() {
        return key;
    }

    /** The group address (an {@link Inet4Address} or {@link Inet6Address} without scope). */
    public InetAddress group() {
        return group;
    }

    /** The UDP port. */
    public int port() {
        return port;
    }

    /** When the record stops being valid (whole seconds). */
    public Instant expires() {
        return expires;
    }

    /**
     * The node's unicast endpoints in the signer's order (unmodifiable; empty for a record that
     * names only its group). Believe them only after {@link #verify} said {@link Verdict#VALID}.
     */
    public List<InetSocketAddress> endpoints() {
        return endpoints;
    }

    /** The 64-byte Ed25519 signature (a copy). */
    public byte[] signature() {
        return signature.clone();
    }

    /**
     * The text form {@code mp2p://<hex key>@<addr>:<port>?expires=<secs>[&ep=<addr>:<port>]...&sig=<base64url>},
     * with one {@code ep} per endpoint in order.
     */
    public String toText() {
        StringBuilder sb = new StringBuilder(SCHEME_PREFIX).append(key.toHex()).append('@')
                .append(formatAddress(group)).append(':').append(port)
                .append('?').append(EXPIRES_PARAMETER).append('=').append(expires.getEpochSecond());
        for (InetSocketAddress ep : endpoints) {
            sb.append('&').append(ENDPOINT_PARAMETER).append('=').append(UnicastEndpoints.format(ep));
        }
        return sb.append('&').append(SIGNATURE_PARAMETER).append('=').append(B64_ENCODER.encodeToString(signature))
                .toString();
    }

    /** Same as {@link #toText()}. */
    @Override
    public String toString() {
        return toText();
    }

    /** IPv4 dotted decimal, or IPv6 in RFC 5952 canonical form inside brackets. */
    static String formatAddress(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == IPV4_LENGTH) {
            return (a[0] & MAX_OCTET) + "." + (a[1] & MAX_OCTET) + "." + (a[2] & MAX_OCTET) + "." + (a[3] & MAX_OCTET);
        }
        return "[" + IPv6.format(a) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeRecord r && key.equals(r.key) && Arrays.equals(group.getAddress(), r.group.getAddress())
                && port == r.port && expires.equals(r.expires) && endpoints.equals(r.endpoints)
                && Arrays.equals(signature, r.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(group.getAddress()), port, expires, endpoints,
                Arrays.hashCode(signature));
    }

    // ---------------------------------------------------------------- parsing

    /**
     * Parses the text form. Checks the format only (scheme, key, address, port, parameters, expiry,
     * signature encoding); never throws an unchecked exception, whatever the input.
     *
     * @throws NodeRecordException saying exactly what is wrong
     */
    public static NodeRecord parse(String text) throws NodeRecordException {
        if (text == null || text.isEmpty()) {
            throw new NodeRecordException(NodeRecordException.Reason.LENGTH, "a node record is required, got an empty string");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new NodeRecordException(NodeRecordException.Reason.LENGTH, "a node record is at most "
                    + MAX_TEXT_LENGTH + " characters, got " + text.length());
        }
        if (!text.startsWith(SCHEME_PREFIX)) {
            throw new NodeRecordException(NodeRecordException.Reason.SCHEME, "a node record starts with \""
                    + SCHEME_PREFIX + "\", got \"" + NodeRecordException.printable(
                            text.substring(0, Math.min(text.length(), SCHEME_PREFIX.length()))) + "\"");
        }
        String rest = text.substring(SCHEME_PREFIX.length());

        int at = rest.indexOf('@');
        if (at < 0) {
            throw new NodeRecordException(NodeRecordException.Reason.KEY,
                    "expected <64 hex key>@ after \"" + SCHEME_PREFIX + "\", found no '@'");
        }
        String keyText = rest.substring(0, at);
        checkKeyText(keyText);
        rest = rest.substring(at + 1);

        int question = rest.indexOf('?');
        String hostPort = question < 0 ? rest : rest.substring(0, question);
        String query = question < 0 ? null : rest.substring(question + 1);

        InetSocketAddress groupAndPort = parseHostPort(hostPort);
        InetAddress group = groupAndPort.getAddress();
        int port = groupAndPort.getPort();

        if (query == null) {
            throw new NodeRecordException(NodeRecordException.Reason.MISSING_PARAMETER,
                    "missing parameters: expected ?" + EXPIRES_PARAMETER + "=<unix seconds>&" + SIGNATURE_PARAMETER + "=<base64url>");
        }
        String expiresText = null;
        String sigText = null;
        List<InetSocketAddress> endpoints = new ArrayList<>();
        for (String param : query.split("&", -1)) {
            int eq = param.indexOf('=');
            if (eq <= 0) {
                throw new NodeRecordException(NodeRecordException.Reason.UNKNOWN_PARAMETER,
                        "a parameter is name=value, got \"" + NodeRecordException.printable(param) + "\"");
            }
            String name = param.substring(0, eq);
            String value = param.substring(eq + 1);
            if (name.equals(EXPIRES_PARAMETER)) {
                if (expiresText != null) {
                    throw duplicate(EXPIRES_PARAMETER);
                }
                expiresText = value;
            } else if (name.equals(SIGNATURE_PARAMETER)) {
                if (sigText != null) {
                    throw duplicate(SIGNATURE_PARAMETER);
                }
                sigText = value;
            } else if (name.equals(ENDPOINT_PARAMETER)) {
                if (endpoints.size() == MAX_ENDPOINTS) {
                    throw tooManyEndpoints();
                }
                endpoints.add(parseEndpoint(value));
            } else {
                throw new NodeRecordException(NodeRecordException.Reason.UNKNOWN_PARAMETER, "unknown parameter \""
                        + NodeRecordException.printable(name) + "\": a node record has only "
                        + EXPIRES_PARAMETER + ", " + ENDPOINT_PARAMETER + " and " + SIGNATURE_PARAMETER);
            }
        }
        if (expiresText == null) {
            throw missing(EXPIRES_PARAMETER);
        }
        if (sigText == null) {
            throw missing(SIGNATURE_PARAMETER);
        }
        Instant expires = Instant.ofEpochSecond(parseExpires(expiresText));
        byte[] signature = parseSignature(sigText);
        List<InetSocketAddress> eps = checkEndpoints(endpoints);
        // The curve check costs a scalar multiplication, so it runs after every cheap check has passed.
        PeerKey key = parseKey(keyText);
        return new NodeRecord(key, group, port, expires, eps, signature);
    }

    /** {@code ipv4:port} or {@code [ipv6]:port}, as in the authority of a record and in {@code ep}. */
    private static InetSocketAddress parseHostPort(String hostPort) throws NodeRecordException {
        String addressText;
        String portText;
        InetAddress address;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new NodeRecordException(NodeRecordException.Reason.ADDRESS, "an IPv6 address opened with '[' has no ']'");
            }
            addressText = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.startsWith(":")) {
                throw new NodeRecordException(NodeRecordException.Reason.PORT, "expected ':' and a port after ']'");
            }
            portText = after.substring(1);
            address = IPv6.of(IPv6.parse(addressText));
        } else {
            int colon = hostPort.indexOf(':');
            if (colon >= 0 && hostPort.indexOf(':', colon + 1) >= 0) {
                throw new NodeRecordException(NodeRecordException.Reason.ADDRESS,
                        "an IPv6 address must be written in brackets, as [ff1e::1]:41414");
            }
            if (colon < 0) {
                throw new NodeRecordException(NodeRecordException.Reason.PORT,
                        "expected ':' and a port after the address, found none");
            }
            addressText = hostPort.substring(0, colon);
            portText = hostPort.substring(colon + 1);
            address = parseIpv4(addressText);
        }
        return new InetSocketAddress(address, parsePort(portText));
    }

    /** One {@code ep} value; any format error is reported as {@link NodeRecordException.Reason#ENDPOINT}. */
    static InetSocketAddress parseEndpoint(String text) throws NodeRecordException {
        try {
            return parseHostPort(text);
        } catch (NodeRecordException e) {
            throw new NodeRecordException(NodeRecordException.Reason.ENDPOINT, ENDPOINT_PARAMETER + "=\""
                    + NodeRecordException.printable(text) + "\": " + e.getMessage());
        }
    }

    private static void checkKeyText(String hex) throws NodeRecordException {
        if (hex.length() != PeerKey.HEX_LENGTH) {
            throw new NodeRecordException(NodeRecordException.Reason.KEY, "the public key is "
                    + PeerKey.HEX_LENGTH + " hex characters, got " + hex.length());
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            // Checked here because PeerKey.fromHex lets non-ASCII digits (e.g. fullwidth) through to HexFormat.
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                throw new NodeRecordException(NodeRecordException.Reason.KEY, "the public key has only hex digits "
                        + "0-9 a-f, found '" + NodeRecordException.printable(String.valueOf(c)) + "' at position " + (i + 1));
            }
        }
    }

    private static PeerKey parseKey(String hex) throws NodeRecordException {
        try {
            return PeerKey.fromHex(hex);
        } catch (KeyFormatException e) {
            throw new NodeRecordException(NodeRecordException.Reason.KEY, "bad public key: " + e.getMessage());
        }
    }

    private static Inet4Address parseIpv4(String text) throws NodeRecordException {
        String[] parts = text.split("\\.", -1);
        if (parts.length != IPV4_LENGTH) {
            throw new NodeRecordException(NodeRecordException.Reason.ADDRESS, "an IPv4 address is four dot-separated "
                    + "numbers, got \"" + NodeRecordException.printable(text) + "\"");
        }
        byte[] addr = new byte[IPV4_LENGTH];
        for (int i = 0; i < IPV4_LENGTH; i++) {
            long v = decimal(parts[i], MAX_OCTET_DIGITS);
            if (v < 0 || v > MAX_OCTET) {
                throw new NodeRecordException(NodeRecordException.Reason.ADDRESS, "an IPv4 address part is a number 0 to "
                        + MAX_OCTET + " without leading zeros, got \"" + NodeRecordException.printable(parts[i]) + "\"");
            }
            addr[i] = (byte) v;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(addr);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }

    private static int parsePort(String text) throws NodeRecordException {
        long v = decimal(text, MAX_PORT_DIGITS);
        if (v < MIN_PORT || v > MAX_PORT) {
            throw new NodeRecordException(NodeRecordException.Reason.PORT, "the port is a number " + MIN_PORT + " to "
                    + MAX_PORT + " without leading zeros, got \"" + NodeRecordException.printable(text) + "\"");
        }
        return (int) v;
    }

    private static long parseExpires(String text) throws NodeRecordException {
        long v = decimal(text, MAX_EXPIRES_DIGITS);
        if (v < 0 || v > MAX_EXPIRES_SECONDS) {
            throw new NodeRecordException(NodeRecordException.Reason.EXPIRES, EXPIRES_PARAMETER
                    + " is unix seconds 0 to " + MAX_EXPIRES_SECONDS + " without sign or leading zeros, got \""
                    + NodeRecordException.printable(text) + "\"");
        }
        return v;
    }

    /**
     * The value of an ASCII decimal without sign or leading zeros and of at most {@code maxDigits}
     * digits, or -1 if the text is not one. Hand-written because Long.parseLong accepts signs and
     * non-ASCII digits.
     */
    private static long decimal(String text, int maxDigits) {
        if (text.isEmpty() || text.length() > maxDigits || (text.length() > 1 && text.charAt(0) == '0')) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * DECIMAL_RADIX + (c - '0');
        }
        return v;
    }

    private static byte[] parseSignature(String text) throws NodeRecordException {
        if (text.length() != SIGNATURE_TEXT_LENGTH) {
            throw new NodeRecordException(NodeRecordException.Reason.SIGNATURE_ENCODING, SIGNATURE_PARAMETER + " is "
                    + SIGNATURE_TEXT_LENGTH + " characters of unpadded base64url, got " + text.length());
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                throw new NodeRecordException(NodeRecordException.Reason.SIGNATURE_ENCODING, SIGNATURE_PARAMETER
                        + " has only base64url characters A-Z a-z 0-9 - _ (no padding), found '"
                        + NodeRecordException.printable(String.valueOf(c)) + "' at position " + (i + 1));
            }
        }
        byte[] sig;
        try {
            sig = B64_DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            throw new NodeRecordException(NodeRecordException.Reason.SIGNATURE_ENCODING, "bad base64url in "
                    + SIGNATURE_PARAMETER + ": " + e.getMessage());
        }
        // The last character carries 4 unused bits; they must be zero or two texts would name one signature.
        if (sig.length != SIGNATURE_LENGTH || !B64_ENCODER.encodeToString(sig).equals(text)) {
            throw new NodeRecordException(NodeRecordException.Reason.SIGNATURE_ENCODING, "not a canonical "
                    + SIGNATURE_PARAMETER + ": its last character carries non-zero padding bits");
        }
        return sig;
    }

    /** The endpoints as an unmodifiable list of scope-free addresses: at most MAX_ENDPOINTS, none twice. */
    private static List<InetSocketAddress> checkEndpoints(List<InetSocketAddress> endpoints) throws NodeRecordException {
        if (endpoints == null) {
            return List.of();
        }
        if (endpoints.size() > MAX_ENDPOINTS) {
            throw tooManyEndpoints();
        }
        List<InetSocketAddress> out = new ArrayList<>(endpoints.size());
        for (InetSocketAddress ep : endpoints) {
            if (ep == null || ep.isUnresolved() || ep.getAddress() == null) {
                throw new NodeRecordException(NodeRecordException.Reason.ENDPOINT,
                        "an endpoint is an IP address and a port, got " + ep);
            }
            checkPort(ep.getPort());
            InetSocketAddress normal = new InetSocketAddress(normalize(ep.getAddress()), ep.getPort());
            if (out.contains(normal)) {
                throw new NodeRecordException(NodeRecordException.Reason.ENDPOINT, "endpoint "
                        + UnicastEndpoints.format(normal) + " is given twice");
            }
            out.add(normal);
        }
        return List.copyOf(out);
    }

    private static NodeRecordException tooManyEndpoints() {
        return new NodeRecordException(NodeRecordException.Reason.ENDPOINT, "a node record lists at most "
                + MAX_ENDPOINTS + " endpoints");
    }

    private static NodeRecordException duplicate(String name) {
        return new NodeRecordException(NodeRecordException.Reason.DUPLICATE_PARAMETER,
                "parameter \"" + name + "\" is given twice");
    }

    private static NodeRecordException missing(String name) {
        return new NodeRecordException(NodeRecordException.Reason.MISSING_PARAMETER,
                "missing parameter \"" + name + "\"");
    }

    private static void checkPort(int port) throws NodeRecordException {
        if (port < MIN_PORT || port > MAX_PORT) {
            throw new NodeRecordException(NodeRecordException.Reason.PORT,
                    "the port is " + MIN_PORT + " to " + MAX_PORT + ", got " + port);
        }
    }

    private static void checkExpires(Instant expires) throws NodeRecordException {
        if (expires == null) {
            throw new NodeRecordException(NodeRecordException.Reason.EXPIRES, "a node record needs an expiry");
        }
        if (expires.getNano() != 0) {
            throw new NodeRecordException(NodeRecordException.Reason.EXPIRES,
                    "the expiry is whole seconds, got " + expires + " (truncate it to seconds)");
        }
        if (expires.getEpochSecond() < 0) {
            throw new NodeRecordException(NodeRecordException.Reason.EXPIRES,
                    "the expiry is at or after the unix epoch, got " + expires);
        }
    }

    private static InetAddress normalize(InetAddress address) {
        // Drops any scope ID or host name so that equality and the text form depend on the bytes only.
        byte[] a = address.getAddress();
        if (a.length == IPV4_LENGTH) {
            try {
                return InetAddress.getByAddress(a);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("4 bytes are always an IPv4 address", e);
            }
        }
        return IPv6.of(a);
    }
}
