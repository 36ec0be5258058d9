package io.mp2p;

import io.mp2p.identity.PeerKey;

/** Our own trust policy does not allow this peer. */
public class PeerRefusedException extends Mp2pException {
    private static final long serialVersionUID = 1L;

    public PeerRefusedException(PeerKey peer) {
        super("peer " + peer.toHex() + " is not allowed by this channel's trust policy; add it to the allow-list"
                + " to talk to it");
    }
}
