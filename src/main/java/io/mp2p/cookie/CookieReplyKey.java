package io.mp2p.cookie;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key a CookieReply is encrypted under (spec §4.5): reply_key = HMAC-SHA256(es,
 * "mp2p-cookie-reply" || ephemeral), where es = X25519(responder static, initiation ephemeral) is
 * the value of Noise's {@code es} token. Only the initiator and the intended responder can compute
 * it, so an attacker who saw the initiation cannot forge the reply.
 *
 * <pre>{@code
 * byte[] replyKey = CookieReplyKey.derive(es, ephemeral);   // then zero es
 * }</pre>
 */
public final class CookieReplyKey {
    private static final byte[] LABEL = "mp2p-cookie-reply".getBytes(StandardCharsets.US_ASCII);

    private CookieReplyKey() {
    }

    /** reply_key from {@code es} (32 bytes) and the initiation's 32-byte ephemeral public key. */
    public static byte[] derive(byte[] es, byte[] ephemeral) {
        byte[] input = new byte[LABEL.length + ephemeral.length];
        System.arraycopy(LABEL, 0, input, 0, LABEL.length);
        System.arraycopy(ephemeral, 0, input, LABEL.length, ephemeral.length);
        byte[] key = Hmac.full(es, input, 0, input.length);
        Arrays.fill(input, (byte) 0);
        return key;
    }
}
