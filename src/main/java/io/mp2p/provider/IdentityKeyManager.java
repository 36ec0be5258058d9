package io.mp2p.provider;

import java.nio.file.Path;
import java.security.KeyStore;

import javax.net.ssl.KeyManager;

import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.Mp2pIdentity;

/**
 * Supplies the identity a {@link SecureChannelContext} presents, as a JSSE {@code KeyManager} supplies a
 * certificate and key. The context asks each time it opens a channel, creates an engine or a socket, so a key
 * manager may rotate identities. It owns the identities it hands out: the context never destroys them.
 *
 * <pre>{@code
 * IdentityKeyManager fromPem = IdentityKeyManager.fromPem(Path.of("identity.pem"));
 * IdentityKeyManager fromStore = IdentityKeyManager.fromPkcs12(Path.of("node.p12"), password);
 * SecureChannelContext ctx = SecureChannelContext.getInstance("mp2p");
 * ctx.init(new KeyManager[] {fromPem}, null, null);
 * }</pre>
 */
@FunctionalInterface
public interface IdentityKeyManager extends KeyManager {
    /** The identity to present now. Called on the thread that opens the channel, engine or socket. */
    Mp2pIdentity chooseIdentity();

    /** Always {@code identity}. */
    static IdentityKeyManager of(Mp2pIdentity identity) {
        java.util.Objects.requireNonNull(identity, "identity");
        return () -> identity;
    }

    /** The identity in a PEM PKCS#8 file, read once, now. */
    static IdentityKeyManager fromPem(Path file) throws KeyFormatException {
        return of(Mp2pIdentity.load(file));
    }

    /**
     * The identity in a PKCS12 file (its only Ed25519 private-key entry), read once, now. The password stays the
     * caller's to clear.
     */
    static IdentityKeyManager fromPkcs12(Path file, char[] password) throws KeyFormatException {
        return of(Mp2pIdentity.loadPkcs12(file, password));
    }

    /** The identity in entry {@code alias} (null: the only Ed25519 entry) of a loaded key store, read now. */
    static IdentityKeyManager fromKeyStore(KeyStore store, String alias, char[] password) throws KeyFormatException {
        return of(Mp2pIdentity.fromKeyStore(store, alias, password));
    }
}
