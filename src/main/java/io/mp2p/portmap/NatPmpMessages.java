package io.mp2p.portmap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** NAT-PMP (RFC 6886) requests and responses: external address (§3.2) and UDP mapping (§3.3). */
final class NatPmpMessages {
    static final int VERSION = 0;
    static final int OP_EXTERNAL_ADDRESS = 0;
    static final int OP_MAP_UDP = 1;
    /** A response's opcode is the request's plus 128. */
    static final int RESPONSE_BIT = 128;
    static final int ADDRESS_REQUEST_LENGTH = 2;
    static final int ADDRESS_RESPONSE_LENGTH = 12;
    static final int MAP_REQUEST_LENGTH = 12;
    static final int MAP_RESPONSE_LENGTH = 16;
    static final int RESULT_SUCCESS = 0;
    private static final int U16 = 0xffff;
    private static final int U8 = 0xff;
    private static final long U32 = 0xffffffffL;
    private static final int IPV4_LENGTH = 4;

    /** A parsed response: its result code, and for a mapping the ports and lifetime; for the address, it. */
    record Response(int opcode, int result, int internalPort, int externalPort, long lifetime, InetAddress address) {
    }

    private NatPmpMessages() {
    }

    static byte[] externalAddressRequest() {
        return new byte[] {VERSION, OP_EXTERNAL_ADDRESS};
    }

    /** A request to map {@code internalPort} (suggesting {@code externalPort}) for {@code lifetime} s; 0 deletes. */
    static byte[] mapRequest(int internalPort, int externalPort, long lifetime) {
        ByteBuffer b = ByteBuffer.allocate(MAP_REQUEST_LENGTH);
        b.put((byte) VERSION).put((byte) OP_MAP_UDP).putShort((short) 0);
        b.putShort((short) internalPort).putShort((short) externalPort).putInt((int) lifetime);
        return b.array();
    }

    /** The response in {@code buf[0..len)}, or null if it is not a NAT-PMP response of a known kind. */
    static Response parse(byte[] buf, int len) {
        if (len < ADDRESS_REQUEST_LENGTH + 2 || (buf[0] & U8) != VERSION) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
        b.get();
        int op = b.get() & U8;
        int result = b.getShort() & U16;
        if (op == (OP_EXTERNAL_ADDRESS | RESPONSE_BIT)) {
            if (len != ADDRESS_RESPONSE_LENGTH && result == RESULT_SUCCESS) {
                return null;
            }
            if (len < ADDRESS_RESPONSE_LENGTH) {
                return new Response(op, result, 0, 0, 0, null);
            }
            b.getInt();
            byte[] a = new byte[IPV4_LENGTH];
            b.get(a);
            try {
                return new Response(op, result, 0, 0, 0, (Inet4Address) InetAddress.getByAddress(a));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("4 bytes are always an IPv4 address", e);
            }
        }
        if (op == (OP_MAP_UDP | RESPONSE_BIT)) {
            if (len < MAP_RESPONSE_LENGTH) {
                return result == RESULT_SUCCESS ? null : new Response(op, result, 0, 0, 0, null);
            }
            b.getInt();
            int internal = b.getShort() & U16;
            int external = b.getShort() & U16;
            long lifetime = b.getInt() & U32;
            return new Response(op, result, internal, external, lifetime, null);
        }
        return null;
    }
}
