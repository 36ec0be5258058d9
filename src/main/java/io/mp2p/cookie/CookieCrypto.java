package io.mp2p.cookie;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import io.mp2p.crypto.AeadKey;
import io.mp2p.crypto.JdkAead;
import io.mp2p.wire.CookieReply;

/**
 * The encryption of a cookie in a CookieReply (spec §4.5): key_n = HMAC-SHA256(reply_key, nonce),
 * AES-256-GCM with the all-zero nonce (each key encrypts exactly one cookie), ad = the answered mac1.
 * reply_key is {@link CookieReplyKey}'s, shared by the initiator and the intended responder only.
 */
final class CookieCrypto {
    /** The AEAD nonce: zero, since key_n is used once. */
    private static final long ZERO_NONCE = 0;

    private CookieCrypto() {
    }

    static void seal(byte[] replyKey, byte[] reply, int replyOff, byte[] cookie, byte[] mac1, int mac1Off)
            throws GeneralSecurityException {
        AeadKey key = perReplyKey(replyKey, reply, replyOff);
        try {
            key.encrypt(ZERO_NONCE, mac1, mac1Off, CookieConstants.MAC_LENGTH, cookie, 0, cookie.length,
                    reply, replyOff + CookieReply.ENCRYPTED_COOKIE_OFFSET);
        } finally {
            key.destroy();
        }
    }

    /** Decrypts into {@code cookieOut}; throws AEADBadTagException when the reply does not authenticate. */
    static void open(byte[] replyKey, byte[] reply, int replyOff, byte[] mac1, byte[] cookieOut)
            throws GeneralSecurityException {
        AeadKey key = perReplyKey(replyKey, reply, replyOff);
        try {
            key.decrypt(ZERO_NONCE, mac1, 0, mac1.length, reply, replyOff + CookieReply.ENCRYPTED_COOKIE_OFFSET,
                    CookieReply.ENCRYPTED_COOKIE_LENGTH, cookieOut, 0);
        } finally {
            key.destroy();
        }
    }

    private static AeadKey perReplyKey(byte[] replyKey, byte[] reply, int replyOff) {
        byte[] keyN = Hmac.full(replyKey, reply, replyOff + CookieReply.NONCE_OFFSET, CookieReply.NONCE_LENGTH);
        try {
            return JdkAead.AESGCM.newKey(keyN);
        } finally {
            Arrays.fill(keyN, (byte) 0);
        }
    }
}
