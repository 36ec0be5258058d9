package io.mp2p.provider;

import java.io.IOException;
import java.security.KeyManagementException;
import java.security.SecureRandom;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

import io.mp2p.ChannelOptions;
import io.mp2p.PeerTrustPolicy;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.CipherSuite;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.net.SecureDatagramSocket;
import io.mp2p.net.PeerResolver;
import io.mp2p.net.SecureDatagramSocketFactory;
import io.mp2p.net.internal.LazyChannelStreams;
import io.mp2p.net.internal.StreamAcceptor;
import io.mp2p.net.internal.StreamConnector;
import io.mp2p.net.internal.StreamServerSocketFactory;
import io.mp2p.net.internal.StreamSocketFactory;

/**
 * mp2p's own context implementation, for one cipher suite. The first {@link IdentityKeyManager} among the key
 * managers supplies the identity (none: a new random identity for this context); the first
 * {@link PeerTrustManager} among the trust managers replaces the trust policy of every options passed in (none:
 * the options' own policy, for engines accept-any, since an engine talks to one named peer anyway).
 */
final class Mp2pContextSpi extends SecureChannelContextSpi {
    private final CipherSuite suite;
    private IdentityKeyManager keyManager;
    private PeerTrustManager trustManager;
    private SecureRandom random;
    private boolean initialized;
    private final java.util.Map<Integer, LazyChannelStreams> streamsByPort = new java.util.HashMap<>();

    Mp2pContextSpi(CipherSuite suite) {
        this.suite = suite;
    }

    @Override
    protected synchronized void engineInit(KeyManager[] keyManagers, TrustManager[] trustManagers,
                                           SecureRandom secureRandom) throws KeyManagementException {
        this.random = secureRandom != null ? secureRandom : new SecureRandom();
        this.keyManager = first(keyManagers, IdentityKeyManager.class, "key");
        if (keyManager == null) {
            keyManager = IdentityKeyManager.of(Mp2pIdentity.generate(random));
        }
        this.trustManager = first(trustManagers, PeerTrustManager.class, "trust");
        this.initialized = true;
    }

    /** The first manager of our type; null for none given; an error when only others (e.g. X.509 ones) were. */
    private static <T> T first(Object[] managers, Class<T> type, String kind) throws KeyManagementException {
        if (managers == null || managers.length == 0) {
            return null;
        }
        for (Object m : managers) {
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
        throw new KeyManagementException("no " + type.getSimpleName() + " among the " + managers.length + " " + kind
                + " manager(s) given: mp2p identities are Ed25519 keys, not X.509 certificates");
    }

    private synchronized void checkInit() {
        if (!initialized) {
            throw new IllegalStateException("SecureChannelContext is not initialized: call init(...) first");
        }
    }

    private Mp2pIdentity identity() {
        Mp2pIdentity id = keyManager.chooseIdentity();
        if (id == null) {
            throw new IllegalStateException("the key manager " + keyManager + " chose no identity");
        }
        return id;
    }

    /** The options with this context's suite and, when a trust manager was given, its trust policy. */
    ChannelOptions adapt(ChannelOptions options) {
        ChannelOptions.Builder b = options.toBuilder().suite(suite);
        if (trustManager != null) {
            b.trustPolicy(trustManager);
        }
        return b.build();
    }

    @Override
    protected SecureMulticastChannel engineOpenChannel(ChannelOptions options) throws IOException {
        checkInit();
        return SecureMulticastChannel.open(identity(), adapt(options));
    }

    @Override
    protected SecureChannelEngine engineCreateEngine(PeerKey peer, boolean clientMode) {
        checkInit();
        PeerTrustPolicy trust = trustManager != null ? trustManager : PeerTrustPolicy.acceptAny();
        return SecureChannelEngine.builder(identity(), peer).clientMode(clientMode).trust(trust).suite(suite)
                .random(random).build();
    }

    @Override
    protected SecureDatagramSocket engineCreateDatagramSocket(ChannelOptions options) throws IOException {
        checkInit();
        return SecureDatagramSocket.open(identity(), adapt(options));
    }

    @Override
    protected SecureDatagramSocketFactory engineGetDatagramSocketFactory(ChannelOptions options) {
        checkInit();
        return new SecureDatagramSocketFactory(this::identity, adapt(options));
    }

    @Override
    protected SocketFactory engineGetSocketFactory(ChannelOptions options) {
        checkInit();
        ChannelOptions adapted = adapt(options);
        return new StreamSocketFactory(streamConnector(adapted), PeerResolver.of(adapted));
    }

    @Override
    protected ServerSocketFactory engineGetServerSocketFactory(ChannelOptions options) {
        checkInit();
        ChannelOptions adapted = adapt(options);
        return new StreamServerSocketFactory(streamAcceptor(adapted), PeerResolver.of(adapted));
    }

    /**
     * The streams of this context's socket factories with {@code options}: one channel per UDP port,
     * opened at the first socket and shared by client and server sockets (one identity listens once
     * on a port).
     */
    private synchronized LazyChannelStreams streams(ChannelOptions options) {
        return streamsByPort.computeIfAbsent(options.port(), p -> new LazyChannelStreams(this::identity, options));
    }

    @Override
    protected synchronized void engineClose() {
        for (LazyChannelStreams s : streamsByPort.values()) {
            s.close();
        }
        streamsByPort.clear();
    }

    private StreamConnector streamConnector(ChannelOptions options) {
        return streams(options);
    }

    private StreamAcceptor streamAcceptor(ChannelOptions options) {
        return streams(options);
    }
}
