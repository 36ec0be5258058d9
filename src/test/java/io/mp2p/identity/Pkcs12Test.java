package io.mp2p.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PKCS12 identities against the real tools: stores written by {@code keytool -genkeypair -keyalg Ed25519
 * -storetype PKCS12} load, and stores we write are read back by {@code keytool -list -v} and {@code openssl pkcs12}.
 * Passwords reach the tools through the environment ({@code -storepass:env}, {@code -passin env:}).
 */
class Pkcs12Test {
    private static final String PASSWORD = "correct horse";
    private static final String PASSWORD_VAR = "MP2P_TEST_STORE_PASSWORD";
    private static final Map<String, String> ENV = Map.of(PASSWORD_VAR, PASSWORD);
    private static final byte[] MESSAGE = "the same key signs the same bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private static char[] password() {
        return PASSWORD.toCharArray();
    }

    @Test
    void readsWhatKeytoolWrites() throws Exception {
        Path store = dir.resolve("keytool.p12");
        ExternalTool.ok(List.of(ExternalTool.keytool(), "-genkeypair", "-keyalg", "Ed25519", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass:env", PASSWORD_VAR, "-alias", "node",
                "-dname", "CN=keytool test"), ENV);

        Mp2pIdentity identity = Mp2pIdentity.loadPkcs12(store, password());

        // keytool's own view of the public key: the certificate it exports.
        String pem = ExternalTool.ok(List.of(ExternalTool.keytool(), "-exportcert", "-rfc", "-keystore",
                store.toString(), "-storepass:env", PASSWORD_VAR, "-alias", "node"), ENV);
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(PeerKey.fromPem(toPublicPem(cert)), identity.publicKey());

        // openssl's view of the private key: the PKCS#8 it extracts is the same seed (Ed25519 signs deterministically).
        Path keyPem = dir.resolve("keytool-key.pem");
        ExternalTool.ok(List.of("openssl", "pkcs12", "-in", store.toString(), "-nocerts", "-nodes", "-passin",
                "env:" + PASSWORD_VAR, "-out", keyPem.toString()), ENV);
        Mp2pIdentity viaOpenssl = Mp2pIdentity.load(keyPem);
        assertArrayEquals(viaOpenssl.sign(MESSAGE), identity.sign(MESSAGE));
        identity.destroy();
        viaOpenssl.destroy();
    }

    @Test
    void keytoolAndOpensslReadWhatWeWrite() throws Exception {
        Mp2pIdentity identity = Mp2pIdentity.generate();
        Path store = dir.resolve("ours.p12");
        identity.savePkcs12(store, password(), false);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
        String listing = ExternalTool.ok(List.of(ExternalTool.keytool(), "-list", "-v", "-keystore", store.toString(),
                "-storepass:env", PASSWORD_VAR), ENV);
        assertTrue(listing.contains("Entry type: PrivateKeyEntry"), listing);
        assertTrue(listing.contains("Signature algorithm name: Ed25519"), listing);
        assertTrue(listing.contains("Owner: CN=" + identity.publicKey().hostName()), listing);
        assertTrue(listing.contains("Alias name: mp2p"), listing);

        Path keyPem = dir.resolve("ours-key.pem");
        ExternalTool.ok(List.of("openssl", "pkcs12", "-in", store.toString(), "-nocerts", "-nodes", "-passin",
                "env:" + PASSWORD_VAR, "-out", keyPem.toString()), ENV);
        Mp2pIdentity viaOpenssl = Mp2pIdentity.load(keyPem);
        assertEquals(identity.publicKey(), viaOpenssl.publicKey());
        assertArrayEquals(identity.sign(MESSAGE), viaOpenssl.sign(MESSAGE));

        // The certificate is a valid self-signature by the same key, by openssl's check and by the JDK's.
        Path certPem = dir.resolve("ours-cert.pem");
        ExternalTool.ok(List.of("openssl", "pkcs12", "-in", store.toString(), "-nokeys", "-passin",
                "env:" + PASSWORD_VAR, "-out", certPem.toString()), ENV);
        String verify = ExternalTool.ok(List.of("openssl", "verify", "-check_ss_sig", "-CAfile", certPem.toString(),
                certPem.toString()), Map.of());
        assertTrue(verify.contains(": OK"), verify);
        KeyStore loaded = KeyStore.getInstance("PKCS12");
        loaded.load(Files.newInputStream(store), password());
        Certificate cert = loaded.getCertificate("mp2p");
        cert.verify(cert.getPublicKey());

        assertEquals(identity.publicKey(), Mp2pIdentity.loadPkcs12(store, password()).publicKey());
        identity.destroy();
        viaOpenssl.destroy();
    }

    @Test
    void wrongPasswordIsSaidSo() throws Exception {
        Mp2pIdentity identity = Mp2pIdentity.generate();
        Path store = dir.resolve("a.p12");
        identity.savePkcs12(store, password(), false);
        KeyFormatException e = assertThrows(KeyFormatException.class,
                () -> Mp2pIdentity.loadPkcs12(store, "not it".toCharArray()));
        assertEquals(KeyFormatException.Reason.PASSWORD, e.reason());
        assertTrue(e.getMessage().contains(store.toString()), e.getMessage());
    }

    @Test
    void aPemFileIsNotAKeyStore() throws Exception {
        Path pem = dir.resolve("key.pem");
        Mp2pIdentity.generate().save(pem, false);
        KeyFormatException e = assertThrows(KeyFormatException.class, () -> Mp2pIdentity.loadPkcs12(pem, password()));
        assertEquals(KeyFormatException.Reason.ENCODING, e.reason());
        assertTrue(e.getMessage().contains("is not a PKCS12 key store"), e.getMessage());
    }

    @Test
    void aStoreWithSeveralKeysNeedsAnAlias() throws Exception {
        Mp2pIdentity a = Mp2pIdentity.generate();
        Mp2pIdentity b = Mp2pIdentity.generate();
        KeyStore store = Pkcs12Files.toKeyStore(a, "a", password(), pkcs8(a));
        KeyStore other = Pkcs12Files.toKeyStore(b, "b", password(), pkcs8(b));
        store.setEntry("b", other.getEntry("b", new KeyStore.PasswordProtection(password())),
                new KeyStore.PasswordProtection(password()));

        KeyFormatException e = assertThrows(KeyFormatException.class,
                () -> Mp2pIdentity.fromKeyStore(store, null, password()));
        assertTrue(e.getMessage().contains("several Ed25519 keys"), e.getMessage());
        assertEquals(b.publicKey(), Mp2pIdentity.fromKeyStore(store, "b", password()).publicKey());
        KeyFormatException missing = assertThrows(KeyFormatException.class,
                () -> Mp2pIdentity.fromKeyStore(store, "c", password()));
        assertTrue(missing.getMessage().contains("has no entry \"c\""), missing.getMessage());
    }

    @Test
    void aCertificateForAnotherKeyIsRefused() throws Exception {
        Mp2pIdentity a = Mp2pIdentity.generate();
        Mp2pIdentity b = Mp2pIdentity.generate();
        KeyStore store = Pkcs12Files.toKeyStore(a, "a", password(), pkcs8(a));
        KeyStore forB = Pkcs12Files.toKeyStore(b, "b", password(), pkcs8(b));
        store.setKeyEntry("a", store.getKey("a", password()), password(),
                new Certificate[] {forB.getCertificate("b")});

        KeyFormatException e = assertThrows(KeyFormatException.class,
                () -> Mp2pIdentity.fromKeyStore(store, null, password()));
        assertTrue(e.getMessage().contains("does not match the private key"), e.getMessage());
    }

    @Test
    void aStoreWithoutEd25519KeysSaysWhatItHolds() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        Mp2pIdentity a = Mp2pIdentity.generate();
        KeyStore withCert = Pkcs12Files.toKeyStore(a, "a", password(), pkcs8(a));
        store.setCertificateEntry("peer", withCert.getCertificate("a"));
        KeyFormatException e = assertThrows(KeyFormatException.class,
                () -> Mp2pIdentity.fromKeyStore(store, null, password()));
        assertTrue(e.getMessage().contains("holds no Ed25519 private key entry"), e.getMessage());
        assertTrue(e.getMessage().contains("\"peer\""), e.getMessage());
    }

    private static byte[] pkcs8(Mp2pIdentity identity) throws Exception {
        Path tmp = Files.createTempFile("pkcs8", ".pem");
        try {
            Files.delete(tmp);
            identity.save(tmp, false);
            String text = Files.readString(tmp);
            String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return java.util.Base64.getDecoder().decode(base64);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String toPublicPem(X509Certificate cert) {
        byte[] spki = cert.getPublicKey().getEncoded();
        return "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(spki)
                + "\n-----END PUBLIC KEY-----\n";
    }

    @Test
    void passwordIsRequiredToSave() {
        Mp2pIdentity identity = Mp2pIdentity.generate();
        assertThrows(IllegalArgumentException.class,
                () -> identity.savePkcs12(dir.resolve("x.p12"), new char[0], false));
        assertTrue(Arrays.asList(dir.toFile().list()).isEmpty());
    }
}
