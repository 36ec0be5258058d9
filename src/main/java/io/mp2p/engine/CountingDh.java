package io.mp2p.engine;

import java.security.InvalidKeyException;

import io.mp2p.crypto.DhFunction;
import io.mp2p.crypto.DhKeyPair;
import io.mp2p.crypto.RandomSource;

/**
 * A DH function that counts its scalar multiplications in the engine's metrics: the work an
 * attacker can make a node do is measured in these (spec §7).
 */
final class CountingDh implements DhFunction {
    private final DhFunction inner;
    private final Counters counters;

    CountingDh(DhFunction inner, Counters counters) {
        this.inner = inner;
        this.counters = counters;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public int dhLen() {
        return inner.dhLen();
    }

    @Override
    public DhKeyPair generateKeyPair(RandomSource random) {
        counters.dhOperations++;
        return inner.generateKeyPair(random);
    }

    @Override
    public byte[] publicKey(byte[] privateKey) {
        counters.dhOperations++;
        return inner.publicKey(privateKey);
    }

    @Override
    public void dh(byte[] privateKey, byte[] publicKey, byte[] out, int offset) throws InvalidKeyException {
        counters.dhOperations++;
        inner.dh(privateKey, publicKey, out, offset);
    }
}
