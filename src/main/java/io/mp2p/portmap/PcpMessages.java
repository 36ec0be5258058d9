package io.mp2p.portmap;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** PCP (RFC 6887) MAP requests and responses for UDP (§7.1, §7.2, §11.1). */
final class PcpMessages {
    static final int VERSION = 2;
    static final int OP_MAP = 1;
    static final int RESPONSE_BIT = 0x80;
    static final int HEADER_LENGTH = 24;
    static final int MAP_LENGTH = 36;
    static final int LENGTH = HEADER_LENGTH + MAP_LENGTH;
    static final int NONCE_LENGTH = 12;
    static final int PROTOCOL_UDP = 17;
    static final int RESULT_SUCCESS = 0;
    static final int RESULT_UNSUPP_VERSION = 1;
    private static final int U16 = 0xffff;
    private static final int U8 = 0xff;
    private static final long U32 = 0xffffffffL;
    private static final int ADDRESS_LENGTH = 16;
    private static final int IPV4_LENGTH = 4;
    private static final int MAPPED_PREFIX = 10;
    private static final int RESPONSE_RESERVED = 12;
    private static final int MAP_RESERVED = 3;

    /** A parsed MAP response (result 0 is success; the external address is null on failure). */
    record Response(int version, int result, long lifetime, byte[] nonce, int internalPort, int externalPort,
                    InetAddress externalAddress) {
    }

    private PcpMessages() {
    }

    /**
     * A MAP request from {@code client} (the request's source address, which the server checks) for
     * UDP {@code internalPort}, suggesting {@code externalPort}, for {@code lifetime} s (0 deletes).
     */
    static byte[] mapRequest(InetAddress client, byte[] nonce, int internalPort, int externalPort, long lifetime) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put((byte) VERSION).put((byte) OP_MAP).putShort((short) 0).putInt((int) lifetime);
        b.put(sixteen(client));
        b.put(nonce).put((byte) PROTOCOL_UDP).put(new byte[MAP_RESERVED]);
        b.putShort((short) internalPort).putShort((short) externalPort);
        // Suggested external address: the all-zero address of the client's family ("any").
        b.put(client instanceof Inet4Address ? sixteen(anyV4()) : new byte[ADDRESS_LENGTH]);
        return b.array();
    }

    /**
     * The response in {@code buf[0..len)}, or null if it is not a PCP MAP response. A NAT-PMP-only
     * gateway answers a version 2 request with a version 0 packet: that is reported as version 0.
     */
    static Response parse(byte[] buf, int len) {
        if (len < 2) {
            return null;
        }
        int version = buf[0] & U8;
        if (version != VERSION) {
            if (version == NatPmpMessages.VERSION && len >= 4) {
                return new Response(version, ((buf[2] & U8) << 8) | (buf[3] & U8), 0, null, 0, 0, null);
            }
            return null;
        }
        if (len < HEADER_LENGTH || (buf[1] & U8) != (OP_MAP | RESPONSE_BIT)) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
        b.getShort();
        b.get();
        int result = b.get() & U8;
        long lifetime = b.getInt() & U32;
        b.getInt();
        b.position(b.position() + RESPONSE_RESERVED);
        if (len < LENGTH) {
            return result == RESULT_SUCCESS ? null : new Response(version, result, lifetime, null, 0, 0, null);
        }
        byte[] nonce = new byte[NONCE_LENGTH];
        b.get(nonce);
        int protocol = b.get() & U8;
        b.position(b.position() + MAP_RESERVED);
        int internal = b.getShort() & U16;
        int external = b.getShort() & U16;
        byte[] addr = new byte[ADDRESS_LENGTH];
        b.get(addr);
        if (protocol != PROTOCOL_UDP) {
            return null;
        }
        return new Response(version, result, lifetime, nonce, internal, external, fromSixteen(addr));
    }

    /** IPv6 bytes, or the IPv4-mapped form ::ffff:a.b.c.d (RFC 6887 §5). */
    static byte[] sixteen(InetAddress a) {
        byte[] raw = a.getAddress();
        if (raw.length == ADDRESS_LENGTH) {
            return raw;
        }
        byte[] out = new byte[ADDRESS_LENGTH];
        out[MAPPED_PREFIX] = (byte) U8;
        out[MAPPED_PREFIX + 1] = (byte) U8;
        System.arraycopy(raw, 0, out, ADDRESS_LENGTH - IPV4_LENGTH, IPV4_LENGTH);
        return out;
    }

    static InetAddress fromSixteen(byte[] addr) {
        try {
            boolean mapped = true;
            for (int i = 0; i < MAPPED_PREFIX; i++) {
                mapped &= addr[i] == 0;
            }
            mapped &= (addr[MAPPED_PREFIX] & U8) == U8 && (addr[MAPPED_PREFIX + 1] & U8) == U8;
            if (mapped) {
                return InetAddress.getByAddress(Arrays.copyOfRange(addr, ADDRESS_LENGTH - IPV4_LENGTH, ADDRESS_LENGTH));
            }
            return Inet6Address.getByAddress(null, addr, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }

    private static InetAddress anyV4() {
        try {
            return InetAddress.getByAddress(new byte[IPV4_LENGTH]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
