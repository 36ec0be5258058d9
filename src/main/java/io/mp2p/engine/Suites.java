package io.mp2p.engine;

import java.util.EnumMap;
import java.util.Map;

import io.mp2p.CipherSuite;
import io.mp2p.noise.NoiseProtocol;
import io.mp2p.noise.UnsupportedProtocolException;

/** The Noise protocol behind each public {@link CipherSuite}: the API names suites, the engine runs them. */
public final class Suites {
    private static final Map<CipherSuite, NoiseProtocol> PROTOCOLS = new EnumMap<>(CipherSuite.class);

    static {
        for (CipherSuite s : CipherSuite.values()) {
            try {
                PROTOCOLS.put(s, NoiseProtocol.parse(s.noiseProtocolName()));
            } catch (UnsupportedProtocolException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private Suites() {
    }

    /** The Noise protocol {@code suite} runs. */
    public static NoiseProtocol protocol(CipherSuite suite) {
        return PROTOCOLS.get(suite);
    }
}
