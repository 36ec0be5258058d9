package io.mp2p;

import java.time.Duration;

import io.mp2p.identity.PeerKey;

/** Progress of handshakes we initiate, so a tool can say what it is doing instead of sitting silent. */
@FunctionalInterface
public interface HandshakeListener {
    /**
     * An initiation went unanswered and attempt {@code attempt} was just sent. Called on the
     * channel's callback executor ({@link ChannelOptions.Builder#callbackExecutor}), never on its I/O thread.
     */
    void onRetry(PeerKey peer, int attempt, Duration elapsed);
}
