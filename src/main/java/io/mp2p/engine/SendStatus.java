package io.mp2p.engine;

/** What {@link Endpoint#send} did with a message. */
public enum SendStatus {
    /** Encrypted and queued for transmission. */
    SENT,
    /** Held until a handshake completes. */
    QUEUED,
    /** Longer than {@link Constants#MAX_MESSAGE_LENGTH}; nothing was sent. */
    TOO_LARGE,
    /** Held, but the queue was full, so the oldest queued message was dropped. */
    QUEUED_DROPPED_OLDEST
}
