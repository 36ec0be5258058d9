package io.mp2p.engine;

import java.net.InetSocketAddress;

import io.mp2p.SessionPath;

/**
 * Where a peer's packets go once a session exists (spec §6.10): reporting the path, and following a
 * unicast peer to a new source address. A group session never moves: its peer's packets always come
 * from a unicast source that is not where it listens.
 */
final class PeerPaths {
    private PeerPaths() {
    }

    /** Tells the caller where {@code p}'s packets go now, if that changed since it was last told. */
    static void report(Peer p, EngineOutput out) {
        if (p.endpoint != null && !p.endpoint.equals(p.reportedEndpoint)) {
            p.reportedEndpoint = p.endpoint;
            out.event(new EngineEvent.PathChanged(p.key, SessionPath.of(p.endpoint)));
        }
    }

    /**
     * An authenticated, non-replayed packet of {@code p} came from {@code from}: a unicast session
     * moves there (the peer roamed, or a NAT rebound its port), as WireGuard does.
     */
    static void roam(Peer p, InetSocketAddress from, EngineOutput out) {
        if (from == null || p.endpoint == null || p.endpoint.getAddress() == null
                || p.endpoint.getAddress().isMulticastAddress() || from.equals(p.endpoint)) {
            return;
        }
        p.endpoint = from;
        report(p, out);
    }
}
