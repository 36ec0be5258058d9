package io.mp2p.provider;

import java.io.IOException;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

import io.mp2p.ChannelOptions;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.identity.PeerKey;
import io.mp2p.net.SecureDatagramSocket;
import io.mp2p.net.SecureDatagramSocketFactory;

/**
 * The entry point for code that finds its security the JCA way, as {@code SSLContext} is for TLS: look a context up
 * by algorithm, initialise it with key managers (the identity) and trust managers (which peers to accept), then
 * open channels, create sans-IO engines, or make {@code DatagramSocket}s from it.
 *
 * <pre>{@code
 * SecureChannelContext ctx = SecureChannelContext.getInstance("mp2p");      // or the Noise protocol name
 * ctx.init(new KeyManager[] {IdentityKeyManager.fromPkcs12(Path.of("node.p12"), password)},
 *          new TrustManager[] {PeerTrustManager.allowList(Path.of("allowed_peers"))},
 *          null);
 * ChannelOptions options = ChannelOptions.builder().networkInterface("lo").ttl(0).build();
 * try (DatagramSocket socket = ctx.createDatagramSocket(options)) {           // java.net code runs on this
 *     ...
 * }
 * SecureChannelEngine engine = ctx.createEngine(peerKey, true);              // bring your own transport
 * }</pre>
 *
 * <p>The algorithm is the Noise suite everything from the context uses ({@code "mp2p"} is
 * {@code Noise_IK_25519_AESGCM_SHA256}); it replaces {@link ChannelOptions#suite()} in the options passed in.
 * A context is thread-safe once initialised.
 */
public class SecureChannelContext implements AutoCloseable {
    private final SecureChannelContextSpi spi;
    private final Provider provider;
    private final String algorithm;

    /** For providers that subclass the context, as {@code SSLContext} allows. */
    protected SecureChannelContext(SecureChannelContextSpi spi, Provider provider, String algorithm) {
        this.spi = Objects.requireNonNull(spi, "spi");
        this.provider = provider;
        this.algorithm = algorithm;
    }

    /**
     * A context for {@code algorithm} from the first installed provider (in preference order) that has it; failing
     * that, from a provider on the class or module path that {@link ServiceLoader} finds, so that the mp2p jar
     * alone is enough.
     *
     * @throws NoSuchAlgorithmException when no provider offers a {@value Mp2pProvider#SECURE_CHANNEL} for it
     */
    public static SecureChannelContext getInstance(String algorithm) throws NoSuchAlgorithmException {
        Objects.requireNonNull(algorithm, "algorithm");
        for (Provider p : Security.getProviders()) {
            SecureChannelContext ctx = fromProvider(p, algorithm);
            if (ctx != null) {
                return ctx;
            }
        }
        ServiceLoader<Provider> loader = ServiceLoader.load(Provider.class, SecureChannelContext.class.getClassLoader());
        for (var it = loader.iterator(); it.hasNext(); ) {
            Provider p;
            try {
                p = it.next();
            } catch (ServiceConfigurationError e) {
                // Another jar's broken provider entry must not hide ours.
                continue;
            }
            SecureChannelContext ctx = fromProvider(p, algorithm);
            if (ctx != null) {
                return ctx;
            }
        }
        throw new NoSuchAlgorithmException(Mp2pProvider.SECURE_CHANNEL + " " + algorithm
                + " is not offered by any provider");
    }

    /**
     * A context for {@code algorithm} from the installed provider named {@code provider}.
     *
     * @throws NoSuchProviderException  when no provider of that name is installed
     * @throws NoSuchAlgorithmException when it does not offer the algorithm
     */
    public static SecureChannelContext getInstance(String algorithm, String provider)
            throws NoSuchAlgorithmException, NoSuchProviderException {
        Objects.requireNonNull(provider, "provider");
        Provider p = Security.getProvider(provider);
        if (p == null) {
            throw new NoSuchProviderException("no provider named " + provider + " is installed");
        }
        return getInstance(algorithm, p);
    }

    /** A context for {@code algorithm} from {@code provider}, installed or not. */
    public static SecureChannelContext getInstance(String algorithm, Provider provider)
            throws NoSuchAlgorithmException {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(provider, "provider");
        SecureChannelContext ctx = fromProvider(provider, algorithm);
        if (ctx == null) {
            throw new NoSuchAlgorithmException(provider.getName() + " offers no " + Mp2pProvider.SECURE_CHANNEL
                    + " " + algorithm);
        }
        return ctx;
    }

    private static SecureChannelContext fromProvider(Provider p, String algorithm) throws NoSuchAlgorithmException {
        Provider.Service s = p.getService(Mp2pProvider.SECURE_CHANNEL, algorithm);
        if (s == null) {
            return null;
        }
        Object spi = s.newInstance(null);
        if (!(spi instanceof SecureChannelContextSpi contextSpi)) {
            throw new NoSuchAlgorithmException(p.getName() + "'s " + Mp2pProvider.SECURE_CHANNEL + " " + algorithm
                    + " is a " + spi.getClass().getName() + ", not a SecureChannelContextSpi");
        }
        return new SecureChannelContext(contextSpi, p, s.getAlgorithm());
    }

    /** The provider this context came from. */
    public final Provider getProvider() {
        return provider;
    }

    /** The algorithm's standard name (the Noise protocol), even when looked up by an alias. */
    public final String getAlgorithm() {
        return algorithm;
    }

    /**
     * Sets the identity and the trust decision. {@code keyManagers}: the first {@link IdentityKeyManager} is used;
     * null or empty gives this context a new random identity. {@code trustManagers}: the first
     * {@link PeerTrustManager} decides for everything made from this context; null or empty leaves each options'
     * own trust policy. {@code random} (null: a new {@link SecureRandom}) draws the identity of an anonymous
     * context and the engines' randomness.
     *
     * @throws KeyManagementException when managers are given but none is of mp2p's types (e.g. X.509 ones)
     */
    public final void init(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random)
            throws KeyManagementException {
        spi.engineInit(keyManagers, trustManagers, random);
    }

    /**
     * Opens a channel with this context's identity, trust and suite, and the rest of {@code options}.
     *
     * @throws IllegalStateException before {@link #init}
     */
    public final SecureMulticastChannel openChannel(ChannelOptions options) throws IOException {
        return spi.engineOpenChannel(Objects.requireNonNull(options, "options"));
    }

    /**
     * A sans-IO engine for one session with {@code peer}: {@code clientMode} true starts the handshake, false waits
     * for the peer's (and accepts no one else's).
     */
    public final SecureChannelEngine createEngine(PeerKey peer, boolean clientMode) {
        return spi.engineCreateEngine(Objects.requireNonNull(peer, "peer"), clientMode);
    }

    /** A {@link SecureDatagramSocket} bound to {@code options.port()}. */
    public final SecureDatagramSocket createDatagramSocket(ChannelOptions options) throws IOException {
        return spi.engineCreateDatagramSocket(Objects.requireNonNull(options, "options"));
    }

    /** A factory of {@link SecureDatagramSocket}s configured by {@code options}, for libraries that take one. */
    public final SecureDatagramSocketFactory getDatagramSocketFactory(ChannelOptions options) {
        return spi.engineGetDatagramSocketFactory(Objects.requireNonNull(options, "options"));
    }

    /** As {@link #getDatagramSocketFactory(ChannelOptions)} with {@link ChannelOptions#defaults()}. */
    public final SecureDatagramSocketFactory getDatagramSocketFactory() {
        return getDatagramSocketFactory(ChannelOptions.defaults());
    }

    /**
     * A {@code javax.net.SocketFactory} whose sockets are reliable, encrypted byte streams to peers, for libraries
     * that take one (HTTP clients, database drivers, ...), as {@code SSLContext.getSocketFactory()} is for TLS. A
     * host is a peer's {@code <base32>.mp2p} name (see {@link io.mp2p.net.PeerResolver}, which also serves as
     * OkHttp's {@code Dns}) or its {@link io.mp2p.net.PeerAddresses} address; the port is a stream port on that
     * peer. {@link io.mp2p.net.Mp2pSockets#peerKey(java.net.Socket)} tells a socket's authenticated peer.
     *
     * <p>The factories of one context share one channel per UDP port, opened at the first socket that
     * needs it; {@link #close()} closes it.
     *
     * @throws IllegalStateException before {@link #init}
     */
    public final SocketFactory getSocketFactory(ChannelOptions options) {
        return spi.engineGetSocketFactory(Objects.requireNonNull(options, "options"));
    }

    /** As {@link #getSocketFactory(ChannelOptions)} with {@link ChannelOptions#defaults()}. */
    public final SocketFactory getSocketFactory() {
        return getSocketFactory(ChannelOptions.defaults());
    }

    /**
     * A {@code javax.net.ServerSocketFactory} whose server sockets accept the streams peers open to their port on
     * this node, for servers that take one.
     *
     * @throws IllegalStateException before {@link #init}
     */
    public final ServerSocketFactory getServerSocketFactory(ChannelOptions options) {
        return spi.engineGetServerSocketFactory(Objects.requireNonNull(options, "options"));
    }

    /** As {@link #getServerSocketFactory(ChannelOptions)} with {@link ChannelOptions#defaults()}. */
    public final ServerSocketFactory getServerSocketFactory() {
        return getServerSocketFactory(ChannelOptions.defaults());
    }

    /**
     * Closes the channels this context's socket factories opened (their sockets end with them). Channels
     * and datagram sockets handed out by {@link #openChannel} and {@link #createDatagramSocket} are the
     * caller's to close. Idempotent.
     */
    @Override
    public void close() {
        spi.engineClose();
    }
}
