package io.mp2p.cookie;

import java.security.MessageDigest;
import java.util.Arrays;

import io.mp2p.wire.HandshakeResponse;

/**
 * response_auth of a HandshakeResponse (spec §4.3): HMAC-SHA256 under the 16-byte response_key
 * that the initiation carried inside Noise message 1, over the response's first 60 bytes. Only the
 * intended responder can read that key, so the initiator refuses a forged response after one HMAC
 * and before any Diffie-Hellman.
 *
 * <pre>{@code
 * ResponseAuth.write(responseKey, response, 0);                 // responder, before mac1
 * if (!ResponseAuth.verify(responseKey, response, 0)) drop();   // initiator, after mac1 and the index
 * }</pre>
 */
public final class ResponseAuth {
    private ResponseAuth() {
    }

    /** Writes response_auth of the response at {@code packet[off..)}, computed over its bytes 0..60. */
    public static void write(byte[] responseKey, byte[] packet, int off) {
        Hmac.truncated(responseKey, packet, off, HandshakeResponse.AUTH_OFFSET, packet,
                off + HandshakeResponse.AUTH_OFFSET, HandshakeResponse.AUTH_LENGTH);
    }

    /** Whether the response at {@code packet[off..)} carries the right response_auth (constant-time). */
    public static boolean verify(byte[] responseKey, byte[] packet, int off) {
        byte[] expected = new byte[HandshakeResponse.AUTH_LENGTH];
        Hmac.truncated(responseKey, packet, off, HandshakeResponse.AUTH_OFFSET, expected, 0,
                HandshakeResponse.AUTH_LENGTH);
        byte[] received = Arrays.copyOfRange(packet, off + HandshakeResponse.AUTH_OFFSET,
                off + HandshakeResponse.AUTH_OFFSET + HandshakeResponse.AUTH_LENGTH);
        return MessageDigest.isEqual(expected, received);
    }
}
