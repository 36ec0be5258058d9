package io.mp2p;

/** Receives incoming sessions, as an alternative to {@link SecureMulticastChannel#accept()}. */
@FunctionalInterface
public interface SessionListener {
    /**
     * A peer opened a session with us. Called on the channel's callback executor
     * ({@link ChannelOptions.Builder#callbackExecutor}), never on its I/O thread; what it throws is logged.
     */
    void onSession(PeerSession session);
}
