package io.mp2p.engine;

import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.mp2p.identity.PeerKey;

/**
 * The peers an engine knows, bounded (spec §8, "Peer table"), and who gives way when it is full.
 * A peer is in one of three ranks:
 *
 * <ul>
 * <li><b>known</b>: a key the application addressed ({@code send}, {@code connect}) or configured as
 * known ({@link EngineConfig#knownPeers()}). Never evicted for a newcomer.
 * <li><b>established</b>: a peer that confirmed a session with an authenticated transport packet.
 * Ordered by its last authenticated packet.
 * <li><b>stranger</b>: a peer admitted by its initiation that has not confirmed a session. Ordered
 * by admission.
 * </ul>
 *
 * When the table is full, a newcomer takes the place of, in this order: the oldest stranger, once
 * it has had {@link Constants#STRANGER_GRACE} to confirm; else the least recently active
 * established peer; else (at most once per {@link Constants#PEER_EVICTION_INTERVAL}) known peers
 * that hold nothing are forgotten. Otherwise it is refused ({@code TOO_MANY_PEERS}): the table then
 * holds only known peers and strangers admitted within the last {@code STRANGER_GRACE}. Strangers
 * churn among themselves first, so a flood of new identities pushes out established peers only
 * when it outpaces {@code maxPeers} per grace period, and then the least recently active first.
 */
final class PeerTable {
    /** The ranks, in the order they give way. */
    enum Rank { STRANGER, ESTABLISHED, KNOWN }

    private final Map<PeerKey, Peer> peers = new HashMap<>();
    private final int maxPeers;
    private final Predicate<PeerKey> known;
    /** Strangers, oldest admission first. */
    private final PeerList strangers = new PeerList();
    /** Established peers, least recently active first. */
    private final PeerList established = new PeerList();
    private long lastScan = Peer.NONE;

    PeerTable(int maxPeers, Predicate<PeerKey> known) {
        this.maxPeers = maxPeers;
        this.known = known;
    }

    Peer get(PeerKey key) {
        return peers.get(key);
    }

    int size() {
        return peers.size();
    }

    Collection<Peer> all() {
        return peers.values();
    }

    /** The peer for a key the application addresses: made known (created if need be; never refused). */
    Peer addressed(PeerKey key) {
        Peer p = peers.get(key);
        if (p == null) {
            p = new Peer(key);
            peers.put(key, p);
        } else if (p.rank != Rank.KNOWN) {
            listOf(p.rank).remove(p);
        }
        p.rank = Rank.KNOWN;
        return p;
    }

    /**
     * The peer for an authenticated initiator: the one held, or a new one, making room if the table
     * is full ({@code evict} wipes what a peer that gives way holds). Null if there is no room.
     */
    Peer admit(PeerKey key, long now, Consumer<Peer> evict) {
        Peer p = peers.get(key);
        if (p != null) {
            return p;
        }
        if (peers.size() >= maxPeers && !makeRoom(now, evict)) {
            return null;
        }
        p = new Peer(key);
        peers.put(key, p);
        if (known.test(key)) {
            p.rank = Rank.KNOWN;
        } else {
            p.rank = Rank.STRANGER;
            p.rankSince = now;
            strangers.addLast(p);
        }
        return p;
    }

    /** An authenticated transport packet from {@code p}: it has established traffic, and is the most recently active. */
    void active(Peer p, long now) {
        if (p.rank == Rank.KNOWN) {
            return;
        }
        listOf(p.rank).remove(p);
        p.rank = Rank.ESTABLISHED;
        p.rankSince = now;
        established.addLast(p);
    }

    private boolean makeRoom(long now, Consumer<Peer> evict) {
        Peer oldest = strangers.first();
        if (oldest != null && now - oldest.rankSince >= Constants.STRANGER_GRACE) {
            remove(oldest, evict);
            return true;
        }
        if (established.first() != null) {
            remove(established.first(), evict);
            return true;
        }
        return forgetIdleKnownPeers(now);
    }

    /** Forgets known peers that hold nothing, at most once per PEER_EVICTION_INTERVAL (a flood must not make every packet scan). */
    private boolean forgetIdleKnownPeers(long now) {
        if (lastScan != Peer.NONE && now - lastScan < Constants.PEER_EVICTION_INTERVAL) {
            return false;
        }
        lastScan = now;
        for (Iterator<Peer> it = peers.values().iterator(); it.hasNext(); ) {
            Peer p = it.next();
            if (p.rank == Rank.KNOWN && p.holdsNothing()) {
                p.destroyCookies();
                it.remove();
            }
        }
        return peers.size() < maxPeers;
    }

    private void remove(Peer p, Consumer<Peer> evict) {
        listOf(p.rank).remove(p);
        peers.remove(p.key);
        evict.accept(p);
        p.destroyCookies();
    }

    private PeerList listOf(Rank rank) {
        return rank == Rank.STRANGER ? strangers : established;
    }

    /** A doubly linked list threaded through the peers themselves: two references per peer, no nodes. */
    static final class PeerList {
        private Peer head;
        private Peer tail;

        Peer first() {
            return head;
        }

        void addLast(Peer p) {
            p.listPrev = tail;
            p.listNext = null;
            if (tail == null) {
                head = p;
            } else {
                tail.listNext = p;
            }
            tail = p;
        }

        void remove(Peer p) {
            if (p.listPrev == null) {
                head = p.listNext;
            } else {
                p.listPrev.listNext = p.listNext;
            }
            if (p.listNext == null) {
                tail = p.listPrev;
            } else {
                p.listNext.listPrev = p.listPrev;
            }
            p.listPrev = null;
            p.listNext = null;
        }
    }
}
