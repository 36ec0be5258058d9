package io.mp2p.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.InvalidKeyException;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** X25519Function: RFC 7748 agreement, symmetry, and refusal of low-order and malformed public keys. */
class X25519FunctionTest {
    private static final X25519Function X = X25519Function.INSTANCE;
    private static final int CASES = 50;

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /** RFC 7748 §6.1: Alice's and Bob's keys and their shared secret. */
    @Test
    void rfc7748Section61() throws Exception {
        byte[] alicePriv = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPub = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        assertArrayEquals(hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"),
                X.publicKey(alicePriv));
        byte[] shared = new byte[X.dhLen()];
        X.dh(alicePriv, bobPub, shared, 0);
        assertArrayEquals(hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"), shared);
    }

    @Test
    void agreementIsSymmetric() throws Exception {
        SplittableRandom r = new SplittableRandom(25519);
        for (int c = 0; c < CASES; c++) {
            DhKeyPair a = X.generateKeyPair(r::nextBytes);
            DhKeyPair b = X.generateKeyPair(r::nextBytes);
            byte[] ab = new byte[X.dhLen() + 3];
            byte[] ba = new byte[X.dhLen() + 3];
            X.dh(a.privateKey(), b.publicKey(), ab, 3);
            X.dh(b.privateKey(), a.publicKey(), ba, 3);
            assertArrayEquals(ab, ba);
        }
    }

    @Test
    void lowOrderPublicKeysAreRefused() {
        DhKeyPair a = X.generateKeyPair(new SplittableRandom(1)::nextBytes);
        byte[] one = new byte[X.dhLen()];
        one[0] = 1;
        // u = 0 (order 2) and u = 1 (order 4): with a clamped scalar, the result is all zeros.
        for (byte[] lowOrder : new byte[][] {new byte[X.dhLen()], one}) {
            assertThrows(InvalidKeyException.class, () -> X.dh(a.privateKey(), lowOrder, new byte[X.dhLen()], 0));
        }
    }

    @Test
    void wrongLengthPublicKeyIsRefused() {
        DhKeyPair a = X.generateKeyPair(new SplittableRandom(2)::nextBytes);
        assertThrows(InvalidKeyException.class, () -> X.dh(a.privateKey(), new byte[X.dhLen() - 1], new byte[X.dhLen()], 0));
    }
}
