package io.mp2p;

/** Receives incoming sessions, as an alternative to {@link SecureMulticastChannel#accept()}. */
@FunctionalInterface
public interface SessionListener {
    /** A peer opened a session with us. Called on the channel's I/O thread: hand work off quickly. */
    void onSession(PeerSession session);
}
