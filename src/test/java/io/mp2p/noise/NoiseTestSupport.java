package io.mp2p.noise;

import java.util.SplittableRandom;

import io.mp2p.crypto.DhKeyPair;
import io.mp2p.crypto.RandomSource;
import io.mp2p.crypto.X25519Function;

/** Shared helpers for the Noise tests: deterministic randomness and a two-party IK/XX driver. */
final class NoiseTestSupport {
    static final String IK = "Noise_IK_25519_AESGCM_SHA256";
    static final String XX = "Noise_XX_25519_AESGCM_SHA256";
    static final int TAG = CipherState.TAG_LENGTH;
    static final int DH_LEN = 32;

    private NoiseTestSupport() {
    }

    /** Deterministic, so a failing case can be replayed from its seed. */
    static RandomSource random(SplittableRandom r) {
        return r::nextBytes;
    }

    static DhKeyPair keyPair(SplittableRandom r) {
        return X25519Function.INSTANCE.generateKeyPair(random(r));
    }

    static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static NoiseProtocol protocol(String name) {
        try {
            return NoiseProtocol.parse(name);
        } catch (UnsupportedProtocolException e) {
            throw new AssertionError(name, e);
        }
    }

    /** An initiator/responder pair for an IK or XX protocol, with their static keys. */
    static final class Pair {
        final HandshakeState initiator;
        final HandshakeState responder;
        final DhKeyPair initiatorStatic;
        final DhKeyPair responderStatic;

        Pair(String protocolName, SplittableRandom r, byte[] initiatorPrologue, byte[] responderPrologue,
             byte[] responderStaticOverride) {
            NoiseProtocol p = protocol(protocolName);
            initiatorStatic = keyPair(r);
            responderStatic = keyPair(r);
            boolean knowsRemote = p.pattern().responderPreStatic();
            HandshakeState.Builder ib = HandshakeState.builder(p).initiator(true).prologue(initiatorPrologue)
                    .localStatic(initiatorStatic).random(random(r.split()));
            if (knowsRemote) {
                ib.remoteStatic(responderStaticOverride != null ? responderStaticOverride : responderStatic.publicKey());
            }
            initiator = ib.build();
            responder = HandshakeState.builder(p).initiator(false).prologue(responderPrologue)
                    .localStatic(responderStatic).random(random(r.split())).build();
        }

        Pair(String protocolName, SplittableRandom r) {
            this(protocolName, r, new byte[0], new byte[0], null);
        }
    }

    /** Writes the next message of {@code from} with {@code payload}; returns exactly the message bytes. */
    static byte[] write(HandshakeState from, byte[] payload) throws NoiseException {
        byte[] out = new byte[from.nextMessageOverhead() + payload.length];
        int n = from.writeMessage(payload, 0, payload.length, out, 0);
        if (n != out.length) {
            throw new AssertionError("wrote " + n + " bytes, overhead predicted " + out.length);
        }
        return out;
    }

    /** Reads a message into a fresh buffer and returns the payload. */
    static byte[] read(HandshakeState to, byte[] msg) throws NoiseException {
        byte[] payload = new byte[msg.length];
        int n = to.readMessage(msg, 0, msg.length, payload, 0);
        return java.util.Arrays.copyOf(payload, n);
    }
}
