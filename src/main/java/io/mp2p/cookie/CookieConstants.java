package io.mp2p.cookie;

import java.util.concurrent.TimeUnit;

/**
 * Constants of the mac1/mac2/cookie mechanism (spec §3, §4.4, §4.5, §7).
 *
 * <pre>{@code
 * boolean fresh = now - cookieReceivedAt < CookieConstants.COOKIE_USABLE_NANOS;
 * }</pre>
 */
public final class CookieConstants {
    /** {@code COOKIE_REFRESH_TIME}: the responder's secret rotates this often; a held cookie expires after this. */
    public static final long COOKIE_REFRESH_TIME_NANOS = TimeUnit.SECONDS.toNanos(120);
    /**
     * An initiator stops using a cookie this long before {@code COOKIE_REFRESH_TIME}: the cookie was
     * made some time before it arrived and the next initiation takes time to arrive, so a cookie used
     * up to the last moment could reach a responder that no longer accepts it.
     */
    public static final long COOKIE_LATENCY_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long after receipt an initiator uses a cookie as the key of mac2. */
    public static final long COOKIE_USABLE_NANOS = COOKIE_REFRESH_TIME_NANOS - COOKIE_LATENCY_MARGIN_NANOS;
    /** Length of a cookie (a truncated HMAC-SHA256). */
    public static final int COOKIE_LENGTH = 16;
    /** Length of the responder's random cookie secret R. */
    public static final int SECRET_LENGTH = 32;
    /** {@code HANDSHAKE_LOAD_THRESHOLD}: handshakes per second above which a node is under load. */
    public static final int DEFAULT_HANDSHAKE_LOAD_THRESHOLD = 128;
    /** Window over which handshakes are counted for the load decision. */
    public static final long LOAD_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a node stays under load after the threshold was last exceeded. */
    public static final long UNDER_LOAD_HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Domain-separation label of the mac1 key (ASCII). */
    static final String MAC1_LABEL = "mp2p-mac1";
    /** Length of mac1, mac2, and of the cookie: HMAC-SHA256 truncated to 128 bits. */
    static final int MAC_LENGTH = 16;
    /** mac1 and mac2 are the last two 16-byte fields of a handshake packet. */
    static final int MACS_LENGTH = 2 * MAC_LENGTH;

    private CookieConstants() {
    }
}
