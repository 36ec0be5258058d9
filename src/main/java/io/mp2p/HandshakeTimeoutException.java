package io.mp2p;

import java.time.Duration;

import io.mp2p.identity.PeerKey;

/** No answer from a peer within the connect timeout. */
public class HandshakeTimeoutException extends Mp2pException {
    private static final long serialVersionUID = 1L;
    private final int attempts;
    private final Duration elapsed;

    public HandshakeTimeoutException(PeerKey peer, int attempts, Duration elapsed) {
        super("no answer from peer " + peer.toHex() + " after " + attempts + " handshake attempt"
                + (attempts == 1 ? "" : "s") + " in " + elapsed.toMillis() / 1000.0 + " s: check that it is listening"
                + " on the same network, interface and port, and that it allows your key");
        this.attempts = attempts;
        this.elapsed = elapsed;
    }

    /** How many initiations were sent. */
    public int attempts() {
        return attempts;
    }

    public Duration elapsed() {
        return elapsed;
    }
}
