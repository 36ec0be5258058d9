package io.mp2p.engine;

import io.mp2p.CipherSuite;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.mp2p.address.GroupAddresses;
import io.mp2p.crypto.RandomSource;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.stream.StreamConfig;

/**
 * Everything an {@link Endpoint} needs from outside: identity, where it listens, how to find peers,
 * randomness and wall-clock time, and its bounds. Immutable; build with {@link #builder(Mp2pIdentity)}.
 *
 * <pre>{@code
 * EngineConfig config = EngineConfig.builder(identity)
 *         .replyAddress(new InetSocketAddress(GroupAddresses.ipv4(identity.publicKey()), 41414))
 *         .random(RandomSource.secure())
 *         .wallClock(() -> System.currentTimeMillis() * 1_000_000L)
 *         .build();
 * }</pre>
 */
public final class EngineConfig {
    private final Mp2pIdentity identity;
    private final Supplier<InetSocketAddress> replyAddress;
    private final PeerLocator peerLocator;
    private final CipherSuite suite;
    private final int pathMtu;
    private final Predicate<PeerKey> trust;
    private final RandomSource random;
    private final WallClock wallClock;
    private final int maxQueuedMessages;
    private final long maxReassemblyBytesPerPeer;
    private final long maxReassemblyBytesTotal;
    private final long reassemblyTimeout;
    private final int handshakeLoadThreshold;
    private final int maxPeers;
    private final Predicate<PeerKey> knownPeers;
    private final StreamConfig.Builder streams;

    private EngineConfig(Builder b) {
        this.identity = b.identity;
        this.replyAddress = b.replyAddress;
        this.peerLocator = b.peerLocator;
        this.suite = b.suite;
        this.pathMtu = b.pathMtu;
        this.trust = b.trust;
        this.random = b.random;
        this.wallClock = b.wallClock;
        this.maxQueuedMessages = b.maxQueuedMessages;
        this.maxReassemblyBytesPerPeer = b.maxReassemblyBytesPerPeer;
        this.maxReassemblyBytesTotal = b.maxReassemblyBytesTotal;
        this.reassemblyTimeout = b.reassemblyTimeout;
        this.handshakeLoadThreshold = b.handshakeLoadThreshold;
        this.maxPeers = b.maxPeers;
        this.knownPeers = b.knownPeers;
        this.streams = b.streams;
    }

    public static Builder builder(Mp2pIdentity identity) {
        return new Builder(identity);
    }

    public Mp2pIdentity identity() {
        return identity;
    }

    /**
     * Our group and port now, sent in each initiation so the responder knows where to answer; null:
     * "reply to the source". Asked again for every initiation, since a node's group may rotate.
     */
    public InetSocketAddress replyAddress() {
        return replyAddress.get();
    }

    /** Where a peer listens, asked for each initiation attempt (see {@link PeerLocator}). */
    public PeerLocator peerLocator() {
        return peerLocator;
    }

    public CipherSuite suite() {
        return suite;
    }

    public int pathMtu() {
        return pathMtu;
    }

    public Predicate<PeerKey> trust() {
        return trust;
    }

    public RandomSource random() {
        return random;
    }

    public WallClock wallClock() {
        return wallClock;
    }

    public int maxQueuedMessages() {
        return maxQueuedMessages;
    }

    /** Bytes charged for one peer's incomplete fragmented messages before its fragments are refused. */
    public long maxReassemblyBytesPerPeer() {
        return maxReassemblyBytesPerPeer;
    }

    public long maxReassemblyBytesTotal() {
        return maxReassemblyBytesTotal;
    }

    public long reassemblyTimeout() {
        return reassemblyTimeout;
    }

    public int handshakeLoadThreshold() {
        return handshakeLoadThreshold;
    }

    /** Peers kept before stateless ones are forgotten and new initiators refused. */
    public int maxPeers() {
        return maxPeers;
    }

    /**
     * Keys the peer table keeps ahead of every other peer (spec §8): never evicted for a newcomer.
     * Keys the application addresses are kept so too.
     */
    public Predicate<PeerKey> knownPeers() {
        return knownPeers;
    }

    /** Plaintext bytes one TransportData packet may carry at this path MTU (spec §5, "Sizes"). */
    /**
     * The stream layer's settings (spec/STREAMS.md §9), its packet size fitted to {@link #maxPlaintext()}:
     * one stream run fills a TransportData plaintext.
     */
    public StreamConfig streamConfig() {
        return streams.maxPacketSize(maxPlaintext()).build();
    }

    public int maxPlaintext() {
        return pathMtu - Constants.IP_UDP_OVERHEAD - io.mp2p.wire.TransportData.OVERHEAD;
    }

    /** Builder; every setting but the identity, random source and wall clock has a default. */
    public static final class Builder {
        /** Smallest path MTU that still leaves room for a fragment frame with data. */
        public static final int MIN_PATH_MTU = 576;
        /** Largest UDP payload over IPv6 jumbo-less paths. */
        public static final int MAX_PATH_MTU = 65_535;

        private final Mp2pIdentity identity;
        private Supplier<InetSocketAddress> replyAddress = () -> null;
        private PeerLocator peerLocator =
                (k, attempt) -> new InetSocketAddress(GroupAddresses.ipv4(k), GroupAddresses.DEFAULT_PORT);
        private CipherSuite suite = CipherSuite.AESGCM_SHA256;
        private int pathMtu = Constants.DEFAULT_PATH_MTU;
        private Predicate<PeerKey> trust = k -> true;
        private RandomSource random;
        private WallClock wallClock;
        private int maxQueuedMessages = Constants.MAX_QUEUED_MESSAGES;
        private long maxReassemblyBytesPerPeer = Constants.MAX_REASSEMBLY_BYTES_PER_PEER;
        private long maxReassemblyBytesTotal = Constants.MAX_REASSEMBLY_BYTES_TOTAL;
        private long reassemblyTimeout = Constants.REASSEMBLY_TIMEOUT;
        private int handshakeLoadThreshold = Constants.HANDSHAKE_LOAD_THRESHOLD;
        private int maxPeers = Constants.MAX_PEERS;
        private Predicate<PeerKey> knownPeers = k -> false;
        private StreamConfig.Builder streams = StreamConfig.builder().portAcceptor(port -> false);

        private Builder(Mp2pIdentity identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
        }

        public Builder replyAddress(InetSocketAddress a) {
            this.replyAddress = () -> a;
            return this;
        }

        /** Our reply address as it is when each initiation is written (for groups that rotate). */
        public Builder replyAddress(Supplier<InetSocketAddress> a) {
            this.replyAddress = Objects.requireNonNull(a, "replyAddress");
            return this;
        }

        /**
         * Where a peer listens, asked for each initiation attempt of {@link Endpoint#connect(PeerKey, long)};
         * default: its static derived IPv4 group, port 41414.
         */
        public Builder peerLocator(PeerLocator locator) {
            this.peerLocator = Objects.requireNonNull(locator, "locator");
            return this;
        }

        /** A locator that gives one address per peer, whatever the attempt. */
        public Builder peerLocator(Function<PeerKey, InetSocketAddress> locator) {
            Objects.requireNonNull(locator, "locator");
            this.peerLocator = (k, attempt) -> locator.apply(k);
            return this;
        }

        public Builder suite(CipherSuite s) {
            this.suite = Objects.requireNonNull(s, "suite");
            return this;
        }

        public Builder pathMtu(int mtu) {
            if (mtu < MIN_PATH_MTU || mtu > MAX_PATH_MTU) {
                throw new IllegalArgumentException("path MTU must be " + MIN_PATH_MTU + ".." + MAX_PATH_MTU + ", got " + mtu);
            }
            this.pathMtu = mtu;
            return this;
        }

        /** Which initiators may open a session; refused ones get no answer. Default: everyone. */
        public Builder trust(Predicate<PeerKey> t) {
            this.trust = Objects.requireNonNull(t, "trust");
            return this;
        }

        public Builder random(RandomSource r) {
            this.random = Objects.requireNonNull(r, "random");
            return this;
        }

        public Builder wallClock(WallClock c) {
            this.wallClock = Objects.requireNonNull(c, "wallClock");
            return this;
        }

        public Builder maxQueuedMessages(int n) {
            this.maxQueuedMessages = positive(n, "maxQueuedMessages");
            return this;
        }

        /**
         * Bounds of fragment reassembly (spec §8): bytes charged per peer and in total, and the time
         * a fragmented message has to complete.
         */
        public Builder reassemblyLimits(long perPeer, long total, long timeoutNanos) {
            this.maxReassemblyBytesPerPeer = positive(perPeer, "perPeer");
            this.maxReassemblyBytesTotal = positive(total, "total");
            this.reassemblyTimeout = positive(timeoutNanos, "timeoutNanos");
            return this;
        }

        public Builder handshakeLoadThreshold(int perSecond) {
            this.handshakeLoadThreshold = positive(perSecond, "handshakeLoadThreshold");
            return this;
        }

        /** Peers kept (default 65,536): bounds the memory an "accept any" node gives to strangers. */
        public Builder maxPeers(int n) {
            this.maxPeers = positive(n, "maxPeers");
            return this;
        }

        /**
         * Keys never evicted from the peer table for a newcomer, e.g. an allow-list that an
         * accept-any node also keeps (default: none; keys the application addresses are always kept).
         */
        public Builder knownPeers(Predicate<PeerKey> known) {
            this.knownPeers = Objects.requireNonNull(known, "known");
            return this;
        }

        private static int positive(int v, String name) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + v);
            }
            return v;
        }

        private static long positive(long v, String name) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + v);
            }
            return v;
        }

        /**
         * The stream layer's settings; its packet size is set from the path MTU. Its port acceptor says
         * which ports take incoming streams (default: none, every incoming stream is refused).
         */
        public Builder streams(StreamConfig.Builder b) {
            this.streams = Objects.requireNonNull(b, "streams");
            return this;
        }

        public EngineConfig build() {
            if (random == null) {
                throw new IllegalStateException("a random source is required: random(RandomSource.secure())");
            }
            if (wallClock == null) {
                throw new IllegalStateException("a wall clock is required for initiation timestamps");
            }
            return new EngineConfig(this);
        }
    }
}
