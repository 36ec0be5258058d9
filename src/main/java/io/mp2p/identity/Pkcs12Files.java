package io.mp2p.identity;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * PKCS12 key stores holding an Ed25519 identity, as {@code keytool -genkeypair -keyalg Ed25519 -storetype PKCS12}
 * writes them: one private-key entry whose certificate is self-signed. Package-private: the public entry points are
 * {@link Mp2pIdentity#loadPkcs12}, {@link Mp2pIdentity#fromKeyStore} and {@link Mp2pIdentity#savePkcs12}.
 *
 * <p>The store is read and written with the JDK's own PKCS12 implementation, so the file is exactly what keytool
 * and openssl read. Our copies of key material (file bytes, PKCS#8 DER, the seed) are zeroed after use; the JDK's
 * {@code PrivateKey} objects cannot be wiped (they do not implement {@code destroy}) and are left to the collector.
 */
final class Pkcs12Files {
    /** The key store type, as {@code KeyStore.getInstance} and keytool's {@code -storetype} name it. */
    static final String STORE_TYPE = "PKCS12";
    /** The alias {@link Mp2pIdentity#savePkcs12} gives the entry. */
    static final String DEFAULT_ALIAS = "mp2p";
    /** The JCA name of the key algorithm. */
    private static final String ED25519 = "Ed25519";

    private Pkcs12Files() {
    }

    static Mp2pIdentity load(Path path, char[] password) throws KeyFormatException {
        byte[] bytes = KeyFiles.readFile(path);
        try {
            KeyStore store = KeyStore.getInstance(STORE_TYPE);
            store.load(new ByteArrayInputStream(bytes), password);
            return fromKeyStore(store, null, password, path.toString());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw wrongPassword(path.toString(), e);
            }
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    path + " is not a PKCS12 key store: " + KeyFiles.describe(e), e);
        } catch (GeneralSecurityException e) {
            if (e instanceof KeyFormatException k) {
                throw k;
            }
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    path + " cannot be read as a PKCS12 key store: " + KeyFiles.describe(e), e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static KeyFormatException wrongPassword(String source, Exception e) {
        return new KeyFormatException(KeyFormatException.Reason.PASSWORD,
                source + ": wrong password (or the file is damaged)", e);
    }

    /**
     * The identity in {@code alias}, or, when {@code alias} is null, in the only private-key entry whose
     * certificate holds an Ed25519 key.
     */
    static Mp2pIdentity fromKeyStore(KeyStore store, String alias, char[] password, String source)
            throws KeyFormatException {
        try {
            String chosen = alias != null ? checkAlias(store, alias, source) : onlyEd25519Entry(store, source);
            Key key;
            try {
                key = store.getKey(chosen, password);
            } catch (UnrecoverableKeyException e) {
                throw wrongPassword(source + " entry \"" + chosen + "\"", e);
            }
            if (!(key instanceof PrivateKey)) {
                throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                        source + " entry \"" + chosen + "\" holds no private key");
            }
            byte[] der = key.getEncoded();
            if (der == null) {
                throw new KeyFormatException(KeyFormatException.Reason.ENCODING, source + " entry \"" + chosen
                        + "\" holds a key that cannot be exported (a hardware token?)");
            }
            byte[] seed = null;
            try {
                String where = source + " entry \"" + chosen + "\"";
                seed = Mp2pIdentity.parsePkcs8(der, where);
                Mp2pIdentity identity = Mp2pIdentity.fromSeed(seed);
                checkCertificateKey(store.getCertificate(chosen), identity, where);
                return identity;
            } finally {
                Arrays.fill(der, (byte) 0);
                if (seed != null) {
                    Arrays.fill(seed, (byte) 0);
                }
            }
        } catch (KeyStoreException e) {
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + ": the key store is not loaded: " + KeyFiles.describe(e), e);
        } catch (GeneralSecurityException e) {
            if (e instanceof KeyFormatException k) {
                throw k;
            }
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + ": cannot read the key: " + KeyFiles.describe(e), e);
        }
    }

    private static String checkAlias(KeyStore store, String alias, String source)
            throws KeyStoreException, KeyFormatException {
        if (!store.containsAlias(alias)) {
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + " has no entry \"" + alias + "\"; it has " + describeEntries(store));
        }
        if (!store.isKeyEntry(alias) || !isEd25519(store.getCertificate(alias))) {
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + " entry \"" + alias + "\" is not an Ed25519 private key entry");
        }
        return alias;
    }

    private static String onlyEd25519Entry(KeyStore store, String source) throws KeyStoreException,
            KeyFormatException {
        List<String> found = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias) && isEd25519(store.getCertificate(alias))) {
                found.add(alias);
            }
        }
        if (found.isEmpty()) {
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + " holds no Ed25519 private key entry; it has " + describeEntries(store));
        }
        if (found.size() > 1) {
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + " holds several Ed25519 keys " + found + "; name the one to use");
        }
        return found.get(0);
    }

    private static String describeEntries(KeyStore store) throws KeyStoreException {
        List<String> names = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            Certificate c = store.getCertificate(alias);
            String kind = c == null ? (store.isKeyEntry(alias) ? "secret key" : "entry")
                    : c.getPublicKey().getAlgorithm() + (store.isKeyEntry(alias) ? " key" : " certificate");
            names.add("\"" + alias + "\" (" + kind + ")");
        }
        return names.isEmpty() ? "no entries" : String.join(", ", names);
    }

    /** Whether the certificate's SubjectPublicKeyInfo is an Ed25519 key (RFC 8410), whatever the JDK calls it. */
    private static boolean isEd25519(Certificate certificate) {
        if (certificate == null) {
            return false;
        }
        byte[] spki = certificate.getPublicKey().getEncoded();
        return spki != null && spki.length == KeyFiles.SPKI_PREFIX.length + PeerKey.LENGTH
                && Arrays.equals(spki, 0, KeyFiles.SPKI_PREFIX.length, KeyFiles.SPKI_PREFIX, 0,
                KeyFiles.SPKI_PREFIX.length);
    }

    /** A certificate for another key than the entry's private key means a corrupted or forged store. */
    private static void checkCertificateKey(Certificate certificate, Mp2pIdentity identity, String source)
            throws KeyFormatException {
        byte[] spki = certificate.getPublicKey().getEncoded();
        byte[] key = Arrays.copyOfRange(spki, KeyFiles.SPKI_PREFIX.length, spki.length);
        if (!MessageDigest.isEqual(key, identity.publicKey().encoded())) {
            identity.destroy();
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + ": the certificate's public key does not match the private key");
        }
    }

    /** A key store holding {@code identity} under {@code alias}, with a new self-signed certificate. */
    static KeyStore toKeyStore(Mp2pIdentity identity, String alias, char[] password, byte[] pkcs8) {
        try {
            PrivateKey key = KeyFactory.getInstance(ED25519).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            KeyStore store = KeyStore.getInstance(STORE_TYPE);
            store.load(null, null);
            store.setKeyEntry(alias, key, password,
                    new Certificate[] {SelfSignedCertificate.create(identity, new SecureRandom())});
            return store;
        } catch (GeneralSecurityException | IOException e) {
            // The JDK has had Ed25519 and PKCS12 since 15; a failure here is not the caller's input.
            throw new IllegalStateException("the JDK could not build a PKCS12 store for an Ed25519 key", e);
        }
    }

    /** The encoded store, written with mode 0600 like PEM key files. */
    static void save(KeyStore store, Path path, char[] password, boolean overwrite) throws IOException {
        WipingBuffer out = new WipingBuffer();
        try {
            store.store(out, password);
            byte[] bytes = out.toByteArray();
            try {
                KeyFiles.writePrivate(path, bytes, overwrite);
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the PKCS12 key store: " + KeyFiles.describe(e), e);
        } finally {
            out.wipe();
        }
    }

    /** A ByteArrayOutputStream whose internal buffer can be zeroed. */
    private static final class WipingBuffer extends ByteArrayOutputStream {
        void wipe() {
            Arrays.fill(buf, (byte) 0);
        }
    }
}
