package io.mp2p.noise;

import static io.mp2p.noise.NoiseTestSupport.IK;
import static io.mp2p.noise.NoiseTestSupport.keyPair;
import static io.mp2p.noise.NoiseTestSupport.protocol;
import static io.mp2p.noise.NoiseTestSupport.random;
import static io.mp2p.noise.NoiseTestSupport.read;
import static io.mp2p.noise.NoiseTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mp2p.crypto.DhKeyPair;

/** DH results supplied through {@link KnownSecrets} give the same transcript as computing them. */
class KnownSecretsTest {
    private static final byte[] PAYLOAD = {1, 2, 3};

    /** Records what the state computed, and serves recorded values when asked. */
    private static final class Recorder implements KnownSecrets {
        final Map<Token, byte[]> served = new EnumMap<>(Token.class);
        final Map<Token, byte[]> computed = new EnumMap<>(Token.class);
        final List<Token> lookedUp = new ArrayList<>();

        @Override
        public boolean lookup(Token token, byte[] remotePublic, byte[] out) {
            lookedUp.add(token);
            byte[] v = served.get(token);
            if (v == null) {
                return false;
            }
            System.arraycopy(v, 0, out, 0, v.length);
            return true;
        }

        @Override
        public void computed(Token token, byte[] remotePublic, byte[] shared) {
            computed.put(token, shared.clone());
        }
    }

    /** One IK handshake; returns message 1, message 2 and both handshake hashes. */
    private static byte[][] run(long seed, Recorder initiatorSecrets, Recorder responderSecrets) throws NoiseException {
        SplittableRandom r = new SplittableRandom(seed);
        NoiseProtocol p = protocol(IK);
        DhKeyPair is = keyPair(r);
        DhKeyPair rs = keyPair(r);
        HandshakeState.Builder ib = HandshakeState.builder(p).initiator(true).localStatic(is)
                .remoteStatic(rs.publicKey()).random(random(r.split()));
        HandshakeState.Builder rb = HandshakeState.builder(p).initiator(false).localStatic(rs)
                .random(random(r.split()));
        HandshakeState i = (initiatorSecrets == null ? ib : ib.knownSecrets(initiatorSecrets)).build();
        HandshakeState s = (responderSecrets == null ? rb : rb.knownSecrets(responderSecrets)).build();
        byte[] m1 = write(i, PAYLOAD);
        assertArrayEquals(PAYLOAD, read(s, m1));
        byte[] m2 = write(s, PAYLOAD);
        assertArrayEquals(PAYLOAD, read(i, m2));
        return new byte[][] {m1, m2, i.handshakeHash(), s.handshakeHash()};
    }

    @Test
    void suppliedResultsGiveTheSameMessagesAsComputedOnes() throws NoiseException {
        Recorder first = new Recorder();
        Recorder firstResponder = new Recorder();
        byte[][] computed = run(7, first, firstResponder);
        assertEquals(List.of(Token.ES, Token.SS, Token.EE, Token.SE), first.lookedUp);
        assertEquals(List.of(Token.ES, Token.SS, Token.EE, Token.SE), firstResponder.lookedUp);

        // Same seed, so same ephemerals: serve every result the first run computed.
        Recorder again = new Recorder();
        again.served.putAll(first.computed);
        Recorder againResponder = new Recorder();
        againResponder.served.putAll(firstResponder.computed);
        byte[][] served = run(7, again, againResponder);
        assertEquals(0, again.computed.size(), "nothing computed when everything is known");
        assertEquals(0, againResponder.computed.size());
        for (int k = 0; k < computed.length; k++) {
            assertArrayEquals(computed[k], served[k]);
        }
        assertArrayEquals(computed[0], run(7, null, null)[0], "and the same as with no hook at all");
    }

    @Test
    void aWrongSuppliedSsFailsThePeersRead() {
        Recorder wrong = new Recorder();
        wrong.served.put(Token.SS, new byte[32]);
        assertThrows(AuthenticationFailedException.class, () -> run(8, wrong, null));
    }
}
