package io.mp2p.engine;

import java.util.concurrent.TimeUnit;

/**
 * The protocol's constants, in nanoseconds where they are times. The specification constants are
 * those of spec/PROTOCOL.md §3 (WireGuard's timers); the implementation constants do not affect
 * interoperability and are listed in spec/PROTOCOL.md §8.
 */
public final class Constants {
    private Constants() {
    }

    // ---- specification constants (spec/PROTOCOL.md §3) ----

    /** Start a new handshake after sending this many messages on a session. */
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /** Never send or accept a counter at or past this (an unsigned 64-bit value). */
    public static final long REJECT_AFTER_MESSAGES = -1L - (1L << 13);
    /** The initiator of a session rekeys when the session is this old. */
    public static final long REKEY_AFTER_TIME = TimeUnit.SECONDS.toNanos(120);
    /** A session older than this is not used to send or receive. */
    public static final long REJECT_AFTER_TIME = TimeUnit.SECONDS.toNanos(180);
    /** Give up retrying a handshake after this long. */
    public static final long REKEY_ATTEMPT_TIME = TimeUnit.SECONDS.toNanos(90);
    /** Retry an unanswered initiation after this long, plus jitter. */
    public static final long REKEY_TIMEOUT = TimeUnit.SECONDS.toNanos(5);
    /** Upper bound of the uniform jitter added to each retry. */
    public static final long REKEY_TIMEOUT_JITTER_MAX = TimeUnit.MILLISECONDS.toNanos(333);
    /** Send an empty packet if we received data but sent nothing for this long. */
    public static final long KEEPALIVE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    /**
     * A responder refuses an initiation whose timestamp is more than this ahead of its own wall
     * clock (spec §6.3): accepting one would raise the replay bar past every honest timestamp the
     * initiator can send until its clock catches up. Kerberos's default clock skew.
     */
    public static final long MAX_TIMESTAMP_AHEAD = TimeUnit.SECONDS.toNanos(300);
    /** Largest application message. */
    public static final int MAX_MESSAGE_LENGTH = 65_535;
    /** IP packet size assumed unless configured: the IPv6 minimum MTU. */
    public static final int DEFAULT_PATH_MTU = 1280;
    /** IPv6 (40) + UDP (8) headers, the bound used for both address families. */
    public static final int IP_UDP_OVERHEAD = 48;

    // ---- implementation constants (spec/PROTOCOL.md §8) ----

    /** Messages queued per peer while its handshake runs. */
    public static final int MAX_QUEUED_MESSAGES = 1024;
    /**
     * Bytes charged for incomplete fragmented messages of one peer (all its sessions): what was
     * received plus the overheads of {@link io.mp2p.fragment.Reassembler}.
     */
    public static final long MAX_REASSEMBLY_BYTES_PER_PEER = 1L << 20;
    /** Bytes of incomplete fragmented messages held in total. */
    public static final long MAX_REASSEMBLY_BYTES_TOTAL = 16L << 20;
    /** Time for a fragmented message to complete. */
    public static final long REASSEMBLY_TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    /** Handshake packets per second past mac1 before cookies are required. */
    public static final int HANDSHAKE_LOAD_THRESHOLD = 128;
    /** Initiations per second per source once under load (WireGuard's limiter). */
    public static final int RATE_LIMIT_PER_SECOND = 20;
    /** Burst of initiations per source once under load. */
    public static final int RATE_LIMIT_BURST = 5;
    /** Sources tracked by the rate limiter. */
    public static final int RATE_LIMIT_TABLE_SIZE = 65_536;
    /**
     * Peers an engine keeps. Past this, peers with no session, handshake or queued message are
     * forgotten to make room, and a new initiator is refused if none can be.
     */
    public static final int MAX_PEERS = 65_536;
    /**
     * A stranger (a peer admitted by its initiation that has not confirmed a session) is not
     * evicted for a newcomer before it has had this long to confirm: the genuine initiator's first
     * transport packet arrives one round trip after our response.
     */
    public static final long STRANGER_GRACE = TimeUnit.SECONDS.toNanos(1);
    /** How often a full peer table may be scanned for peers to forget, so that a flood cannot make every packet pay for a scan. */
    public static final long PEER_EVICTION_INTERVAL = TimeUnit.SECONDS.toNanos(1);
    /**
     * Cookie replies a node computes per second under load (spec §7): each costs one DH, so this
     * bounds that work (1,000 a second: 10-16% of one core at the 100-156 us per X25519 measured on
     * the loaded reference machine); beyond it, no reply.
     */
    public static final int COOKIE_REPLY_RATE = 1000;
    /** Cookie replies at once: an eighth of a second's worth. */
    public static final int COOKIE_REPLY_BURST = 125;

    /** "No deadline": what {@link Endpoint#nextDeadline()} returns when nothing is scheduled. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;
}
