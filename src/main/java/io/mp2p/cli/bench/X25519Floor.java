package io.mp2p.cli.bench;

import java.security.InvalidKeyException;
import java.util.SplittableRandom;

import io.mp2p.crypto.DhKeyPair;
import io.mp2p.crypto.X25519Function;

/**
 * The floor under an IK handshake: exactly the X25519 operations one needs, with the implementation
 * the engine uses ({@link X25519Function}), and nothing else. From the pattern
 * {@code <- s ... -> e, es, s, ss  <- e, ee, se}:
 * <ul>
 * <li>initiator: keygen of e (fixed-base), es = DH(e, rs), ss = DH(s, rs), then ee = DH(e, re),
 *     se = DH(s, re);</li>
 * <li>responder: es = DH(s, re), ss = DH(s, rs), keygen of e (fixed-base), ee = DH(e, re),
 *     se = DH(e, rs).</li>
 * </ul>
 * So 2 fixed-base and 8 variable-base scalar multiplications in all, 1 + 4 on each side (each
 * side's share of the floor is therefore the same). Fresh ephemeral scalars each time, drawn
 * outside the timed part from a cheap generator: drawing randomness is not X25519.
 *
 * <p>The floor stays these ten even though the engine keeps {@code ss} per peer, as WireGuard
 * does: a handshake with a peer met before does eight (1 + 3 on each side), the first one ten, so
 * its rate can exceed this floor. {@link EngineHandshakes#dhOperations()} counts what it did, and
 * {@link #knownPeerHandshake()} is the floor of those eight, measured beside the ten.
 */
final class X25519Floor {
    private static final X25519Function X25519 = X25519Function.INSTANCE;
    private static final int KEY = 32;

    private final SplittableRandom random = new SplittableRandom();
    private final byte[] sa = new byte[KEY];
    private final byte[] sb = new byte[KEY];
    private final byte[] sbPublic;
    private final byte[] saPublic;
    private final byte[] ea = new byte[KEY];
    private final byte[] eb = new byte[KEY];
    private final byte[] out = new byte[KEY];

    X25519Floor() {
        DhKeyPair a = X25519.generateKeyPair(random::nextBytes);
        DhKeyPair b = X25519.generateKeyPair(random::nextBytes);
        System.arraycopy(a.privateKey(), 0, sa, 0, KEY);
        System.arraycopy(b.privateKey(), 0, sb, 0, KEY);
        saPublic = a.publicKey();
        sbPublic = b.publicKey();
        a.destroy();
        b.destroy();
    }

    /** The nanoseconds of one handshake's X25519 work, both sides. */
    long handshake() {
        random.nextBytes(ea);
        random.nextBytes(eb);
        long start = System.nanoTime();
        try {
            byte[] eaPublic = X25519.publicKey(ea);          // initiator: e
            X25519.dh(ea, sbPublic, out, 0);                 // es
            X25519.dh(sa, sbPublic, out, 0);                 // ss
            X25519.dh(sb, eaPublic, out, 0);                 // responder: es
            X25519.dh(sb, saPublic, out, 0);                 // ss
            byte[] ebPublic = X25519.publicKey(eb);          // e
            X25519.dh(eb, eaPublic, out, 0);                 // ee
            X25519.dh(eb, saPublic, out, 0);                 // se
            X25519.dh(ea, ebPublic, out, 0);                 // initiator: ee
            X25519.dh(sa, ebPublic, out, 0);                 // se
        } catch (InvalidKeyException e) {
            throw new AssertionError("honestly generated X25519 keys are never low-order", e);
        }
        return System.nanoTime() - start;
    }

    /**
     * The nanoseconds of the X25519 work of a handshake with a peer met before: the ten above
     * without the two {@code ss}, which the engine keeps per peer (2 fixed-base and 6 variable-base,
     * 1 + 3 on each side).
     */
    long knownPeerHandshake() {
        random.nextBytes(ea);
        random.nextBytes(eb);
        long start = System.nanoTime();
        try {
            byte[] eaPublic = X25519.publicKey(ea);          // initiator: e
            X25519.dh(ea, sbPublic, out, 0);                 // es
            X25519.dh(sb, eaPublic, out, 0);                 // responder: es
            byte[] ebPublic = X25519.publicKey(eb);          // e
            X25519.dh(eb, eaPublic, out, 0);                 // ee
            X25519.dh(eb, saPublic, out, 0);                 // se
            X25519.dh(ea, ebPublic, out, 0);                 // initiator: ee
            X25519.dh(sa, ebPublic, out, 0);                 // se
        } catch (InvalidKeyException e) {
            throw new AssertionError("honestly generated X25519 keys are never low-order", e);
        }
        return System.nanoTime() - start;
    }
}
