package io.mp2p.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.PeerKey;
import io.mp2p.identity.PeerKeyReader;

/**
 * The 64-byte payload of Noise message 1 (spec §4.2): the initiator's Ed25519 identity, a TAI64N
 * timestamp, and the address the responder must answer to.
 *
 * <pre>{@code
 * byte[] payload = InitiationPayload.encode(me.publicKey(), Tai64n.fromUnixNanos(now), replyGroup);
 * // ... Noise encrypts it; the responder decrypts it and:
 * Parsed<InitiationPayload> p = InitiationPayload.parse(plain, 0, plain.length);
 * InetSocketAddress replyTo = p.value().replyAddress();   // null: answer to the packet's source
 * }</pre>
 */
public final class InitiationPayload {
    /** Exact payload length. */
    public static final int LENGTH = 80;
    /** Length of the response_key, which keys response_auth (spec §4.3). */
    public static final int RESPONSE_KEY_LENGTH = 16;
    /** Reply family: answer to the initiation's source address and port. */
    public static final int FAMILY_SOURCE = 0;
    /** Reply family: an IPv4 address. */
    public static final int FAMILY_IPV4 = 4;
    /** Reply family: an IPv6 address. */
    public static final int FAMILY_IPV6 = 6;

    static final int IDENTITY_OFFSET = 0;
    static final int TIMESTAMP_OFFSET = 32;
    static final int FAMILY_OFFSET = 44;
    static final int ADDRESS_OFFSET = 45;
    static final int ADDRESS_LENGTH = 16;
    static final int PORT_OFFSET = 61;
    static final int RESERVED_OFFSET = 63;
    static final int RESPONSE_KEY_OFFSET = 64;
    private static final int IPV4_LENGTH = 4;
    private static final int MAX_PORT = 0xffff;

    private final PeerKey identity;
    private final byte[] timestamp;
    private final int replyFamily;
    private final InetSocketAddress replyAddress;
    private final byte[] responseKey;

    private InitiationPayload(PeerKey identity, byte[] timestamp, int replyFamily, InetSocketAddress replyAddress,
                              byte[] responseKey) {
        this.identity = identity;
        this.timestamp = timestamp;
        this.replyFamily = replyFamily;
        this.replyAddress = replyAddress;
        this.responseKey = responseKey;
    }

    /**
     * Encodes a payload. An IPv4-mapped IPv6 address is encoded as IPv4 (Java represents it so).
     *
     * @param identity    the initiator's peer id
     * @param tai64n      a {@link Tai64n} label
     * @param replyOrNull where the responder must answer, or null for the initiation's source address
     * @param responseKey 16 fresh random bytes keying the response's response_auth
     * @throws IllegalArgumentException if the timestamp is not 12 bytes, the response key not 16, or
     *                                  the reply address is unresolved or has port 0
     */
    public static byte[] encode(PeerKey identity, byte[] tai64n, InetSocketAddress replyOrNull, byte[] responseKey) {
        if (tai64n == null || tai64n.length != Tai64n.LENGTH) {
            throw new IllegalArgumentException("a TAI64N timestamp is " + Tai64n.LENGTH + " bytes");
        }
        if (responseKey == null || responseKey.length != RESPONSE_KEY_LENGTH) {
            throw new IllegalArgumentException("a response key is " + RESPONSE_KEY_LENGTH + " bytes");
        }
        byte[] out = new byte[LENGTH];
        identity.copyTo(out, IDENTITY_OFFSET);
        System.arraycopy(tai64n, 0, out, TIMESTAMP_OFFSET, Tai64n.LENGTH);
        if (replyOrNull != null) {
            InetAddress address = replyOrNull.getAddress();
            if (address == null) {
                throw new IllegalArgumentException("reply address is unresolved: " + replyOrNull);
            }
            if (replyOrNull.getPort() == 0) {
                throw new IllegalArgumentException("reply port must be 1.." + MAX_PORT);
            }
            byte[] raw = address.getAddress();
            out[FAMILY_OFFSET] = (byte) (address instanceof Inet4Address ? FAMILY_IPV4 : FAMILY_IPV6);
            System.arraycopy(raw, 0, out, ADDRESS_OFFSET, raw.length);
            Bytes.put16(out, PORT_OFFSET, replyOrNull.getPort());
        }
        System.arraycopy(responseKey, 0, out, RESPONSE_KEY_OFFSET, RESPONSE_KEY_LENGTH);
        return out;
    }

    /** Checks and decodes a decrypted payload. Never throws. */
    public static Parsed<InitiationPayload> parse(byte[] p, int off, int len) {
        return parse(p, off, len, PeerKeyReader.CHECKED);
    }

    /** As {@link #parse(byte[], int, int)}, reading the identity with {@code identities} (which may know it already). */
    public static Parsed<InitiationPayload> parse(byte[] p, int off, int len, PeerKeyReader identities) {
        String range = Bytes.badRange(p, off, len);
        if (range != null) {
            return Parsed.error(WireError.BAD_LENGTH, range);
        }
        if (len != LENGTH) {
            return Parsed.error(WireError.BAD_LENGTH, "an InitiationPayload is " + LENGTH + " bytes, got " + len);
        }
        PeerKey identity;
        try {
            identity = identities.read(Arrays.copyOfRange(p, off + IDENTITY_OFFSET, off + IDENTITY_OFFSET + PeerKey.LENGTH));
        } catch (KeyFormatException e) {
            return Parsed.error(WireError.BAD_FIELD, "identity: " + e.getMessage());
        }
        if (!Tai64n.hasValidNanos(p, off + TIMESTAMP_OFFSET)) {
            return Parsed.error(WireError.BAD_FIELD, "timestamp nanoseconds field is not below one second");
        }
        if (p[off + RESERVED_OFFSET] != 0) {
            return Parsed.error(WireError.RESERVED_NONZERO, "reserved payload byte is not zero");
        }
        int family = Bytes.u8(p, off + FAMILY_OFFSET);
        int port = Bytes.u16(p, off + PORT_OFFSET);
        int addressLength;
        switch (family) {
            case FAMILY_SOURCE -> {
                if (port != 0 || !Bytes.allZero(p, off + ADDRESS_OFFSET, ADDRESS_LENGTH)) {
                    return Parsed.error(WireError.BAD_FIELD, "family 0 (reply to source) with a non-zero address or port");
                }
                addressLength = 0;
            }
            case FAMILY_IPV4 -> addressLength = IPV4_LENGTH;
            case FAMILY_IPV6 -> addressLength = ADDRESS_LENGTH;
            default -> {
                return Parsed.error(WireError.BAD_FIELD, "unknown reply family " + family);
            }
        }
        InetSocketAddress reply = null;
        if (family != FAMILY_SOURCE) {
            if (!Bytes.allZero(p, off + ADDRESS_OFFSET + addressLength, ADDRESS_LENGTH - addressLength)) {
                return Parsed.error(WireError.BAD_FIELD, "IPv4 reply address followed by non-zero bytes");
            }
            if (port == 0) {
                return Parsed.error(WireError.BAD_FIELD, "reply port 0 with an explicit address");
            }
            byte[] raw = Arrays.copyOfRange(p, off + ADDRESS_OFFSET, off + ADDRESS_OFFSET + addressLength);
            InetAddress address;
            try {
                address = InetAddress.getByAddress(raw); // a literal: no name service look-up
            } catch (UnknownHostException e) {
                return Parsed.error(WireError.BAD_FIELD, "reply address: " + e.getMessage());
            }
            // The JDK turns an IPv4-mapped IPv6 address into an Inet4Address; one address must have one
            // encoding, so family 6 must hold a real IPv6 address.
            if (family == FAMILY_IPV6 && !(address instanceof Inet6Address)) {
                return Parsed.error(WireError.BAD_FIELD, "IPv4-mapped address under family 6; use family 4");
            }
            reply = new InetSocketAddress(address, port);
        }
        byte[] timestamp = Arrays.copyOfRange(p, off + TIMESTAMP_OFFSET, off + TIMESTAMP_OFFSET + Tai64n.LENGTH);
        byte[] responseKey = Arrays.copyOfRange(p, off + RESPONSE_KEY_OFFSET, off + RESPONSE_KEY_OFFSET
                + RESPONSE_KEY_LENGTH);
        return Parsed.ok(new InitiationPayload(identity, timestamp, family, reply, responseKey));
    }

    /** The initiator's Ed25519 identity. */
    public PeerKey identity() {
        return identity;
    }

    /** A copy of the TAI64N timestamp. */
    public byte[] timestamp() {
        return timestamp.clone();
    }

    /** A copy of the response_key (spec §4.3); zero after {@link #destroy()}. */
    public byte[] responseKey() {
        return responseKey.clone();
    }

    /** Zeroes this object's copy of the response key. */
    public void destroy() {
        Arrays.fill(responseKey, (byte) 0);
    }

    /** One of {@link #FAMILY_SOURCE}, {@link #FAMILY_IPV4}, {@link #FAMILY_IPV6}. */
    public int replyFamily() {
        return replyFamily;
    }

    /** Where to answer, or null for {@link #FAMILY_SOURCE} (the initiation's source address). */
    public InetSocketAddress replyAddress() {
        return replyAddress;
    }

    @Override
    public String toString() {
        return "InitiationPayload[identity=" + identity + ", reply=" + (replyAddress == null ? "source" : replyAddress) + "]";
    }
}
