package io.mp2p.crypto;

import java.security.InvalidKeyException;

import org.bouncycastle.math.ec.rfc7748.X448;

/** Curve448 DH (RFC 7748) from Bouncy Castle; for the full Noise test vectors, not used by mp2p's suites. */
public final class X448Function implements DhFunction {
    /** The shared instance (stateless). */
    public static final X448Function INSTANCE = new X448Function();

    private X448Function() {
    }

    @Override
    public String name() {
        return "448";
    }

    @Override
    public int dhLen() {
        return X448.POINT_SIZE;
    }

    @Override
    public DhKeyPair generateKeyPair(RandomSource random) {
        byte[] priv = new byte[X448.SCALAR_SIZE];
        random.nextBytes(priv);
        return new DhKeyPair(priv, publicKey(priv));
    }

    @Override
    public byte[] publicKey(byte[] privateKey) {
        byte[] pub = new byte[X448.POINT_SIZE];
        X448.scalarMultBase(privateKey, 0, pub, 0);
        return pub;
    }

    @Override
    public void dh(byte[] privateKey, byte[] publicKey, byte[] out, int offset) throws InvalidKeyException {
        if (publicKey.length != X448.POINT_SIZE) {
            throw new InvalidKeyException("an X448 public key is " + X448.POINT_SIZE + " bytes");
        }
        if (!X448.calculateAgreement(privateKey, 0, publicKey, 0, out, offset)) {
            throw new InvalidKeyException("X448 with this public key gives all zeros (a low-order point)");
        }
    }
}
