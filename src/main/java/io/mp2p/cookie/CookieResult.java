package io.mp2p.cookie;

/**
 * What {@link CookieGenerator#consumeReply} did with a CookieReply.
 *
 * <pre>{@code
 * if (generator.consumeReply(buf, 0, len, now) != CookieResult.ACCEPTED) stats.dropCookieReply();
 * }</pre>
 */
public enum CookieResult {
    /** The cookie was decrypted and will key mac2 of the next handshake packets. */
    ACCEPTED,
    /** No initiation is waiting for a reply: the last one was answered already, or abandoned. */
    NO_PENDING_MAC,
    /** The reply does not authenticate (forged, tampered, answering another packet, or malformed); nothing changed. */
    DECRYPT_FAILED
}
