package io.mp2p.provider;

import java.security.Provider;
import java.util.List;
import java.util.Map;

import io.mp2p.CipherSuite;

/**
 * The mp2p JCA provider. It registers one service type of its own, {@value #SECURE_CHANNEL}, with one algorithm
 * per Noise suite ({@code Noise_IK_25519_AESGCM_SHA256}, alias {@value #ALIAS}; and
 * {@code Noise_IK_25519_ChaChaPoly_BLAKE2s}), each with the attribute {@value #NOISE_PROTOCOL} naming its Noise
 * protocol. It deliberately registers no {@code SSLContext}: callers of that assume X.509 certificates and TLS
 * protocol names.
 *
 * <p>Three ways to make it available, as for any provider:
 * <pre>{@code
 * Security.addProvider(new Mp2pProvider());                     // 1. in code
 * // 2. in a java.security file:   security.provider.13=io.mp2p.provider.Mp2pProvider
 * //    (java -Djava.security.properties=my.security ...)
 * // 3. nothing: the jar lists it in META-INF/services/java.security.Provider, so ServiceLoader finds it, and
 * //    SecureChannelContext.getInstance falls back to the providers ServiceLoader finds.
 * SecureChannelContext ctx = SecureChannelContext.getInstance("mp2p");
 * }</pre>
 */
public final class Mp2pProvider extends Provider {
    private static final long serialVersionUID = 1L;

    /** The provider's name, for {@code Security.getProvider} and {@code getInstance(algorithm, "Mp2p")}. */
    public static final String NAME = "Mp2p";
    /** The service type of {@link SecureChannelContext}. */
    public static final String SECURE_CHANNEL = "SecureChannel";
    /** Short name of the default suite's algorithm. */
    public static final String ALIAS = "mp2p";
    /** Service attribute: the Noise protocol name the algorithm runs. */
    public static final String NOISE_PROTOCOL = "NoiseProtocol";
    private static final String VERSION = "0.1";
    private static final String INFO = "mp2p: Noise IK secure channels between peers named by Ed25519 keys ("
            + SECURE_CHANNEL + " " + CipherSuite.AESGCM_SHA256.noiseProtocolName() + ", "
            + CipherSuite.CHACHAPOLY_BLAKE2S.noiseProtocolName() + ")";

    /** The provider, with both suites registered. Public and without arguments, as the JCA requires. */
    public Mp2pProvider() {
        super(NAME, VERSION, INFO);
        putService(new ContextService(this, CipherSuite.AESGCM_SHA256, List.of(ALIAS)));
        putService(new ContextService(this, CipherSuite.CHACHAPOLY_BLAKE2S, List.of()));
    }

    /**
     * A {@value #SECURE_CHANNEL} service for one suite. It builds its SPI directly rather than by reflection on a
     * class name, so it also works when the implementation's package is not exported.
     */
    private static final class ContextService extends Provider.Service {
        private final CipherSuite suite;

        ContextService(Provider provider, CipherSuite suite, List<String> aliases) {
            super(provider, SECURE_CHANNEL, suite.noiseProtocolName(), Mp2pContextSpi.class.getName(), aliases,
                    Map.of(NOISE_PROTOCOL, suite.noiseProtocolName(), "ImplementedIn", "Software"));
            this.suite = suite;
        }

        @Override
        public Object newInstance(Object constructorParameter) {
            return new Mp2pContextSpi(suite);
        }
    }
}
