package io.mp2p.engine;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Happy Eyeballs for one peer (RFC 8305 style, spec §6.10): each handshake initiation goes to the
 * peer's group at once and to each of its unicast endpoints in turn, {@link #CONNECTION_ATTEMPT_DELAY}
 * apart, until a response completes the handshake. Every destination gets the same bytes — one
 * handshake, one index, one timestamp — so whichever copy the responder answers first is the one
 * session, and later copies are refused as replays (§6.3, {@code STALE_TIMESTAMP}).
 *
 * <p>Owned by the engine's thread like everything in {@link Peer}; times are the engine's nanoseconds.
 */
final class PathRace {
    /** Pause between starting one path and the next: RFC 8305 §5's recommended Connection Attempt Delay. */
    static final long CONNECTION_ATTEMPT_DELAY = 250_000_000L;

    private final InetSocketAddress group;
    private final List<InetSocketAddress> endpoints;
    private byte[] packet;
    private final List<InetSocketAddress> order = new ArrayList<>();
    private int sent;
    private long nextAt = Peer.NONE;

    /**
     * A race over {@code group} (null: the locator's group, asked per attempt) and these unicast
     * endpoints, in the order given.
     */
    PathRace(InetSocketAddress group, List<InetSocketAddress> endpoints) {
        this.group = group;
        this.endpoints = List.copyOf(endpoints);
    }

    /** The group the application gave, or null to ask the locator. */
    InetSocketAddress group() {
        return group;
    }

    /** Whether copies of an initiation are still going out or may still be answered. */
    boolean running() {
        return packet != null;
    }

    /** The unicast endpoints this race tries after the group. */
    List<InetSocketAddress> endpoints() {
        return endpoints;
    }

    /**
     * Starts the race for a new initiation: sends it to {@code group} (if not null) now, and schedules
     * the unicast endpoints. A new initiation replaces the previous one's race.
     */
    void start(InetSocketAddress group, byte[] initiation, long now, EngineOutput out) {
        packet = initiation;
        order.clear();
        if (group != null) {
            order.add(group);
        }
        order.addAll(endpoints);
        sent = 0;
        nextAt = now;
        step(now, out);
    }

    /** Sends the next copy if it is due; called from the peer's timers. */
    void step(long now, EngineOutput out) {
        if (packet == null || !Peer.due(nextAt, now)) {
            return;
        }
        out.emit(order.get(sent), packet.clone());
        sent++;
        nextAt = sent < order.size() ? now + CONNECTION_ATTEMPT_DELAY : Peer.NONE;
    }

    /** When the next copy goes, or {@link Peer#NONE}. */
    long nextAt() {
        return nextAt;
    }

    /**
     * The handshake completed with a response from {@code from}: the race stops, and the address
     * the session sends to is returned (spec §6.10). If only the group had been tried, the response
     * proves the group path and the session stays on it; once a unicast copy was in flight as well,
     * the copies cannot be told apart, and the response's own source — a unicast address of the
     * peer that demonstrably reaches us and that we demonstrably reach back through any stateful
     * firewall or NAT on the way — is taken.
     */
    InetSocketAddress finish(InetSocketAddress from) {
        InetSocketAddress first = order.isEmpty() ? null : order.get(0);
        boolean onlyGroup = sent == 1 && first != null && first.getAddress().isMulticastAddress();
        stop();
        return onlyGroup || from == null ? first : from;
    }

    /** No more copies of the current initiation (the handshake ended either way). */
    void stop() {
        packet = null;
        nextAt = Peer.NONE;
    }

    /** How many copies of the current initiation were sent. */
    int sent() {
        return sent;
    }
}
