package io.mp2p;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

import io.mp2p.address.GroupAddresses;
import io.mp2p.address.GroupSchedule;
import io.mp2p.address.Ipv6Scope;
import io.mp2p.engine.Constants;

/**
 * How a {@link SecureMulticastChannel} listens and connects. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * ChannelOptions options = ChannelOptions.builder()
 *         .networkInterface("eth0")            // required when several interfaces could carry multicast
 *         .ipVersion(IpFamily.IPV6)            // ff1X:: groups; IPV4 (the default) uses 239.192.0.0/14
 *         .ipv6Scope(Ipv6Scope.SITE)           // ff15:: groups stay inside the site (default GLOBAL, ff1e::)
 *         .trustPolicy(PeerTrustPolicy.allowList(Path.of("allowed_peers")))
 *         .connectTimeout(Duration.ofSeconds(20))
 *         .build();
 * }</pre>
 */
public final class ChannelOptions {
    /** Default multicast TTL: the local link. */
    public static final int DEFAULT_TTL = 1;
    /** Default interval between IGMP/MLD membership refreshes (snooping switches forget after ~260 s). */
    public static final Duration DEFAULT_MEMBERSHIP_REFRESH = Duration.ofSeconds(60);
    /** Default number of received messages a session holds for a slow reader before it drops new ones. */
    public static final int DEFAULT_RECEIVE_QUEUE = 4096;

    private final String networkInterface;
    private final IpFamily ipVersion;
    private final InetAddress group;
    private final Ipv6Scope ipv6Scope;
    private final boolean staticGroup;
    private final Clock groupClock;
    private final int port;
    private final int peerPort;
    /** The peer port as set, 0 when it follows {@link #port} (kept so a copy with another port still follows). */
    private final int peerPortSetting;
    private final int ttl;
    private final int unicastPort;
    private final boolean loopback;
    private final Duration connectTimeout;
    private final PeerTrustPolicy trustPolicy;
    private final int pathMtu;
    private final CipherSuite suite;
    private final Duration membershipRefresh;
    private final int receiveQueueCapacity;
    private final SessionListener sessionListener;
    private final HandshakeListener handshakeListener;
    private final Executor callbackExecutor;

    private ChannelOptions(Builder b) {
        this.networkInterface = b.networkInterface;
        this.ipVersion = b.ipVersion;
        this.group = b.group;
        this.ipv6Scope = b.ipv6Scope;
        this.staticGroup = b.staticGroup;
        this.groupClock = b.groupClock;
        this.port = b.port;
        this.peerPort = b.peerPort == 0 ? b.port : b.peerPort;
        this.peerPortSetting = b.peerPort;
        this.ttl = b.ttl;
        this.unicastPort = b.unicastPort;
        this.loopback = b.loopback;
        this.connectTimeout = b.connectTimeout;
        this.trustPolicy = b.trustPolicy;
        this.pathMtu = b.pathMtu;
        this.suite = b.suite;
        this.membershipRefresh = b.membershipRefresh;
        this.receiveQueueCapacity = b.receiveQueueCapacity;
        this.sessionListener = b.sessionListener;
        this.handshakeListener = b.handshakeListener;
        this.callbackExecutor = b.callbackExecutor;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding every setting of these options, to change some and keep the rest:
     * {@code options.toBuilder().port(0).build()}.
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.networkInterface = networkInterface;
        b.ipVersion = ipVersion;
        b.group = group;
        b.ipv6Scope = ipv6Scope;
        b.staticGroup = staticGroup;
        b.groupClock = groupClock;
        b.port = port;
        b.peerPort = peerPortSetting;
        b.ttl = ttl;
        b.unicastPort = unicastPort;
        b.loopback = loopback;
        b.connectTimeout = connectTimeout;
        b.trustPolicy = trustPolicy;
        b.pathMtu = pathMtu;
        b.suite = suite;
        b.membershipRefresh = membershipRefresh;
        b.receiveQueueCapacity = receiveQueueCapacity;
        b.sessionListener = sessionListener;
        b.handshakeListener = handshakeListener;
        b.callbackExecutor = callbackExecutor;
        return b;
    }

    /** The default options: the only multicast interface, IPv4, derived group, port 41414. */
    public static ChannelOptions defaults() {
        return builder().build();
    }

    /** The interface name, or null to require exactly one candidate. */
    public String networkInterface() {
        return networkInterface;
    }

    public IpFamily ipVersion() {
        return ipVersion;
    }

    /** Our group, or null for the one derived from our key. */
    public InetAddress group() {
        return group;
    }

    /** The scope of derived IPv6 groups. */
    public Ipv6Scope ipv6Scope() {
        return ipv6Scope;
    }

    /** Whether derived groups are the fixed ones (key only) rather than the ones that change daily. */
    public boolean staticGroup() {
        return staticGroup;
    }

    /** The clock whose UTC day picks the derived groups. */
    public Clock groupClock() {
        return groupClock;
    }

    /** How groups are derived from keys with these options: IP version, IPv6 scope, daily or static. */
    public GroupSchedule groupSchedule() {
        return GroupSchedule.of(ipVersion.protocolFamily(), ipv6Scope, !staticGroup);
    }

    public int port() {
        return port;
    }

    /** The port peers listen on (by default, ours). */
    public int peerPort() {
        return peerPort;
    }

    public int ttl() {
        return ttl;
    }

    /** The port of our unicast socket; 0: any free port (the default). */
    public int unicastPort() {
        return unicastPort;
    }

    public boolean loopback() {
        return loopback;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public PeerTrustPolicy trustPolicy() {
        return trustPolicy;
    }

    public int pathMtu() {
        return pathMtu;
    }

    public CipherSuite suite() {
        return suite;
    }

    public Duration membershipRefresh() {
        return membershipRefresh;
    }

    public int receiveQueueCapacity() {
        return receiveQueueCapacity;
    }

    /** Where incoming sessions go instead of {@link SecureMulticastChannel#accept()}, or null. */
    public SessionListener sessionListener() {
        return sessionListener;
    }

    /** Told of handshake retries (for progress output), or null. */
    /** Where listeners and {@code connectAsync}'s future run, or null for the channel's own callback thread. */
    public Executor callbackExecutor() {
        return callbackExecutor;
    }

    public HandshakeListener handshakeListener() {
        return handshakeListener;
    }

    /** Builder with the defaults listed on each setter. */
    public static final class Builder {
        private String networkInterface;
        private IpFamily ipVersion = IpFamily.IPV4;
        private InetAddress group;
        private Ipv6Scope ipv6Scope = Ipv6Scope.GLOBAL;
        private boolean staticGroup;
        private Clock groupClock = Clock.systemUTC();
        private int port = GroupAddresses.DEFAULT_PORT;
        private int peerPort;
        private int ttl = DEFAULT_TTL;
        private int unicastPort;
        private boolean loopback = true;
        private Duration connectTimeout = Duration.ofNanos(Constants.REKEY_ATTEMPT_TIME);
        private PeerTrustPolicy trustPolicy = PeerTrustPolicy.acceptAny();
        private int pathMtu = Constants.DEFAULT_PATH_MTU;
        private CipherSuite suite = CipherSuite.AESGCM_SHA256;
        private Duration membershipRefresh = DEFAULT_MEMBERSHIP_REFRESH;
        private int receiveQueueCapacity = DEFAULT_RECEIVE_QUEUE;
        private SessionListener sessionListener;
        private HandshakeListener handshakeListener;
        private Executor callbackExecutor;

        private Builder() {
        }

        /** The interface to join on, e.g. "eth0", or "lo" to stay on this host. Default: the only candidate. */
        public Builder networkInterface(String name) {
            this.networkInterface = name;
            return this;
        }

        /** IPv4 (default) or IPv6 groups. */
        public Builder ipVersion(IpFamily v) {
            this.ipVersion = Objects.requireNonNull(v, "ipVersion");
            return this;
        }

        /** Listen on this group instead of the ones derived from our key (publish it in a node record). */
        public Builder group(InetAddress g) {
            if (g != null && !GroupAddresses.isMp2pGroup(g)) {
                throw new IllegalArgumentException(g.getHostAddress() + " is not an mp2p group ("
                        + GroupAddresses.RANGES_TEXT + ")");
            }
            this.group = g;
            return this;
        }

        /**
         * The scope of derived IPv6 groups: {@code LINK} (ff12), {@code SITE} (ff15), {@code ORGANIZATION}
         * (ff18) or {@code GLOBAL} (ff1e, the default). Peers must use the same scope to find each other.
         */
        public Builder ipv6Scope(Ipv6Scope s) {
            this.ipv6Scope = Objects.requireNonNull(s, "ipv6Scope");
            return this;
        }

        /**
         * Whether derived groups (ours and our peers') are the fixed ones derived from the key alone,
         * for networks that route one configured group. Default false: groups derived from the key and
         * the UTC day, so that an observer cannot follow a node by its group from day to day
         * (spec/ADDRESSING.md §6). Peers must agree on this to find each other.
         */
        public Builder staticGroup(boolean s) {
            this.staticGroup = s;
            return this;
        }

        /** The clock whose UTC day picks the derived groups. Default: the system clock; tests move it. */
        public Builder groupClock(Clock c) {
            this.groupClock = Objects.requireNonNull(c, "groupClock");
            return this;
        }

        /** Our UDP port. Default 41414. */
        public Builder port(int p) {
            this.port = checkPort(p);
            return this;
        }

        /** The port peers listen on. Default: our port. */
        public Builder peerPort(int p) {
            this.peerPort = checkPort(p);
            return this;
        }

        /** Multicast TTL / hop limit: 0 this host, 1 (default) this link, more for routed multicast. */
        public Builder ttl(int t) {
            if (t < 0 || t > 255) {
                throw new IllegalArgumentException("ttl must be 0..255, got " + t);
            }
            this.ttl = t;
            return this;
        }

        /**
         * The port of our unicast socket (everything we send leaves from it, and unicast peers reach us
         * there): fix it when publishing it as a node record endpoint or mapping it on a router.
         * Default 0: any free port.
         */
        public Builder unicastPort(int p) {
            if (p < 0 || p > 65_535) {
                throw new IllegalArgumentException("unicastPort must be 0..65535 (0: any free port), got " + p);
            }
            this.unicastPort = p;
            return this;
        }

        /** Whether our multicast reaches other programs on this host. Default true. */
        public Builder loopback(boolean l) {
            this.loopback = l;
            return this;
        }

        /** How long {@link SecureMulticastChannel#connect} waits. Default 90 s (REKEY_ATTEMPT_TIME). */
        public Builder connectTimeout(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("connect timeout must be positive, got " + d);
            }
            this.connectTimeout = d;
            return this;
        }

        public Builder trustPolicy(PeerTrustPolicy p) {
            this.trustPolicy = Objects.requireNonNull(p, "trustPolicy");
            return this;
        }

        /** IP packet size of the path. Default 1280 (the IPv6 minimum). */
        public Builder pathMtu(int mtu) {
            if (mtu < 576 || mtu > 65_535) {
                throw new IllegalArgumentException("path MTU must be 576..65535, got " + mtu);
            }
            this.pathMtu = mtu;
            return this;
        }

        public Builder suite(CipherSuite s) {
            this.suite = Objects.requireNonNull(s, "suite");
            return this;
        }

        public Builder membershipRefresh(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("membership refresh must be positive, got " + d);
            }
            this.membershipRefresh = d;
            return this;
        }

        public Builder receiveQueueCapacity(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("receive queue capacity must be positive, got " + n);
            }
            this.receiveQueueCapacity = n;
            return this;
        }

        /**
         * Hands each incoming session to {@code l} instead of {@link SecureMulticastChannel#accept()}.
         * It runs on the callback executor, never on the I/O thread; what it throws is logged.
         */
        public Builder sessionListener(SessionListener l) {
            this.sessionListener = l;
            return this;
        }

        /** Reports handshake retries for our own connects; runs on the callback executor. */
        public Builder handshakeListener(HandshakeListener l) {
            this.handshakeListener = l;
            return this;
        }

        /**
         * Where the application's code runs: listeners, and stages chained on
         * {@link SecureMulticastChannel#connectAsync}'s future. Default: one daemon thread per channel,
         * which runs callbacks one at a time in the order their events happened (so a callback that
         * blocks delays the later ones, never the channel). The channel does not shut a supplied
         * executor down; if it rejects a task, the callback gets a thread of its own.
         */
        public Builder callbackExecutor(Executor e) {
            this.callbackExecutor = e;
            return this;
        }

        private static int checkPort(int p) {
            if (p < 1 || p > 65_535) {
                throw new IllegalArgumentException("port must be 1..65535, got " + p);
            }
            return p;
        }

        public ChannelOptions build() {
            return new ChannelOptions(this);
        }
    }
}
