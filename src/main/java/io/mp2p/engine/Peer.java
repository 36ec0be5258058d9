package io.mp2p.engine;

import io.mp2p.stream.StreamConnection;
import io.mp2p.stream.StreamConstants;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

import io.mp2p.cookie.CookieGenerator;
import io.mp2p.identity.PeerKey;

/**
 * Everything the engine knows about one remote identity: its three session slots (spec §6.4), the
 * handshake it is running, its timers (§6.5), messages waiting for a session, and the greatest
 * initiation timestamp accepted from it (§6.3, kept for as long as the engine lives so that a
 * recorded initiation cannot be replayed).
 */
final class Peer {
    static final long NONE = Constants.NO_DEADLINE;

    final PeerKey key;
    /** Our cookie state toward this peer; made when we first send it an initiation (spec §4.5). */
    private CookieGenerator cookies;
    /** Where this peer's packets go; null until known (a reply address, or the locator at our first initiation). */
    InetSocketAddress endpoint;
    /** Whether the application fixed {@link #endpoint}; if not, a new handshake asks the locator at every attempt. */
    boolean endpointFixed;
    /** The group and unicast endpoints a handshake with no session to lean on tries together (§6.10), or null. */
    PathRace race;
    /** The endpoint last reported in a PathChanged event, so that a rekey on the same path reports nothing. */
    InetSocketAddress reportedEndpoint;

    Session previous;
    Session current;
    Session next;

    PendingHandshake pending;
    long handshakeStarted;
    int attempts;
    long retryAt = NONE;

    long keepaliveAt = NONE;
    long newHandshakeAt = NONE;
    long unconfirmedAt = NONE;

    /** Messages waiting for a session; made at the first, since most peers never queue anything. */
    private ArrayDeque<byte[]> queue;
    int nextMessageId;

    byte[] lastTimestampSent;
    /** The timestamp of the last of our initiations that was answered: the responder's bar is at least this. */
    byte[] lastTimestampAnswered;
    byte[] greatestTimestampAccepted;
    /** Whether a SessionEstablished was reported and no SessionClosed since. */
    boolean announced;

    /** Its rank in the peer table, and since when (admission for a stranger, last activity otherwise). */
    PeerTable.Rank rank = PeerTable.Rank.KNOWN;
    long rankSince;
    /** Its neighbours in its rank's list of the peer table. */
    Peer listPrev;
    Peer listNext;

    /** Its streams (spec/STREAMS.md); made at the first stream either side opens, kept across rekeys. */
    StreamConnection streams;

    /** The deadline this peer is filed under in the timer queue, or NONE. */
    long scheduledAt = NONE;

    Peer(PeerKey key) {
        this.key = key;
    }

    CookieGenerator cookies() {
        if (cookies == null) {
            cookies = new CookieGenerator(key);
        }
        return cookies;
    }

    /** Writes mac1 and mac2 of a HandshakeResponse to this peer (spec §4.4). */
    void addResponseMacs(byte[] packet, long now) {
        if (cookies != null) {
            cookies.addMacs(packet, 0, packet.length, now);
        } else {
            // No cookie from this peer, and no CookieReply ever answers a response: nothing to remember.
            CookieGenerator.addMacsWithoutCookie(key, packet, 0, packet.length);
        }
    }

    /** Our initiation ended: its cookie reply key is zeroed and no reply to it is taken any more. */
    void forgetInitiationCookieState() {
        if (cookies != null) {
            cookies.forgetInitiation();
        }
    }

    void destroyCookies() {
        if (cookies != null) {
            cookies.destroy();
        }
    }

    int queued() {
        return queue == null ? 0 : queue.size();
    }

    void enqueue(byte[] message) {
        if (queue == null) {
            queue = new ArrayDeque<>();
        }
        queue.addLast(message);
    }

    /** The oldest queued message, removed, or null. */
    byte[] dequeue() {
        return queue == null ? null : queue.pollFirst();
    }

    /** No session, handshake, queued message or timer: forgetting it loses only its replay bar (§6.3). */
    boolean holdsNothing() {
        return !hasSession() && pending == null && queued() == 0 && nextDeadline() == NONE && scheduledAt == NONE;
    }

    boolean hasSession() {
        return previous != null || current != null || next != null;
    }

    /** The earliest of this peer's timers, and of its sessions' wipe times. */
    long nextDeadline() {
        long d = min(retryAt, keepaliveAt);
        d = min(d, newHandshakeAt);
        d = min(d, unconfirmedAt);
        d = min(d, wipeAt(previous));
        d = min(d, wipeAt(current));
        d = min(d, streamDeadline());
        if (race != null) {
            d = min(d, race.nextAt());
        }
        return min(d, wipeAt(next));
    }

    /** The stream connection's next timer (ACK delay, loss, PTO, pacing, idle), or NONE. */
    long streamDeadline() {
        if (streams == null) {
            return NONE;
        }
        long t = streams.pollTimeout();
        return t == StreamConstants.NO_TIMEOUT ? NONE : t;
    }

    /** Keys are wiped as soon as nothing may use them any more: at REJECT_AFTER_TIME. */
    private static long wipeAt(Session s) {
        return s == null ? NONE : s.created + Constants.REJECT_AFTER_TIME;
    }

    /** The earlier of two deadlines, NONE being later than any. */
    static long min(long a, long b) {
        if (a == NONE) {
            return b;
        }
        if (b == NONE) {
            return a;
        }
        return a - b <= 0 ? a : b;
    }

    static boolean due(long deadline, long now) {
        return deadline != NONE && now - deadline >= 0;
    }

    int sessionCount() {
        return (previous != null ? 1 : 0) + (current != null ? 1 : 0) + (next != null ? 1 : 0);
    }
}
