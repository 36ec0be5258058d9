package io.mp2p.noise;

/**
 * Diffie-Hellman results the caller already holds, so that a {@link HandshakeState} need not compute
 * them again: WireGuard's precomputed static-static DH of a known peer, or an {@code es} the caller
 * computed before the handshake for another use. A wrong value is not detected here; the peer then
 * fails to read the next message (its tag does not verify), so only a correct cache is any use.
 *
 * <pre>{@code
 * KnownSecrets ss = new KnownSecrets() {
 *     public boolean lookup(Token t, byte[] remotePublic, byte[] out) {
 *         return t == Token.SS && cache.copyTo(remotePublic, out);
 *     }
 *     public void computed(Token t, byte[] remotePublic, byte[] shared) {
 *         if (t == Token.SS) cache.remember(remotePublic, shared);
 *     }
 * };
 * HandshakeState hs = HandshakeState.builder(ik).initiator(false).localStatic(s).knownSecrets(ss).build();
 * }</pre>
 */
public interface KnownSecrets {
    /**
     * Writes the DH result of {@code token} (our key of that token with {@code remotePublic}) to
     * {@code out} and returns true if it is known; false makes the state compute it.
     */
    boolean lookup(Token token, byte[] remotePublic, byte[] out);

    /**
     * A DH result the state has just computed, before it is mixed in and zeroed: the callee copies
     * what it keeps. The message it belongs to has not been authenticated yet when this is called.
     */
    default void computed(Token token, byte[] remotePublic, byte[] shared) {
    }
}
